// Hold and rest countdowns for a guided session on a phone: they beep and buzz so the runner need not
// watch the screen, the rest starts by itself once a set is logged, and the screen stays on meanwhile.
// Time left is worked out from the clock each tick, so a busy or backgrounded tab does not drift.
//
// Markup contract (templates/_timer.html renders the first three; the session page adds the rest):
//
//   [data-timer]                 a timer block: one <output> (aria-live) that shows the countdown, with
//                                the seconds in a <span class="big-number">, and its buttons.
//   button[data-seconds][data-label="Hold"|"Rest"]   inside [data-timer], type="button", aria-pressed:
//                                starts that countdown; pressed again it stops ("Stopped.").
//                                Only one countdown runs on the page; starting one stops the other.
//                                Hold: a short tone for each of the last 3 seconds, a distinct longer
//                                end tone and one vibration. Rest: a two-note tone and a double
//                                vibration when it is over ("Rest over: next set.").
//   [data-mute-toggle]           a button (aria-pressed="true" = muted) anywhere, any number of them:
//                                switches the tones off or on, remembered in localStorage
//                                ("hipcoach.timer.muted"); all of them show the same state. Vibration
//                                is not muted (it is what tells the runner when sound is off).
//   [data-rest-autostart="<s>"]  an element that appears in the page (on load, or swapped in by htmx)
//                                starts a rest countdown of <s> seconds by itself, once: it is marked
//                                data-rest-started, so it does not start again when found again. An
//                                optional data-rest-key="<unique>" (the logged set's id, say) makes a
//                                fresh copy of the same element, re-rendered by the server, not restart
//                                either (the keys are kept for the tab's life in sessionStorage).
//                                The countdown shows in the nearest [data-timer]: the element's own
//                                ancestor, or the first one inside the closest ancestor that holds one
//                                (below <body>); if none, in [data-timer-global] (its <output>, or the
//                                element itself).
//   [data-timer-global]          optional page-level place for countdowns that have no [data-timer].
//   [data-keep-awake]            present anywhere: the session is running, keep the screen on. The wake
//                                lock is requested on the first user interaction (tap, click, key),
//                                requested again when the page becomes visible again (browsers drop it
//                                when the page is hidden), and released when leaving the page or when
//                                no [data-keep-awake] is left.
//   [data-keep-awake-note]       optional, hidden: shown with a short sentence when the browser has no
//                                wake lock or refuses it.
//
// Events, for other scripts of the page (a guided sequence moving on, say): "timer:started" and
// "timer:done" bubble from the [data-timer] (or [data-timer-global]) block showing the countdown, or
// from document when there is none, with detail {label: "Hold"|"Rest", seconds}. A stopped or replaced
// countdown sends no "timer:done".
//
// window.hipcoachSound {tone, isMuted, countTone, holdDoneTone} lends the tones and the mute setting to
// the live camera page (static/live.js).
//
// Tones use the Web Audio API; the AudioContext is made on the first user gesture (browsers allow
// sound only after one), and not while muted. With JavaScript off the buttons do nothing (type=button).
(function () {
  "use strict";

  const MUTE_KEY = "hipcoach.timer.muted";
  const REST_KEYS = "hipcoach.timer.rest-keys";
  const TICK_MS = 250;
  const COUNT_TONE = { hz: 660, seconds: 0.12 };
  const HOLD_END_TONE = { hz: 990, seconds: 0.6 };
  const REST_END_TONES = [
    { hz: 523, seconds: 0.2, delay: 0 },
    { hz: 784, seconds: 0.35, delay: 0.25 },
  ];
  const SLEEP_NOTE = "Your browser may let the screen sleep during the session.";

  // ---- storage that may be unavailable (private modes, storage switched off) ----
  function readStore(store, key) {
    try {
      return window[store].getItem(key);
    } catch (e) {
      return null;
    }
  }
  function writeStore(store, key, value) {
    try {
      window[store].setItem(key, value);
    } catch (e) {
      // the setting lasts until the page is left
    }
  }

  // ---- sound ----
  let muted = readStore("localStorage", MUTE_KEY) === "1";
  let audio = null;
  let unlocked = false; // a silent sound has played inside a gesture (what some mobile browsers need)

  function ensureAudio() {
    if (muted) return null;
    if (!audio) {
      const Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      try {
        audio = new Context();
      } catch (e) {
        return null;
      }
    }
    if (audio.state === "suspended") audio.resume().catch(() => {});
    return audio;
  }

  function tone({ hz, seconds, delay = 0 }) {
    if (muted || !audio) return;
    const at = audio.currentTime + delay;
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = "sine";
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.4, at + 0.01);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + seconds);
    osc.connect(gain).connect(audio.destination);
    osc.start(at);
    osc.stop(at + seconds + 0.05);
  }

  function vibrate(pattern) {
    if (typeof navigator.vibrate === "function") {
      try {
        navigator.vibrate(pattern);
      } catch (e) {
        // no vibration motor or not allowed: the tone and the text remain
      }
    }
  }

  function syncMuteButtons() {
    document.querySelectorAll("[data-mute-toggle]").forEach((b) => {
      const want = muted ? "true" : "false";
      if (b.getAttribute("aria-pressed") !== want) b.setAttribute("aria-pressed", want);
    });
  }

  function setMuted(value) {
    muted = value;
    writeStore("localStorage", MUTE_KEY, muted ? "1" : "0");
    syncMuteButtons();
    if (!muted) unlockAudio(); // unmuting is a gesture: sound may start now
  }

  // ---- countdowns ----
  let running = null; // {button, output, end, label, seconds, tick, shown}

  function announce(name, countdown) {
    const block = countdown.output && countdown.output.closest("[data-timer], [data-timer-global]");
    const detail = { label: countdown.label, seconds: countdown.seconds };
    (block || document).dispatchEvent(new CustomEvent(name, { bubbles: true, detail }));
  }

  function stop() {
    if (!running) return;
    clearInterval(running.tick);
    if (running.button) running.button.setAttribute("aria-pressed", "false");
    running = null;
  }

  function say(output, text) {
    if (output) output.textContent = text;
  }

  function render(output, label, left) {
    if (!output) return;
    const digits = document.createElement("span");
    digits.className = "big-number";
    digits.textContent = String(left);
    output.replaceChildren(`${label}: `, digits, " s left");
  }

  function finish(done) {
    if (done.label === "Hold") {
      say(done.output, "Hold done: lower slowly.");
      tone(HOLD_END_TONE);
      vibrate(400);
    } else {
      say(done.output, "Rest over: next set.");
      REST_END_TONES.forEach(tone);
      vibrate([200, 100, 200]);
    }
  }

  function show() {
    if (!running) return;
    const left = Math.max(0, Math.ceil((running.end - Date.now()) / 1000));
    if (left === running.shown) return;
    running.shown = left;
    if (left > 0) {
      if (running.label === "Hold" && left <= 3) tone(COUNT_TONE);
      render(running.output, running.label, left);
      return;
    }
    const done = running;
    stop();
    finish(done);
    announce("timer:done", done);
  }

  function start({ button, output, seconds, label }) {
    stop();
    running = { button, output, end: Date.now() + seconds * 1000, label, seconds, shown: null };
    if (button) button.setAttribute("aria-pressed", "true");
    announce("timer:started", running);
    show();
    if (running) running.tick = setInterval(show, TICK_MS);
  }

  function outputOf(block) {
    if (!block) return null;
    return block.matches("output") ? block : block.querySelector("output");
  }

  // The [data-timer] nearest to an element: its own ancestor, or the first one inside the closest
  // ancestor (below <body>) that holds one.
  function timerNear(el) {
    for (let n = el; n && n !== document.body && n !== document.documentElement; n = n.parentElement) {
      if (n.matches("[data-timer]")) return n;
      const inside = n.querySelector("[data-timer]");
      if (inside) return inside;
    }
    return null;
  }

  function restKeys() {
    try {
      return new Set(JSON.parse(readStore("sessionStorage", REST_KEYS) || "[]"));
    } catch (e) {
      return new Set();
    }
  }
  const seenKeys = restKeys();

  function autostart(el) {
    if (el.hasAttribute("data-rest-started")) return;
    el.setAttribute("data-rest-started", "");
    const key = el.getAttribute("data-rest-key");
    if (key) {
      if (seenKeys.has(key)) return;
      seenKeys.add(key);
      writeStore("sessionStorage", REST_KEYS, JSON.stringify([...seenKeys].slice(-200)));
    }
    const seconds = Number(el.getAttribute("data-rest-autostart"));
    if (!Number.isFinite(seconds) || seconds <= 0) return;
    const block = timerNear(el);
    const output = block ? outputOf(block) : outputOf(document.querySelector("[data-timer-global]"));
    const button = block ? block.querySelector('button[data-seconds][data-label="Rest"]') : null;
    start({ button, output, seconds, label: "Rest" });
  }

  // ---- keeping the screen on ----
  let lock = null;
  let lockPending = false;
  let lockWanted = false; // the runner has interacted with a page that asks for it

  function keepAwakeAsked() {
    return document.querySelector("[data-keep-awake]") !== null;
  }

  function sleepNote(visible) {
    document.querySelectorAll("[data-keep-awake-note]").forEach((note) => {
      if (visible && note.textContent.trim() === "") note.textContent = SLEEP_NOTE;
      note.hidden = !visible;
    });
  }

  function releaseLock() {
    const held = lock;
    lock = null;
    if (held) held.release().catch(() => {});
  }

  function acquireLock() {
    if (!keepAwakeAsked() || lock || lockPending || document.visibilityState !== "visible") return;
    lockWanted = true;
    if (!navigator.wakeLock || typeof navigator.wakeLock.request !== "function") {
      sleepNote(true);
      return;
    }
    lockPending = true;
    navigator.wakeLock.request("screen").then(
      (sentinel) => {
        lockPending = false;
        lock = sentinel;
        sentinel.addEventListener("release", () => {
          if (lock === sentinel) lock = null;
        });
        sleepNote(false);
        if (!keepAwakeAsked() || document.visibilityState !== "visible") releaseLock();
      },
      () => {
        lockPending = false;
        sleepNote(true);
      },
    );
  }

  // ---- wiring ----
  function refresh() {
    document.querySelectorAll("[data-rest-autostart]:not([data-rest-started])").forEach(autostart);
    syncMuteButtons();
    if (!keepAwakeAsked()) {
      releaseLock();
    } else if (!navigator.wakeLock) {
      sleepNote(true);
    }
  }

  function unlockAudio() {
    if (!ensureAudio() || unlocked) return;
    try {
      const silence = audio.createBufferSource();
      silence.buffer = audio.createBuffer(1, 1, audio.sampleRate);
      silence.connect(audio.destination);
      silence.start(0);
      unlocked = true;
    } catch (e) {
      // the tones will try again on their own
    }
  }

  function onGesture(event) {
    // A touch's pointerdown does not count as a gesture for sound; its pointerup and click do.
    if (event.type === "pointerdown" && event.pointerType !== "mouse") {
      ensureAudio();
    } else {
      unlockAudio();
    }
    acquireLock();
  }

  for (const type of ["pointerdown", "pointerup", "keydown", "click"]) {
    document.addEventListener(type, onGesture, true); // a click from assistive technology may come alone
  }

  document.addEventListener("click", (event) => {
    const mute = event.target.closest("[data-mute-toggle]");
    if (mute) {
      setMuted(!muted);
      return;
    }
    const button = event.target.closest("[data-timer] button[data-seconds]");
    if (!button) return;
    if (running && running.button === button) {
      const output = running.output;
      stop();
      say(output, "Stopped.");
      return;
    }
    start({
      button,
      output: outputOf(button.closest("[data-timer]")),
      seconds: Number(button.dataset.seconds),
      label: button.dataset.label,
    });
  });

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      show(); // catch up at once rather than at the next tick
      if (lockWanted) acquireLock();
    } else {
      lock = null; // the browser releases a screen wake lock when the page is hidden
    }
  });
  window.addEventListener("pageshow", (event) => {
    if (event.persisted && lockWanted) acquireLock();
  });
  window.addEventListener("pagehide", releaseLock);

  window.addEventListener("storage", (event) => {
    if (event.key === MUTE_KEY) {
      muted = event.newValue === "1";
      syncMuteButtons();
    }
  });

  // htmx tells when it has swapped content in; the observer catches any other way content arrives.
  document.addEventListener("htmx:load", refresh);
  document.addEventListener("htmx:afterSettle", refresh);
  new MutationObserver((records) => {
    const ours = records.every((r) => r.target instanceof Element && r.target.closest("output"));
    if (!ours) refresh();
  }).observe(document.documentElement, { childList: true, subtree: true });

  // For the live camera page (static/live.js): the same tones, the same mute switch.
  window.hipcoachSound = {
    tone,
    isMuted: () => muted,
    countTone: () => tone(COUNT_TONE),
    holdDoneTone: () => tone(HOLD_END_TONE),
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", refresh);
  } else {
    refresh();
  }
})();
