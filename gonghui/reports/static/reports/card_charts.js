// The report card's charts, two per module: its additive figures over months (fetched once
// the page shows) and the chosen figure by child org, where clicking a bar opens that
// child's card, one level further down the tree.
(function () {
  "use strict";
  const data = JSON.parse(document.getElementById("chart-data").textContent);
  const font = { fontFamily: '"Noto Sans CJK SC", sans-serif' };
  const money = new Set(
    data.modules.flatMap((m) => m.series.filter((s) => s.money).map((s) => s.id))
  );
  const charts = new Set();

  function bars(element, categories, series, extra) {
    const chart = echarts.getInstanceByDom(element) || echarts.init(element);
    chart.setOption(
      {
        textStyle: font,
        tooltip: { trigger: "axis" },
        legend: { type: "scroll", top: 0 },
        grid: { left: 80, right: 20, top: 36, bottom: 80 },
        xAxis: { type: "category", data: categories, axisLabel: { rotate: 40, interval: 0 } },
        yAxis: { type: "value" },
        series: series,
        ...extra,
      },
      true
    );
    charts.add(chart);
    return chart;
  }

  document.querySelectorAll(".chart-children").forEach((element) => {
    const picker = element.parentElement.querySelector(".chart-pick");
    const show = () => {
      const id = picker.value;
      const scale = money.has(id) ? 100 : 1;
      const chart = bars(element, data.children.map((c) => c.name), [
        {
          type: "bar",
          name: picker.selectedOptions[0].textContent,
          data: data.children.map((c) => c.values[id] / scale),
          cursor: "pointer",
        },
      ]);
      chart.off("click");
      chart.on("click", (event) => {
        window.location.search = data.children[event.dataIndex].href;
      });
      element.dataset.drawn = "1";
    };
    picker.addEventListener("change", show);
    show();
  });

  const box = document.getElementById("charts");
  fetch(box.dataset.months, { credentials: "same-origin" })
    .then((answer) => answer.json())
    .then((found) => {
      const byLabel = new Map(found.modules.map((m) => [m.label, m.series]));
      document.querySelectorAll(".chart-months").forEach((element) => {
        const series = byLabel.get(element.dataset.module);
        if (!series) {
          element.parentElement.hidden = true; // nothing in it a month can narrow
          return;
        }
        bars(
          element,
          found.months,
          series.map((s) => ({
            type: "bar",
            name: `${s.label}（${s.unit}）`,
            data: s.values.map((v) => v / s.per_unit),
          })),
          { grid: { left: 80, right: 20, top: 36, bottom: 40 } }
        );
      });
      box.dataset.loaded = "1";
    });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
