// The score pages: pickers that apply at once on a phone, and a live preview of an adjusted total.
// Printing uses the site-wide [data-print] handler in app.js.
(function () {
  "use strict";

  // A year or rule-set picker reloads the page as soon as it changes; the submit button stays for no-script use.
  document.addEventListener("change", (event) => {
    const select = event.target.closest("select");
    if (!select || !select.form) return;
    const form = select.form;
    const autosubmit = form.hasAttribute("data-autosubmit");
    const fields = (form.dataset.autosubmitFields || "").split(" ");
    if (!autosubmit && !fields.includes(select.name)) return;
    if (form.dataset.autosubmitFields && select.name === "year") {
      // Another year has other rule sets: let the page choose the right one again.
      const ruleSet = form.elements.namedItem("rule_set");
      if (ruleSet) ruleSet.disabled = true;
    }
    form.requestSubmit();
  });

  // The adjustment form shows the total the deputy will have, so a sign slip is seen before saving.
  const points = document.getElementById("id_points");
  const current = document.getElementById("current-total");
  const preview = document.getElementById("adjust-preview");
  if (points && current && preview) {
    const update = () => {
      const delta = Number.parseFloat(points.value);
      if (Number.isNaN(delta) || delta === 0) {
        preview.hidden = true;
        return;
      }
      const total = Number.parseFloat(current.dataset.total) + delta;
      preview.querySelector("[data-preview]").textContent = total.toFixed(1);
      preview.hidden = false;
    };
    points.addEventListener("input", update);
    update();
  }
})();
