// Site-wide behaviour kept out of templates so the Content-Security-Policy can forbid inline script.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-print]");
  if (button) window.print();
});
document.addEventListener("submit", (event) => {
  const message = event.target.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});

// The activity form: voter figures belong to a report to voters (向选民述职) only.
function syncReportFields() {
  const kind = document.getElementById("id_kind");
  if (!kind) return;
  const isReport = kind.value === "report";
  document.querySelectorAll('[data-field="voters_attended"], [data-field="voter_rating"]').forEach((wrapper) => {
    wrapper.hidden = !isReport;
    // A hidden value would still be submitted and refused, so it is cleared with the field.
    if (!isReport) wrapper.querySelectorAll("input, select").forEach((input) => { input.value = ""; });
  });
}
document.addEventListener("change", (event) => {
  if (event.target.id === "id_kind") syncReportFields();
});
document.addEventListener("DOMContentLoaded", syncReportFields);
