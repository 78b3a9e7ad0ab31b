// The report card's charts, two per module: its additive figures over months (fetched once
// the page shows) and the chosen figure by child org, where clicking a bar opens that
// child's card, one level further down the tree; on the province's card a map of its cities
// does the same.
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

  // The chosen figure of each child org, in the module's own unit (money in 元).
  function childValues(picker) {
    const id = picker.value;
    const scale = money.has(id) ? 100 : 1;
    return data.children.map((c) => c.values[id] / scale);
  }

  document.querySelectorAll(".chart-children").forEach((element) => {
    const picker = element.closest(".chart-pair").querySelector(".chart-pick");
    const show = () => {
      const chart = bars(element, data.children.map((c) => c.name), [
        {
          type: "bar",
          name: picker.selectedOptions[0].textContent,
          data: childValues(picker),
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

  // The province's cities on its map, shaded by the same chosen figure: an area is tied to
  // the child org whose code begins with the area's id (4117 → 411700 驻马店市总工会).
  function drawMaps(outlines) {
    echarts.registerMap("province", outlines);
    const areas = outlines.features.map((f) => ({
      name: f.properties.name,
      child: data.children.findIndex((c) => c.code.startsWith(f.id)),
    }));
    document.querySelectorAll(".chart-map").forEach((element) => {
      const picker = element.closest(".chart-pair").querySelector(".chart-pick");
      const show = () => {
        const values = childValues(picker);
        const shaded = areas.map((a) => ({
          name: a.name,
          value: a.child < 0 ? null : values[a.child],
        }));
        const chart = echarts.getInstanceByDom(element) || echarts.init(element);
        chart.setOption(
          {
            animation: false, // an area is where it is drawn at once: a click never misses it
            textStyle: font,
            tooltip: { trigger: "item" },
            visualMap: {
              min: 0,
              max: Math.max(1, ...values),
              calculable: true,
              left: 0,
              bottom: 0,
              inRange: { color: ["#e8f1fb", "#1f5fa8"] },
            },
            series: [
              {
                type: "map",
                map: "province",
                name: picker.selectedOptions[0].textContent,
                data: shaded,
                label: { show: false },
                cursor: "pointer",
              },
            ],
          },
          true
        );
        charts.add(chart);
        chart.off("click");
        chart.on("click", (event) => {
          const child = areas[event.dataIndex].child;
          if (child >= 0) window.location.search = data.children[child].href;
        });
        element.dataset.drawn = "1";
      };
      picker.addEventListener("change", show);
      show();
    });
  }

  const box = document.getElementById("charts");
  if (box.dataset.map) {
    fetch(box.dataset.map, { credentials: "same-origin" })
      .then((answer) => answer.json())
      .then(drawMaps);
  }
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
