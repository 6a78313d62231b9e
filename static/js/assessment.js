// The assessment ranking's bar chart (Apache ECharts), drawn from the "assessment-data" json_script
// block the server built from the same rows as the table; a bar opens that subject's score sheet.
(function () {
  "use strict";
  const COLOURS = { A: "#2e7d32", B: "#7cb342", C: "#f9a825", D: "#ef6c00", E: "#c62828",
    excellent: "#2e7d32", pass: "#7cb342", basic: "#f9a825", fail: "#c62828" };
  const el = document.getElementById("assessment-chart");
  const source = document.getElementById("assessment-data");
  if (!el || !source || !window.echarts) return;
  const rows = JSON.parse(source.textContent);
  if (!rows.length) { el.hidden = true; return; }
  const chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { interval: 0, rotate: rows.length > 8 ? 40 : 0 } },
    yAxis: { type: "value", min: 0, max: function (v) { return Math.max(100, Math.ceil(v.max)); } },
    series: [{ type: "bar", data: rows.map(function (r) { return { value: r.total, itemStyle: { color: COLOURS[r.grade] || "#1565c0" } }; }) }],
  });
  chart.on("click", function (p) { const row = rows[p.dataIndex]; if (row) window.location.href = row.url; });
  window.addEventListener("resize", function () { chart.resize(); });
})();
