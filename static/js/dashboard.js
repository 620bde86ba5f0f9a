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

  // A chart is a picture to a screen reader (role=img, named by its heading); its text alternative is the table of
  // its numbers, in a <details> under it (one click away) and referenced by aria-describedby. A chart the page
  // gives no table gets one built from the chart's own option, with the same links as its bars.
  let described = 0;
  const cell = (tag, text, url) => {
    const element = document.createElement(tag);
    if (url) {
      const link = document.createElement("a");
      link.href = url;
      link.textContent = text;
      element.appendChild(link);
    } else {
      element.textContent = text;
    }
    return element;
  };
  const valueOf = (point) => (point && typeof point === "object" ? point.value : point);
  const tableFrom = (option) => {
    const series = option.series || [];
    const axes = [...(option.xAxis || []), ...(option.yAxis || [])];
    const categories = (axes.find((axis) => axis.type === "category") || {}).data;
    const table = document.createElement("table");
    table.className = "table table-sm mb-0";
    const head = table.createTHead().insertRow();
    const body = table.createTBody();
    if (!categories) {
      // A pie: one row per slice.
      (series[0] ? series[0].data : []).forEach((point) => {
        const row = body.insertRow();
        row.appendChild(cell("th", point.name)).scope = "row";
        row.appendChild(cell("td", String(valueOf(point)), point.url)).className = "text-end";
      });
      return table;
    }
    head.appendChild(cell("th", ""));
    series.forEach((s) => head.appendChild(cell("th", s.name || "")).classList.add("text-end"));
    categories.forEach((category, index) => {
      const row = body.insertRow();
      row.appendChild(cell("th", String(category))).scope = "row";
      series.forEach((s) => {
        const point = s.data[index];
        const value = valueOf(point);
        row.appendChild(cell("td", value == null ? "—" : String(value), point && point.url)).className = "text-end";
      });
    });
    return table;
  };
  const describe = (element, option) => {
    const card = element.closest(".card-body") || element.parentElement;
    let details = card.querySelector("details");
    if (!details) {
      details = document.createElement("details");
      details.className = "small mt-2";
      const summary = document.createElement("summary");
      // The page's other tables say "数据" in the page's language; this one says it alike.
      const other = document.querySelector("details > summary");
      summary.textContent = other ? other.textContent : element.getAttribute("aria-label");
      details.append(summary, tableFrom(option));
      card.appendChild(details);
    }
    const ids = [...details.querySelectorAll("table")].map((table) => {
      if (!table.id) table.id = `chart-table-${++described}`;
      return table.id;
    });
    if (ids.length) element.setAttribute("aria-describedby", ids.join(" "));
  };

  document.querySelectorAll("[data-chart]").forEach((element) => {
    const name = element.dataset.chart;
    if (!builders[name] || !data[name]) return;
    const chart = echarts.init(element);
    chart.setOption(builders[name](data[name]));
    describe(element, chart.getOption());
    chart.on("click", (params) => {
      if (params.data && params.data.url) window.location.href = params.data.url;
    });
    charts.push(chart);
  });
  window.addEventListener("resize", () => charts.forEach((chart) => chart.resize()));
})();
