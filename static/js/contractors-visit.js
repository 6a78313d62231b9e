// A service visit on a phone: the position is taken when the visit starts (no inline scripts, CSP).
(function () {
  "use strict";
  var form = document.getElementById("visit-start");
  if (!form) { return; }
  var where = document.getElementById("visit-location");
  var lat = document.getElementById("visit-lat");
  var lng = document.getElementById("visit-lng");
  if (!navigator.geolocation) { where.textContent = where.dataset.none; return; }
  where.textContent = where.dataset.waiting;
  navigator.geolocation.getCurrentPosition(function (position) {
    lat.value = position.coords.latitude.toFixed(6);
    lng.value = position.coords.longitude.toFixed(6);
    where.textContent = lat.value + ", " + lng.value;
  }, function () { where.textContent = where.dataset.none; }, { enableHighAccuracy: true, timeout: 15000 });
}());
