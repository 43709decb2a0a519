// Hold and rest countdowns on the session cards. A button starts its countdown; pressing it again stops it.
// Time left is worked out from the clock each tick, so a busy or backgrounded tab does not drift.
(function () {
  let running = null; // {button, output, end, label, tick}

  function stop() {
    if (!running) return;
    clearInterval(running.tick);
    running.button.setAttribute("aria-pressed", "false");
    running = null;
  }

  function show() {
    const left = Math.max(0, Math.ceil((running.end - Date.now()) / 1000));
    if (left > 0) {
      running.output.textContent = `${running.label}: ${left} s left`;
      return;
    }
    running.output.textContent = running.label === "Hold" ? "Hold done: lower slowly." : "Rest over: next set.";
    if (navigator.vibrate) navigator.vibrate(300);
    stop();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-timer] button[data-seconds]");
    if (!button) return;
    const wasThis = running && running.button === button;
    stop();
    if (wasThis) {
      button.closest("[data-timer]").querySelector("output").textContent = "Stopped.";
      return;
    }
    running = {
      button,
      output: button.closest("[data-timer]").querySelector("output"),
      end: Date.now() + Number(button.dataset.seconds) * 1000,
      label: button.dataset.label,
    };
    button.setAttribute("aria-pressed", "true");
    show();
    if (running) running.tick = setInterval(show, 250);
  });
})();
