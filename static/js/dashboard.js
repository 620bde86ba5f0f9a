// The statistics dashboard's charts. The page passes its figures as JSON (json_script), so no script is inline;
// every bar and slice carries the URL of the staff list that counts it, and clicking it opens that list.
(function () {
  const source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") return;
  const data = JSON.parse(source.textContent);
  const charts = [];

  const withUrls = (values, urls) => values.map((value, index) => ({ value, url: urls[index] }));
  const grid = { left: 8, right: 16, top: 40, bottom: 8, containLabel: true };
  const legend = { top: 0, type: "scroll" };

  const builders = {
    activities: (d) => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend,
      grid,
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s) => ({ name: s.name, type: "bar", stack: "kinds", data: withUrls(s.data, s.urls) })),
    }),
    opinions: (d) => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend,
      grid,
      xAxis: { type: "category", data: data.months },
      yAxis: { type: "value", minInterval: 1 },
      series: d.series.map((s) => ({ name: s.name, type: "bar", stack: s.stack, data: withUrls(s.data, s.urls) })),
    }),
    suggestions: (d) => ({
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend,
      series: [{ type: "pie", radius: ["35%", "65%"], top: 30, data: d.items.filter((item) => item.value > 0) }],
    }),
    satisfaction: (d) => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend,
      grid,
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: d.groups },
      series: d.series.map((s) => ({ name: s.name, type: "bar", stack: "rating", data: withUrls(s.data, d.urls) })),
    }),
    stations: (d) => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid,
      xAxis: { type: "category", data: d.regions, axisLabel: { interval: 0, rotate: d.regions.length > 6 ? 30 : 0 } },
      yAxis: { type: "value" },
      series: [{ type: "bar", data: withUrls(d.data, d.urls), label: { show: true, position: "top" } }],
    }),
    units: (d) => {
      // One category axis, best units at the top: the two rankings are two series so they can differ in colour.
      // The worst-half list comes worst first; reversed here so the axis reads from best down to worst.
      const points = [...d.top, ...[...d.bottom].reverse()];
      const blanks = (list, offset) =>
        points.map((point, index) => (index >= offset && index < offset + list.length ? point : null));
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c}%" },
        legend,
        grid,
        xAxis: { type: "value", max: 100 },
        yAxis: { type: "category", inverse: true, data: points.map((point) => point.name) },
        series: [
          { name: d.top_name, type: "bar", stack: "rate", data: blanks(d.top, 0), color: "#1a7f37" },
          {
            name: d.bottom_name,
            type: "bar",
            stack: "rate",
            data: blanks(d.bottom, d.top.length),
            color: "#cf222e",
          },
        ],
      };
    },
  };

  document.querySelectorAll("[data-chart]").forEach((element) => {
    const name = element.dataset.chart;
    if (!builders[name] || !data[name]) return;
    const chart = echarts.init(element);
    chart.setOption(builders[name](data[name]));
    chart.on("click", (params) => {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
