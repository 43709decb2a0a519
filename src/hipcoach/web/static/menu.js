// The header's menu is a <details>: on a phone its summary opens and closes it, with or without this
// script. From 64rem wide the links belong in the bar, so the script keeps the menu open there (the
// stylesheet also shows them where the browser styles ::details-content), and closes it again when the
// window narrows. Escape closes an open menu on a phone and gives the focus back to its button.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 64rem)");
  function menus() { return document.querySelectorAll("details[data-menu]"); }
  function sync() { menus().forEach(function (menu) { menu.open = wide.matches; }); }
  wide.addEventListener("change", sync);
  sync();
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || wide.matches) return;
    menus().forEach(function (menu) {
      if (menu.open) { menu.open = false; menu.querySelector("summary").focus(); }
    });
  });
})();
