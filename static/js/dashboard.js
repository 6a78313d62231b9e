// The dashboard's charts (Apache ECharts) and its map of grid cells (Leaflet). Everything it draws
// comes from the "dashboard-data" json_script block, which the server built from the same report
// as the figures; every bar, slice and cell opens the case list of exactly the cases it counts.
(function () {
  "use strict";

  const COLOURS = { reported: "#1565c0", registered: "#7e57c2", closed: "#2e7d32", rate: "#ef6c00" };
  const DOMAIN_COLOURS = ["#c0392b", "#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#8d6e63", "#546e7a"];
  const HEAT = ["#fee6ce", "#fdae6b", "#fd8d3c", "#e6550d", "#a63603"];
  const charts = [];

  function readJSON(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function isChinese() {
    return (document.documentElement.lang || "").toLowerCase().indexOf("zh") === 0;
  }

  function go(url) {
    if (url) window.location.href = url;
  }

  function makeChart(el) {
    const chart = window.echarts.init(el, null, { renderer: "canvas", locale: isChinese() ? "ZH" : "EN" });
    charts.push(chart);
    return chart;
  }

  function emptyNote(text) {
    return { text: text, left: "center", top: "middle", textStyle: { color: "#66788a", fontSize: 14, fontWeight: "normal" } };
  }

  // --- week by week ---------------------------------------------------------------------------
  function trendChart(el, weeks, t) {
    const chart = makeChart(el);
    const rates = weeks.map(function (w) { return w.on_time_rate === null ? null : Math.round(w.on_time_rate * 1000) / 10; });
    chart.setOption({
      color: [COLOURS.reported, COLOURS.registered, COLOURS.closed, COLOURS.rate],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, left: "center", itemWidth: 14, itemHeight: 10 },
      grid: { left: 8, right: 8, top: 36, bottom: 4, containLabel: true },
      xAxis: { type: "category", data: weeks.map(function (w) { return w.start.slice(5); }), axisTick: { alignWithLabel: true } },
      yAxis: [
        { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef2f6" } } },
        { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" }, splitLine: { show: false } },
      ],
      series: [
        { name: t.reported, type: "bar", data: weeks.map(function (w) { return w.reported; }), key: "reported" },
        { name: t.registered, type: "bar", data: weeks.map(function (w) { return w.registered; }), key: "registered" },
        { name: t.closed, type: "bar", data: weeks.map(function (w) { return w.closed; }), key: "closed" },
        { name: t.onTime, type: "line", yAxisIndex: 1, data: rates, connectNulls: true, smooth: true, symbolSize: 6,
          tooltip: { valueFormatter: function (v) { return v === null || v === undefined ? "–" : v + "%"; } }, key: "closed" },
      ],
    });
    const keys = ["reported", "registered", "closed", "closed"];
    chart.on("click", function (p) { go(weeks[p.dataIndex] && weeks[p.dataIndex].drill[keys[p.seriesIndex]]); });
  }

  // --- domains and categories ---------------------------------------------------------------
  function domainChart(el, domains, t) {
    const chart = makeChart(el);
    const data = domains.filter(function (d) { return d.reported > 0; }).map(function (d, i) {
      return { name: d.name, value: d.reported, url: d.drill, itemStyle: { color: DOMAIN_COLOURS[i % DOMAIN_COLOURS.length] } };
    });
    chart.setOption({
      title: data.length ? undefined : emptyNote(t.empty),
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, left: "center", type: "scroll" },
      series: [{
        type: "pie", radius: ["42%", "70%"], center: ["50%", "45%"], avoidLabelOverlap: true, data: data,
        label: { formatter: "{b}\n{c}", fontSize: 12 }, itemStyle: { borderColor: "#fff", borderWidth: 2 },
      }],
    });
    chart.on("click", function (p) { go(p.data && p.data.url); });
  }

  function categoryChart(el, domains, t) {
    const chart = makeChart(el);
    const rows = [];
    domains.forEach(function (d, i) {
      d.children.forEach(function (c) {
        rows.push({ name: c.name, domain: d.name, value: c.reported, url: c.drill, colour: DOMAIN_COLOURS[i % DOMAIN_COLOURS.length] });
      });
    });
    rows.sort(function (a, b) { return b.value - a.value; });
    const top = rows.slice(0, 12).reverse();
    chart.setOption({
      title: top.length ? undefined : emptyNote(t.empty),
      tooltip: { trigger: "item", formatter: function (p) { return p.data.domain + " / " + p.name + ": " + p.value; } },
      grid: { left: 8, right: 36, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#eef2f6" } } },
      yAxis: { type: "category", data: top.map(function (r) { return r.name; }), axisTick: { show: false }, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{
        type: "bar", barMaxWidth: 18, label: { show: true, position: "right" },
        data: top.map(function (r) { return { name: r.name, value: r.value, url: r.url, domain: r.domain, itemStyle: { color: r.colour } }; }),
      }],
    });
    chart.on("click", function (p) { go(p.data && p.data.url); });
  }

  // --- the map -----------------------------------------------------------------------------------
  function breaks(values) {
    // Five classes up to the largest value (at least 1..5), so equal counts get equal colours.
    const max = Math.max.apply(null, values.concat([5]));
    const step = Math.ceil(max / 5);
    return [1, 2, 3, 4].map(function (i) { return i * step; });
  }

  function colourOf(value, limits) {
    if (!value) return "#f7f9fb";
    for (let i = 0; i < limits.length; i += 1) {
      if (value <= limits[i]) return HEAT[i];
    }
    return HEAT[4];
  }

  function tipContent(cell, t) {
    const box = document.createElement("div");
    box.className = "cell-tip";
    const title = document.createElement("strong");
    title.textContent = cell.name;
    box.appendChild(title);
    [[t.community, cell.community], [t.reported, cell.reported], [t.open, cell.open], [t.overdue, cell.open_overdue]].forEach(function (pair) {
      const line = document.createElement("div");
      line.textContent = pair[0] + ": " + pair[1];
      box.appendChild(line);
    });
    return box;
  }

  function legend(el, limits, t, metric) {
    el.textContent = "";
    const caption = document.createElement("span");
    caption.textContent = (metric === "reported" ? t.reported : t.overdue) + ":";
    el.appendChild(caption);
    const edges = [0].concat(limits);
    HEAT.forEach(function (colour, i) {
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = colour;
      swatch.style.border = "1px solid #c9d2dc";
      el.appendChild(swatch);
      const text = document.createElement("span");
      text.textContent = i < 4 ? (edges[i] + 1) + "–" + edges[i + 1] : "> " + edges[4];
      el.appendChild(text);
    });
  }

  function cellMap(el, cells, config, t) {
    if (typeof window.L === "undefined") return;
    const map = window.GridMap.create(el, { zoomControl: true, zoomSnap: 0.25 }, config.tiles);
    let metric = "reported";
    const layer = window.L.geoJSON({
      type: "FeatureCollection",
      features: cells.map(function (c) { return { type: "Feature", id: c.id, geometry: c.boundary, properties: c }; }),
    }, {
      className: "dash-cell",
      onEachFeature: function (feature, polygon) {
        polygon.bindTooltip(function () { return tipContent(feature.properties, t); }, { sticky: true });
        polygon.on("click", function () { go(feature.properties.drill[metric]); });
      },
    }).addTo(map);
    const legendEl = document.getElementById("map-legend");

    function paint() {
      const limits = breaks(cells.map(function (c) { return c[metric]; }));
      layer.setStyle(function (feature) {
        return { color: "#546e7a", weight: 1, fillColor: colourOf(feature.properties[metric], limits), fillOpacity: 0.78 };
      });
      if (legendEl) legend(legendEl, limits, t, metric);
    }
    paint();
    document.querySelectorAll("[data-metric]").forEach(function (button) {
      button.addEventListener("click", function () {
        metric = button.dataset.metric;
        document.querySelectorAll("[data-metric]").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        paint();
      });
    });
    const bounds = layer.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [12, 12], maxZoom: 18 });
    else map.setView([36.0, 120.0], 12);
    el.dataset.ready = "1";
  }

  // --- the page's controls -------------------------------------------------------------------
  function controls() {
    const form = document.querySelector("[data-period-form]");
    if (form) {
      const preset = form.querySelector("[name=period]");
      preset.addEventListener("change", function () {
        if (preset.value !== "custom") {
          form.querySelector("[name=start]").value = "";
          form.querySelector("[name=end]").value = "";
          form.submit();
        }
      });
      form.querySelectorAll("input[type=date]").forEach(function (input) {
        input.addEventListener("change", function () { preset.value = "custom"; });
      });
    }
    const zones = document.querySelector("[data-zone-switch]");
    if (zones) {
      zones.addEventListener("change", function () {
        const params = new URLSearchParams(window.location.search);
        go(zones.value + (params.toString() ? "?" + params.toString() : ""));
      });
    }
    document.querySelectorAll("[data-tip-toggle]").forEach(function (button) {
      button.addEventListener("click", function () {
        const tip = document.getElementById(button.getAttribute("aria-controls"));
        const open = !tip.classList.contains("open");
        tip.classList.toggle("open", open);
        button.setAttribute("aria-expanded", String(open));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    controls();
    const data = readJSON("dashboard-data");
    if (!data) return;
    const t = data.labels || {};
    if (window.echarts) {
      const trend = document.getElementById("chart-trend");
      if (trend) trendChart(trend, data.weeks, t);
      const domains = document.getElementById("chart-domains");
      if (domains) domainChart(domains, data.categories, t);
      const categories = document.getElementById("chart-categories");
      if (categories) categoryChart(categories, data.categories, t);
      window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    }
    const mapEl = document.getElementById("dashboard-map");
    if (mapEl) cellMap(mapEl, data.cells, data.map || {}, t);
  });
})();
