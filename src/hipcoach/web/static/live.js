// The live camera page: BlazePose runs here, in the browser (MediaPipe tasks-vision 0.10.35, WASM on
// the CPU delegate, every file from this server), and only landmarks go to the server, which counts reps,
// times holds and picks cues (web/live_protocol.py documents the messages). No picture leaves the device.
//
// Why these choices:
// - The preview is mirrored by CSS only (.live-video); landmarks come from the raw camera frames, so the
//   person's own left and right stay right whatever the preview shows.
// - MediaPipe needs a WebGL context even on the CPU delegate: without one the page says so at once
//   rather than failing inside the library.
// - At most 15 frames a second are run and sent (what the analyser needs); a frame is skipped while the
//   socket still holds unsent data, so a slow network never builds a backlog.
// - Cues are spoken with speechSynthesis; where it has no voice (or fails) a tone plays instead. The mute
//   switch is timer.js's ([data-mute-toggle], remembered in localStorage): it silences both.
//
// Markup contract (templates/live.html): [data-live] with data-socket, data-model, data-vendor,
// data-ready ("yes"/"no"), data-side, data-reps, data-hold, data-step-url; inside it [data-live-status],
// [data-live-video], [data-live-framing], [data-live-counts] holding [data-live-count="<side>"] with a
// [data-live-number], [data-live-hold-s] (optional), [data-live-cue], [data-live-start], [data-live-end],
// [data-live-result] with [data-live-result-text] and a[data-live-log]. The page writes its progress to
// [data-live] as data-state ("idle", "loading", "counting", "finished", "failed"), data-frames (frames
// sent), data-seconds (set time of the last frame), data-pose-fps (pose frames a second, measured),
// data-framing ("ok" or the framing problem's code) and, once finished, data-analysis (the stored
// analysis id, empty when nothing was kept). window.hipcoachLive logs the reps and the finished event.

const root = document.querySelector("[data-live]");
const MUTE_KEY = "hipcoach.timer.muted";
const MAX_FPS = 15;
const MAX_BUFFERED = 64 * 1024;
const SIDES = { left: "Left", right: "Right", both: "Reps" };
// What was counted, for tests and benchmarks/bench_live.py: each rep with the time from the frame that
// ended it to its count on screen, and the "finished" event.
const liveLog = { reps: [], finished: null };
window.hipcoachLive = liveLog;

function $(selector) {
  return root.querySelector(selector);
}

function setState(state) {
  root.dataset.state = state;
}

function status(text, kind = "") {
  const el = $("[data-live-status]");
  el.textContent = text;
  el.classList.toggle("notice-warn", kind === "warn");
  el.classList.toggle("notice-urgent", kind === "urgent");
  el.classList.toggle("notice-ok", kind === "ok");
}

function fail(text) {
  setState("failed");
  status(text, "urgent");
  $("[data-live-start]").disabled = false;
  $("[data-live-end]").hidden = true;
}

// ---- sound: speech, with timer.js's tones as the fallback and its mute switch ----
function muted() {
  if (window.hipcoachSound) return window.hipcoachSound.isMuted();
  try {
    return window.localStorage.getItem(MUTE_KEY) === "1";
  } catch (e) {
    return false;
  }
}

function beep(kind = "count") {
  if (muted() || !window.hipcoachSound) return;
  if (kind === "done") window.hipcoachSound.holdDoneTone();
  else window.hipcoachSound.countTone();
}

function speak(text) {
  if (muted() || !text) return;
  const synth = window.speechSynthesis;
  if (!synth || typeof window.SpeechSynthesisUtterance !== "function" || synth.getVoices().length === 0) {
    beep();
    return;
  }
  const said = new SpeechSynthesisUtterance(text);
  said.addEventListener("error", () => beep());
  synth.cancel(); // one cue at a time: a new one replaces one not yet finished
  synth.speak(said);
}

// ---- what the browser can do ----
function hasWebGL() {
  const canvas = document.createElement("canvas");
  try {
    return Boolean(canvas.getContext("webgl2") || canvas.getContext("webgl"));
  } catch (e) {
    return false;
  }
}

function cameraMessage(error) {
  const name = error && error.name;
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "The camera was refused. Allow the camera for this site (the camera symbol in the address bar or the browser's site settings), then press “Start the camera” again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera was found. Connect one (or use a phone), then press “Start the camera” again.";
  }
  if (name === "NotReadableError" || name === "AbortError") {
    return "The camera is busy in another app or tab. Close that, then press “Start the camera” again.";
  }
  return `The camera could not be opened (${name || "unknown error"}). Reload the page and try again.`;
}

// ---- the set ----
let landmarker = null;
let socket = null;
let stream = null;
let running = false;
let finished = false;
let started = 0;
let lastRun = -Infinity;
let frames = 0;
let poseMs = 0;
let holdToned = false;

async function loadPose() {
  const vendor = root.dataset.vendor;
  let vision;
  try {
    vision = await import(`${vendor}/vision_bundle.mjs`);
  } catch (e) {
    throw new Error(
      "The camera counting files are missing on this server: whoever runs it should run `make setup`. Meanwhile, upload a clip instead.",
    );
  }
  const fileset = await vision.FilesetResolver.forVisionTasks(`${vendor}/wasm`);
  return vision.PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: root.dataset.model, delegate: "CPU" },
    runningMode: "VIDEO",
    numPoses: 1,
  });
}

// Only the width is asked for: a height as well makes the browser crop the camera's picture to that
// shape, and a phone held upright (or a portrait clip) then loses the head and feet the analysis needs.
async function openCamera(video) {
  stream = await navigator.mediaDevices.getUserMedia({
    audio: false,
    video: { facingMode: "user", width: { ideal: 640 }, frameRate: { ideal: 30 } },
  });
  video.srcObject = stream;
  await video.play();
}

function frameMessage(t, result) {
  const person = result.landmarks && result.landmarks[0];
  if (!person) return { t, lm: null };
  const world = result.worldLandmarks && result.worldLandmarks[0];
  const r = (v) => Math.round(v * 1e5) / 1e5; // 0.01 px at 1000 px: keeps messages small
  return {
    t,
    lm: person.map((p) => [r(p.x), r(p.y), r(p.z), r(Math.min(1, Math.max(0, p.visibility ?? 0)))]),
    world: world ? world.map((p) => [r(p.x), r(p.y), r(p.z)]) : null,
  };
}

function step(video) {
  if (!running) return;
  const now = performance.now();
  if (now - lastRun >= 1000 / MAX_FPS - 2 && socket.bufferedAmount < MAX_BUFFERED && video.readyState >= 2) {
    lastRun = now;
    const before = performance.now();
    const result = landmarker.detectForVideo(video, now);
    poseMs += performance.now() - before;
    const t = Math.round(now - started) / 1000;
    socket.send(JSON.stringify(frameMessage(t, result)));
    frames += 1;
    root.dataset.frames = String(frames);
    root.dataset.seconds = t.toFixed(2);
    root.dataset.poseFps = (frames / (poseMs / 1000)).toFixed(1);
  }
  if (typeof video.requestVideoFrameCallback === "function") video.requestVideoFrameCallback(() => step(video));
  else requestAnimationFrame(() => step(video));
}

function countFor(side) {
  let box = $(`[data-live-count="${side}"]`);
  if (!box) {
    // a side the page did not expect (an alternating exercise, say): a counter of its own
    box = document.createElement("div");
    box.className = "live-count";
    box.dataset.liveCount = side;
    const label = document.createElement("span");
    label.className = "muted";
    label.textContent = SIDES[side] || side;
    const number = document.createElement("span");
    number.className = "big-number";
    number.dataset.liveNumber = "";
    box.append(label, " ", number);
    $("[data-live-counts]").append(box);
  }
  return box.querySelector("[data-live-number]");
}

function showFraming(text) {
  const el = $("[data-live-framing]");
  el.textContent = text || "";
  el.hidden = !text;
}

function onEvent(event) {
  switch (event.type) {
    case "ready":
      setState("counting");
      status("Counting. Start when you are ready.", "ok");
      return;
    case "framing":
      showFraming(event.ok ? "" : event.message || event.text);
      root.dataset.framing = event.ok ? "ok" : event.code || "no";
      return;
    case "rep": {
      const side = event.side || root.dataset.side;
      countFor(side).textContent = String(event.count);
      const shownAt = performance.now();
      const latencyMs = typeof event.end_s === "number" ? shownAt - (started + event.end_s * 1000) : null;
      liveLog.reps.push({ side, count: event.count, end_s: event.end_s, latency_ms: latencyMs });
      holdToned = false;
      speak(String(event.count));
      return;
    }
    case "hold": {
      const shown = $("[data-live-hold-s]");
      if (shown) shown.textContent = Number(event.elapsed_s || 0).toFixed(0);
      if (!holdToned && event.target_s && event.elapsed_s >= event.target_s) {
        holdToned = true;
        beep("done");
      }
      return;
    }
    case "cue":
      $("[data-live-cue]").textContent = event.text || "";
      speak(event.text);
      return;
    case "paused":
      status(event.message || event.text || "Paused: step back into view.", "warn");
      return;
    case "resumed":
      status(event.message || event.text || "Counting again.", "ok");
      return;
    case "set_done":
      speak(event.text || "Set done.");
      endSet();
      return;
    case "finished":
      showResult(event);
      return;
    case "error":
      fail(event.text);
      return;
    default:
  }
}

function showResult(event) {
  finished = true;
  liveLog.finished = event;
  setState("finished");
  const counted = Object.entries(event.reps_by_side || {});
  const parts = counted.map(([side, n]) => `${SIDES[side] || side}: ${n}`);
  let text = `Counted with the camera. ${parts.length ? parts.join(", ") : "No reps counted"}.`;
  if (event.hold_s) text += ` Hold: ${Number(event.hold_s).toFixed(1)} s.`;
  if (event.message) text += ` ${event.message}`;
  $("[data-live-result-text]").textContent = text;
  // The server names the step with the form filled in (reps on the step's side, hold, and the stored
  // analysis); only a path of this site is followed.
  const next = new URL(event.next_url || root.dataset.stepUrl, window.location.href);
  const log = $("[data-live-log]");
  if (next.origin === window.location.origin) log.href = next.pathname + next.search;
  root.dataset.analysis = event.analysis_id == null ? "" : String(event.analysis_id);
  $("[data-live-result]").hidden = false;
  status("Set finished. Log it with the pain you felt and how hard it was.", "ok");
  log.focus();
}

function stopCamera() {
  running = false;
  if (stream) stream.getTracks().forEach((track) => track.stop());
  stream = null;
}

function endSet() {
  if (!running) return;
  stopCamera();
  $("[data-live-end]").hidden = true;
  status("Working out the set…");
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ type: "end" }));
}

function openSocket(video) {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  socket = new WebSocket(`${scheme}//${window.location.host}${root.dataset.socket}`);
  socket.addEventListener("open", () => {
    socket.send(JSON.stringify({ type: "start", frame: [video.videoWidth, video.videoHeight] }));
  });
  socket.addEventListener("message", (message) => {
    let event;
    try {
      event = JSON.parse(message.data);
    } catch (e) {
      return;
    }
    if (event.type === "ready") {
      running = true;
      started = performance.now();
      step(video);
    }
    onEvent(event);
  });
  socket.addEventListener("close", (closed) => {
    const wasRunning = running;
    stopCamera();
    if (finished || root.dataset.state === "failed") return;
    if (wasRunning || closed.code !== 1000) {
      fail(closed.reason || "The connection to the server was lost. Press “Start the camera” to count a new set.");
    }
  });
}

async function start() {
  const button = $("[data-live-start]");
  button.disabled = true;
  finished = false;
  $("[data-live-result]").hidden = true;
  if (!hasWebGL()) {
    fail(
      "This browser has no WebGL, which the pose model needs even on the CPU. Turn on hardware acceleration in the browser's settings or use another browser; or upload a clip of the set instead.",
    );
    return;
  }
  if (!navigator.mediaDevices || typeof navigator.mediaDevices.getUserMedia !== "function") {
    fail("This browser cannot open the camera on this page (it needs https, or localhost). Upload a clip instead.");
    return;
  }
  setState("loading");
  status("Loading the pose model (about 9 MB the first time)…");
  try {
    landmarker = landmarker || (await loadPose());
  } catch (e) {
    fail(e.message || "The pose model could not be loaded. Reload the page and try again.");
    return;
  }
  const video = $("[data-live-video]");
  status("Opening the camera…");
  try {
    await openCamera(video);
  } catch (e) {
    fail(cameraMessage(e));
    return;
  }
  frames = 0;
  poseMs = 0;
  lastRun = -Infinity;
  $("[data-live-end]").hidden = false;
  openSocket(video);
}

if (root) {
  setState("idle");
  $("[data-live-start]").addEventListener("click", start);
  $("[data-live-end]").addEventListener("click", endSet);
  if (root.dataset.ready !== "yes") setState("failed");
}
