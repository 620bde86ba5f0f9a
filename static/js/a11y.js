// The large-type mode (大字版). The server sets the class on <html> from the cookie, so a page never flashes
// in the standard size first; this switch only flips the class and remembers the choice for a year.
(function () {
  const COOKIE = "large_type";
  const root = document.documentElement;
  const sync = () => {
    const on = root.classList.contains("large-type");
    document.querySelectorAll("[data-large-type-switch]").forEach((button) => {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
  };
  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-large-type-switch]");
    if (!button) return;
    const on = root.classList.toggle("large-type");
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${COOKIE}=${on ? "1" : "0"}; path=/; max-age=31536000; SameSite=Lax${secure}`;
    sync();
    window.dispatchEvent(new Event("resize"));
  });
  document.addEventListener("DOMContentLoaded", sync);
})();

// A table wider than the screen scrolls inside its .table-responsive box; keyboard users can scroll it only if
// the box takes focus (WCAG 2.1.1), so a box that overflows joins the tab order, and leaves it when it fits.
(function () {
  const mark = () => {
    document.querySelectorAll(".table-responsive").forEach((box) => {
      if (box.scrollWidth > box.clientWidth + 1) {
        box.setAttribute("tabindex", "0");
      } else if (box.getAttribute("tabindex") === "0") {
        box.removeAttribute("tabindex");
      }
    });
  };
  document.addEventListener("DOMContentLoaded", mark);
  document.addEventListener("htmx:afterSettle", mark);
  let pending = null;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(mark, 100);
  });
})();
