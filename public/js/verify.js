/* global document, navigator */
// Verification page: lets a reporter attach a location, only when they press the button.
// External file because the Content-Security-Policy blocks inline scripts.
(function () {
  'use strict';
  var button = document.querySelector('.locate');
  if (!button || !('geolocation' in navigator)) return;
  var form = button.form;
  button.hidden = false;
  button.addEventListener('click', function () {
    var label = button.textContent;
    button.disabled = true;
    button.textContent = button.getAttribute('data-locating');
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.elements.lat.value = position.coords.latitude.toFixed(5);
        form.elements.lng.value = position.coords.longitude.toFixed(5);
        button.textContent = label + ' ✓';
      },
      function () {
        button.disabled = false;
        button.textContent = button.getAttribute('data-failed');
      },
      { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
    );
  });
})();
