// The street dashboard's contractors panel: fetched after the page (its own queries stay off the
// dashboard's), then shown. The fragment is server-rendered and scoped.
(function () {
  "use strict";
  var panel = document.getElementById("contractors-panel");
  if (!panel || !window.fetch) { return; }
  fetch(panel.dataset.src, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
    .then(function (response) { return response.ok ? response.text() : ""; })
    .then(function (html) {
      if (!html) { return; }
      var parsed = new DOMParser().parseFromString(html, "text/html");
      panel.replaceChildren.apply(panel, Array.prototype.slice.call(parsed.body.childNodes));
      panel.hidden = false;
    });
}());
