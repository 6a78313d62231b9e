// The intake page: domain → subcategory picker, the point (browser geolocation or a pin on the
// map), the grid cell found from it, the possible-duplicate hint, photo previews, and the
// "fixed on the spot" option of categories that allow it. Without JavaScript the form still
// works: the grouped category list and the manual grid-cell choice are plain form fields.
(function () {
  "use strict";

  const form = document.getElementById("intake-form");
  if (!form) return;
  const labels = document.getElementById("intake-labels").dataset;
  const lat = form.querySelector("input[name=latitude]");
  const accuracy = form.querySelector("input[name=location_accuracy]");
  const lng = form.querySelector("input[name=longitude]");
  const category = form.querySelector("select[name=category]");
  const domainSelect = form.querySelector("[data-domain-select]");
  const geoStatus = form.querySelector("[data-geo-status]");
  const cellResult = form.querySelector("[data-cell-result]");
  const manualCell = form.querySelector("[data-manual-cell]");
  const cellSelect = form.querySelector("select[name=grid_cell]");
  const dupBox = form.querySelector("[data-duplicates]");
  const dupList = form.querySelector("[data-duplicate-list]");
  const photos = form.querySelector("input[name=photos]");
  const selfHandleRow = form.querySelector("[data-self-handle-row]");
  const selfHandleIds = new Set(JSON.parse(document.getElementById("self-handle-ids").textContent));

  // --- Category: a domain select narrows the subcategory list -----------------------------------
  const groups = Array.from(category.querySelectorAll("optgroup")).map(function (g) {
    return { label: g.label, options: Array.from(g.children).map(function (o) { return o.cloneNode(true); }) };
  });
  const placeholder = category.querySelector("option[value='']");

  function showDomain(name) {
    const chosen = category.value;
    category.innerHTML = "";
    if (placeholder) category.appendChild(placeholder.cloneNode(true));
    groups.forEach(function (group) {
      if (name && group.label !== name) return;
      const og = document.createElement("optgroup");
      og.label = group.label;
      group.options.forEach(function (o) { og.appendChild(o.cloneNode(true)); });
      category.appendChild(og);
    });
    category.value = chosen;
    if (category.value !== chosen) category.value = "";
  }

  if (domainSelect && groups.length) {
    domainSelect.closest("[data-domain-field]").hidden = false;
    const current = category.selectedOptions[0];
    if (current && current.parentElement.tagName === "OPTGROUP") domainSelect.value = current.parentElement.label;
    showDomain(domainSelect.value);
    domainSelect.addEventListener("change", function () { showDomain(domainSelect.value); categoryChanged(); });
  }

  const fixedBox = selfHandleRow.querySelector("input[type=checkbox]");
  const photoHelp = form.querySelector("[data-photo-help]");
  const photoHelpText = photoHelp.textContent;

  function fixedChanged() {
    // Fixed on the spot: the photos are the evidence, so at least one is required.
    photos.required = fixedBox.checked;
    photoHelp.textContent = fixedBox.checked ? labels.afterPhotos : photoHelpText;
    photoHelp.classList.toggle("form-error", fixedBox.checked);
  }
  fixedBox.addEventListener("change", fixedChanged);

  function categoryChanged() {
    const allowed = selfHandleIds.has(Number(category.value));
    selfHandleRow.hidden = !allowed;
    if (!allowed) fixedBox.checked = false;
    fixedChanged();
    checkDuplicates();
  }
  category.addEventListener("change", categoryChanged);

  // --- The map and the pin --------------------------------------------------------------------------
  const data = JSON.parse(document.getElementById("intake-map-data").textContent);
  let map = null;
  let marker = null;
  const mapEl = document.getElementById("intake-map");
  if (typeof L !== "undefined" && mapEl) {
    map = window.GridMap.create(mapEl, { zoomControl: true }, data.tiles);
    const cells = L.geoJSON(data.cells, {
      className: "cell-mine",
      style: function () { return { color: "#c0392b", weight: 2, fillColor: "#e74c3c", fillOpacity: 0.15 }; },
      onEachFeature: function (feature, layer) { layer.bindTooltip(feature.properties.name); },
    }).addTo(map);
    const bounds = cells.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 17 });
    else map.setView([36.0, 120.0], 12);
    // A point placed by hand is not the phone's fix: its accuracy no longer applies.
    map.on("click", function (event) { handPlaced(); setPoint(event.latlng.lat, event.latlng.lng, true); });
    mapEl.dataset.ready = "1";
  }

  function placeMarker(la, ln, pan) {
    if (!map) return;
    if (!marker) {
      marker = L.marker([la, ln], { draggable: true, autoPan: true }).addTo(map);
      marker.on("dragend", function () {
        const p = marker.getLatLng();
        handPlaced();
        setPoint(p.lat, p.lng, false);
      });
    } else {
      marker.setLatLng([la, ln]);
    }
    if (pan) map.setView([la, ln], Math.max(map.getZoom(), 16));
  }

  // The phone's fix: its accuracy (a hidden field) and its time (kept for the offline queue).
  function handPlaced() {
    if (accuracy) accuracy.value = "";
    delete form.dataset.locatedAt;
  }

  function setPoint(la, ln, pan) {
    lat.value = la.toFixed(6);
    lng.value = ln.toFixed(6);
    placeMarker(la, ln, pan);
    locateCell();
    checkDuplicates();
  }

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  function locateCell() {
    if (!lat.value || !lng.value) return;
    const url = form.dataset.locateUrl + "?lat=" + encodeURIComponent(lat.value) + "&lng=" + encodeURIComponent(lng.value);
    getJSON(url).then(function (body) {
      cellResult.textContent = "";
      if (body.cell) {
        const strong = document.createElement("strong");
        strong.textContent = body.cell.name;
        cellResult.append(labels.filedIn + " ", strong, " · " + body.cell.community + (body.cell.mine ? " (" + labels.yours + ")" : ""));
        cellResult.dataset.cell = String(body.cell.id);
        cellResult.classList.remove("form-error");
        manualCell.hidden = true;
        if (cellSelect) cellSelect.value = "";
      } else {
        cellResult.textContent = labels.outside;
        cellResult.dataset.cell = "";
        cellResult.classList.add("form-error");
        manualCell.hidden = false;
      }
    }).catch(function () { manualCell.hidden = false; });
  }

  function useMyLocation(auto) {
    if (!navigator.geolocation) {
      geoStatus.textContent = labels.noGeo;
      return;
    }
    geoStatus.textContent = labels.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        geoStatus.textContent = labels.located + " (±" + Math.round(position.coords.accuracy || 0) + " m)";
        if (accuracy) accuracy.value = Math.round(position.coords.accuracy || 0) || "";
        form.dataset.locatedAt = new Date(position.timestamp || Date.now()).toISOString();
        setPoint(position.coords.latitude, position.coords.longitude, true);
      },
      function () {
        geoStatus.textContent = labels.geoFailed;
        if (!lat.value) manualCell.hidden = false;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  }
  form.querySelector("[data-locate-me]").addEventListener("click", function () { useMyLocation(false); });

  // --- Possible duplicates ----------------------------------------------------------------------------
  let dupRequest = 0;
  function checkDuplicates() {
    if (!category.value || !lat.value || !lng.value) {
      dupBox.hidden = true;
      return;
    }
    const mine = ++dupRequest;
    const url = form.dataset.duplicatesUrl + "?category=" + encodeURIComponent(category.value) +
      "&lat=" + encodeURIComponent(lat.value) + "&lng=" + encodeURIComponent(lng.value);
    getJSON(url).then(function (body) {
      if (mine !== dupRequest) return;  // an older answer arriving late
      dupList.innerHTML = "";
      body.results.forEach(function (item) {
        const li = document.createElement("li");
        li.dataset.case = String(item.id);
        const text = document.createElement("p");
        text.textContent = item.text + " ";
        const open = document.createElement("a");
        open.href = item.url;
        open.target = "_blank";
        open.textContent = labels.open + " " + item.code;
        text.appendChild(open);
        const button = document.createElement("button");
        button.type = "submit";
        button.className = "button secondary";
        button.formAction = item.link_url;
        button.formNoValidate = true;
        button.dataset.testid = "link-" + item.id;
        button.textContent = labels.link;
        li.append(text, button);
        dupList.appendChild(li);
      });
      dupBox.hidden = body.results.length === 0;
    }).catch(function () { dupBox.hidden = true; });
  }

  // --- Start -----------------------------------------------------------------------------------------
  categoryChanged();
  if (lat.value && lng.value) {
    placeMarker(Number(lat.value), Number(lng.value), true);
    locateCell();
  } else {
    cellResult.textContent = labels.noPoint;
    if (cellSelect && !cellSelect.value && !manualCell.querySelector(".has-error")) manualCell.hidden = true;
    useMyLocation(true);
  }
})();
