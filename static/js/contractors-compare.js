// The firms side by side (Apache ECharts): one stacked bar per firm, one segment per scorecard line.
// Everything drawn comes from the "compare-data" json_script block the server built from the scorecards.
(function () {
  "use strict";
  var el = document.getElementById("compare-chart");
  var data = document.getElementById("compare-data");
  if (!el || !data || !window.echarts) { return; }
  var chartData = JSON.parse(data.textContent);
  var chart = window.echarts.init(el, null, { renderer: "canvas" });
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { type: "scroll", bottom: 0 },
    grid: { left: 40, right: 20, top: 20, bottom: 60, containLabel: true },
    xAxis: { type: "category", data: chartData.firms },
    yAxis: { type: "value", max: 100 },
    series: chartData.lines.map(function (line) {
      return { name: line.name, type: "bar", stack: "score", data: line.values };
    })
  });
  window.addEventListener("resize", function () { chart.resize(); });
}());
