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
