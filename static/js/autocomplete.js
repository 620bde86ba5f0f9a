// Searchable pick lists (core/widgets.py AutocompleteSelect): the server renders only the chosen option; this
// turns each such <select> into a Tom Select that asks the JSON endpoint in data-autocomplete for 20 rows a page.
(function () {
  function setUp(select) {
    if (select.tomselect || typeof TomSelect === "undefined") return;
    const url = select.dataset.autocomplete;
    const control = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      // The server has matched the name and the unit's region; the label holds both, so earlier pages' rows that
      // do not match the new term are hidden here as well.
      searchField: ["text"],
      maxOptions: null,
      // The empty choice is "no filter": shown as the placeholder, not as a chosen item that hides the search box.
      allowEmptyOption: false,
      placeholder: select.dataset.placeholder,
      preload: "focus",
      loadThrottle: 250,
      load: (query, callback) => {
        const params = new URLSearchParams({ q: query });
        fetch(`${url}?${params}`, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => callback(data.results))
          .catch(() => callback());
      },
      render: {
        no_results: () => {
          const div = document.createElement("div");
          div.className = "no-results";
          div.textContent = select.dataset.noResults || "";
          return div;
        },
      },
    });
    // Tom Select points the field's <label> at its search box (aria-labelledby); the error text goes with it.
    const input = control.control_input;
    // The original select stays in the page (it is what the form submits, out of the tab order) while its <label>
    // now names the search box: hide it from assistive technology, so the field is announced once.
    select.setAttribute("aria-hidden", "true");
    const described = select.getAttribute("aria-describedby");
    if (described) input.setAttribute("aria-describedby", described);
    if (select.getAttribute("aria-invalid")) input.setAttribute("aria-invalid", select.getAttribute("aria-invalid"));
  }

  function setUpAll(root) {
    root.querySelectorAll("select[data-autocomplete]").forEach(setUp);
  }
  document.addEventListener("DOMContentLoaded", () => setUpAll(document));
  document.addEventListener("htmx:afterSwap", (event) => setUpAll(event.target));
})();
