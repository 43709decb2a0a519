// Copy buttons: each [data-copy] button copies the value of the [data-copy-source] field in the same
// list item. Without JavaScript the buttons stay hidden and the field is there to select and copy.
(function () {
  "use strict";
  function setup() {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var field = button.closest("li, div, section").querySelector("[data-copy-source]");
      if (!field) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var done = function () { button.textContent = "Copied"; };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
        } else {
          field.select();
          if (document.execCommand && document.execCommand("copy")) done();
        }
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
