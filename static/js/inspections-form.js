// The inspection form on a phone: the position, the signature drawn on screen, the checklist chooser.
// No inline scripts (CSP); the drawn signature is uploaded as a PNG file (the server re-encodes it).
(function () {
  "use strict";

  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  var form = document.getElementById("inspection-form");
  if (!form) { return; }

  var where = document.getElementById("inspection-location");
  var lat = document.getElementById("inspection-lat");
  var lng = document.getElementById("inspection-lng");
  if (navigator.geolocation && !lat.value) {
    where.textContent = where.dataset.waiting;
    navigator.geolocation.getCurrentPosition(function (position) {
      lat.value = position.coords.latitude.toFixed(6);
      lng.value = position.coords.longitude.toFixed(6);
      where.textContent = lat.value + ", " + lng.value;
    }, function () { where.textContent = where.dataset.none; }, { enableHighAccuracy: true, timeout: 15000 });
  }

  var canvas = document.getElementById("signature-canvas");
  var fileInput = document.getElementById("signature-file");
  var kind = document.getElementById("signature-kind");
  var context = canvas.getContext("2d");
  var drawing = false;
  var drawn = false;
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
    drawn = true;
    event.preventDefault();
  });
  ["pointerup", "pointercancel", "pointerleave"].forEach(function (name) {
    canvas.addEventListener(name, function () { drawing = false; });
  });
  document.getElementById("signature-clear").addEventListener("click", function () {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
  });

  var sending = false;
  form.addEventListener("submit", function (event) {
    if (sending || !drawn || fileInput.files.length || typeof DataTransfer === "undefined") { return; }
    event.preventDefault();
    // form.submit() sends no button: carry the pressed one (save draft / submit) as a hidden field.
    var button = event.submitter;
    if (button && button.name) {
      var carried = document.createElement("input");
      carried.type = "hidden";
      carried.name = button.name;
      carried.value = button.value;
      form.appendChild(carried);
    }
    canvas.toBlob(function (blob) {
      var transfer = new DataTransfer();
      transfer.items.add(new File([blob], "signature.png", { type: "image/png" }));
      fileInput.files = transfer.files;
      kind.value = "drawn";
      sending = true;
      form.submit();
    }, "image/png");
  });
})();
