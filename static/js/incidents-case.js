// The case page's small map: the cell boundary and the reported point.
(function () {
  "use strict";

  document.addEventListener("DOMContentLoaded", function () {
    const el = document.querySelector("[data-case-map]");
    if (!el || typeof L === "undefined") return;
    const data = JSON.parse(document.getElementById(el.dataset.caseMap).textContent);
    const map = window.GridMap.create(el, { zoomControl: true, scrollWheelZoom: false }, data.tiles);
    const layers = [];
    if (data.cell && data.cell.geometry) {
      layers.push(L.geoJSON(data.cell, {
        className: "case-cell",
        style: function () { return { color: "#c0392b", weight: 2, fillColor: "#e74c3c", fillOpacity: 0.12 }; },
      }).bindTooltip(data.cell.properties.name));
    }
    if (data.point) layers.push(L.marker(data.point));
    const group = L.featureGroup(layers).addTo(map);
    // The whole cell and the point: where in the cell it is matters as much as the spot itself.
    if (group.getBounds().isValid()) map.fitBounds(group.getBounds(), { padding: [16, 16], maxZoom: 17 });
    else map.setView([36.0, 120.0], 12);
    el.dataset.ready = "1";
  });
})();

// The dispatch form's person list offers only the chosen department's people (each option names
// its department in data-department; the service refuses anyone else anyway).
(function () {
  "use strict";

  function follow(select) {
    const department = document.getElementById(select.dataset.handlersOf);
    if (!department) return;
    function apply() {
      const chosen = department.value;
      select.querySelectorAll("option[data-department]").forEach(function (option) {
        const other = option.dataset.department !== chosen;
        option.hidden = other;
        option.disabled = other;
        if (other && option.selected) select.value = "";
      });
      select.querySelectorAll("optgroup").forEach(function (group) {
        group.hidden = !group.querySelector("option:not([disabled])");
      });
    }
    department.addEventListener("change", apply);
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select[data-handlers-of]").forEach(follow);
  });
})();
