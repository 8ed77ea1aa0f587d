/*
 * "Dùng vị trí của tôi" on the report form: fills the latitude and longitude boxes from the
 * phone's location (navigator.geolocation). No map, no library, nothing sent anywhere but the
 * form. Without JavaScript, or without geolocation, the button stays hidden and the boxes can be
 * typed in or left empty. Texts come translated from the script tag:
 *
 *   <script src="…/petitions-location.js" data-wait="…" data-done="…" data-fail="…" defer></script>
 */
(function () {
  "use strict";

  var script = document.currentScript;
  var text = (script && script.dataset) || {};
  var button = document.querySelector("[data-use-location]");
  if (!button || !("geolocation" in navigator)) return;
  var latitude = document.getElementById(button.dataset.latitude);
  var longitude = document.getElementById(button.dataset.longitude);
  var status = document.getElementById(button.dataset.status);
  if (!latitude || !longitude) return;
  button.hidden = false;

  function say(message) {
    if (status) status.textContent = message || "";
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say(text.wait);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        latitude.value = position.coords.latitude.toFixed(6);
        longitude.value = position.coords.longitude.toFixed(6);
        button.disabled = false;
        say(text.done);
      },
      function () {
        button.disabled = false;
        say(text.fail);
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
