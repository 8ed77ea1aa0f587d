/*
 * The kiosk goes back to its start page after a while without a touch, so the next visitor never
 * sees the last one's slip or half-typed phone number. Any touch or key press starts the wait
 * again, which is also how a slow reader keeps a page longer.
 *
 *   <script src="…/queue-kiosk.js" data-home="/kiosk/<token>/" data-idle="30" defer></script>
 *
 * A button marked data-print prints the page (the slip): here, not in an onclick attribute, which
 * the Content-Security-Policy forbids.
 */
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () {
      window.print();
    });
  });

  var script = document.currentScript;
  if (!script || !script.dataset.home) return;
  var home = script.dataset.home;
  var limit = parseInt(script.dataset.idle, 10) || 120;
  var idle = 0;

  function stillHere() {
    idle = 0;
  }

  ["pointerdown", "keydown", "input"].forEach(function (name) {
    document.addEventListener(name, stillHere, true);
  });
  setInterval(function () {
    idle += 1;
    if (idle >= limit) window.location.replace(home);
  }, 1000);
})();
