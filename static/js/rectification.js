// The rectification loop's pages: the device's position for after-photos, the signature drawn on
// the notice, the print button. No inline scripts (CSP).
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });

  // After-photos: the server prefers the photo's own EXIF position; this is the fallback.
  var forms = document.querySelectorAll("form[data-locate]");
  if (forms.length && navigator.geolocation) {
    navigator.geolocation.getCurrentPosition(function (position) {
      forms.forEach(function (form) {
        form.querySelector("[data-lat]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[data-lng]").value = position.coords.longitude.toFixed(6);
      });
    }, function () {}, { enableHighAccuracy: true, timeout: 15000 });
  }

  var canvas = document.getElementById("serve-signature");
  if (!canvas) { return; }
  var data = document.getElementById("serve-signature-data");
  var context = canvas.getContext("2d");
  var drawing = false;
  context.lineWidth = 3;
  context.lineCap = "round";
  context.strokeStyle = "#111";
  function point(event) {
    var box = canvas.getBoundingClientRect();
    return { x: (event.clientX - box.left) * canvas.width / box.width, y: (event.clientY - box.top) * canvas.height / box.height };
  }
  canvas.addEventListener("pointerdown", function (event) {
    drawing = true;
    canvas.setPointerCapture(event.pointerId);
    var p = point(event);
    context.beginPath();
    context.moveTo(p.x, p.y);
    event.preventDefault();
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!drawing) { return; }
    var p = point(event);
    context.lineTo(p.x, p.y);
    context.stroke();
    data.value = canvas.toDataURL("image/png");
    event.preventDefault();
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });
  document.getElementById("serve-signature-clear").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    data.value = "";
  });
})();
