// Bulk review on the staff activity list: the header box ticks every record of the page; ticking
// "all matching the filter" makes the page's boxes moot, so they are shown ticked and disabled.
document.addEventListener("change", (event) => {
  const toggle = event.target.closest("[data-bulk-toggle]");
  if (toggle) {
    document.querySelectorAll("[data-bulk-item]").forEach((box) => { box.checked = toggle.checked; });
  }
  if (event.target.id === "bulk-all-matching") {
    const all = event.target.checked;
    document.querySelectorAll("[data-bulk-item], [data-bulk-toggle]").forEach((box) => {
      box.disabled = all;
      if (all) box.checked = true;
    });
  }
});
