// Grid-cell maps. Each [data-map] element names two json_script blocks: the configuration
// (tile layers, labels) and a GeoJSON FeatureCollection of cells. Boundaries are drawn as their
// own vector layers and the view is fitted to them, so the map is useful even when no tile can
// be fetched (closed networks, "none" tiles, a tile server that is down).
(function () {
  "use strict";

  const STYLE_MINE = { color: "#c0392b", weight: 3, fillColor: "#e74c3c", fillOpacity: 0.35 };
  const STYLE_OTHER = { color: "#1565c0", weight: 1.5, fillColor: "#64b5f6", fillOpacity: 0.15 };
  const DEFAULT_CENTRE = [36.0, 120.0];

  // Leaflet's own control texts in the page's language. components/map_scripts.html loads this
  // file right after leaflet.js and puts the translated texts on its <script> tag, so they are
  // Leaflet's defaults before any map is made: the grid maps here, the dashboard's, the case
  // page's and the intake form's.
  const script = document.currentScript;
  if (typeof L !== "undefined" && script) {
    const texts = script.dataset;
    const zoom = {};
    if (texts.zoomIn) zoom.zoomInTitle = texts.zoomIn;
    if (texts.zoomOut) zoom.zoomOutTitle = texts.zoomOut;
    L.Control.Zoom.mergeOptions(zoom);
  }

  const tilesFailedText = (script && script.dataset.tilesFailed) || "Map tiles could not be loaded.";

  // The one map set-up every map uses (grid maps, the dashboard, the case page, the intake form):
  // Leaflet's attribution without its flag prefix, the configured tile layers, and a clear notice
  // over the map when tiles fail (a closed network, OpenStreetMap blocked) instead of a grey box.
  function createMap(el, options, tiles) {
    const map = L.map(el, options || { zoomControl: true });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    let notice = null;
    (tiles || []).forEach(function (tile) {
      const layer = L.tileLayer(tile.url, tile.options || {});
      layer.on("tileerror", function () {
        if (notice) return;
        notice = document.createElement("div");
        notice.className = "map-notice";
        notice.setAttribute("role", "status");
        notice.dataset.testid = "tiles-failed";
        notice.textContent = tilesFailedText;
        el.appendChild(notice);
      });
      layer.addTo(map);
    });
    return map;
  }
  window.GridMap = { create: createMap };

  function readJSON(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function popupContent(props, labels) {
    // Built with DOM nodes rather than HTML strings: names come from the database.
    const box = document.createElement("div");
    box.className = "cell-popup";
    const title = document.createElement("strong");
    title.textContent = props.name;
    box.appendChild(title);
    if (props.mine) {
      const badge = document.createElement("span");
      badge.className = "badge info";
      badge.textContent = labels.mine;
      box.appendChild(document.createTextNode(" "));
      box.appendChild(badge);
    }
    const rows = [[labels.code, props.code], [labels.community, props.community]];
    rows.forEach(([label, value]) => {
      const line = document.createElement("div");
      line.textContent = label + ": " + value;
      box.appendChild(line);
    });
    const link = document.createElement("a");
    link.href = props.url;
    link.textContent = labels.open;
    box.appendChild(link);
    return box;
  }

  function cellLayer(features, className, style, labels) {
    // `className` is a path option Leaflet copies onto each polygon's SVG <path>; tests count them.
    return L.geoJSON({ type: "FeatureCollection", features: features }, {
      className: className,
      style: function () { return style; },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(function () { return popupContent(feature.properties, labels); });
        layer.bindTooltip(feature.properties.name, { sticky: true });
      },
    });
  }

  function initMap(container) {
    const config = readJSON(container.dataset.config) || { tiles: [], labels: {} };
    const cells = readJSON(container.dataset.cells) || { features: [] };
    // Tile failures are expected offline; they must not affect the boundaries.
    const map = createMap(container, { zoomControl: true, preferCanvas: false }, config.tiles);

    const mine = cells.features.filter(function (f) { return f.properties.mine; });
    const other = cells.features.filter(function (f) { return !f.properties.mine; });
    const group = L.featureGroup([
      cellLayer(other, "cell-other", STYLE_OTHER, config.labels),
      cellLayer(mine, "cell-mine", STYLE_MINE, config.labels),
    ]).addTo(map);

    const bounds = group.getBounds();
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17 });
    } else {
      map.setView(DEFAULT_CENTRE, 12);
    }
    container.dataset.ready = "1";
    return map;
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") return;
    document.querySelectorAll("[data-map]").forEach(initMap);
  });
})();
