// Refuse a video larger than the server's limit before sending it, with the message next to the field.
(function () {
  const form = document.getElementById("upload");
  if (!form) return;
  const input = form.querySelector('input[type="file"]');
  const message = form.querySelector('.error[data-field="file"]');
  const limit = Number(input.dataset.limitBytes);

  function check() {
    const file = input.files[0];
    const tooBig = file && file.size > limit;
    message.hidden = !tooBig;
    if (tooBig) {
      const mib = (n) => Math.round(n / 1048576);
      message.textContent = `This video is ${mib(file.size)} MiB; the limit is ${mib(limit)} MiB. ` +
        "Trim it or film at a lower resolution.";
    }
    return !tooBig;
  }

  input.addEventListener("change", check);
  form.addEventListener("submit", (event) => {
    if (!check()) event.preventDefault();
  });
})();
