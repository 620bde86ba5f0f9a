"""Walking a page with the keyboard alone, for the browser tests (WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7).

``tab_to(page, target)`` presses Tab until ``target`` has the focus and fails if it never does (a trap, or a
control the keyboard cannot reach), if a stop is invisible or shows no focus indicator, or if the focus moves
backwards through the document (an illogical order).
"""

# What the focused element looks like: where it is in the document relative to the previous stop, whether it
# can be seen and whether it shows a focus indicator (an outline or Bootstrap's focus shadow).
FOCUS_STOP = """() => {
  const element = document.activeElement;
  const previous = window.__keyboardPrevious;
  window.__keyboardPrevious = element;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  const label = (element.getAttribute("aria-label") || element.innerText || element.value || "").trim();
  return {
    name: `${element.tagName.toLowerCase()}${element.id ? "#" + element.id : ""} ${label.slice(0, 40)}`,
    body: element === document.body,
    visible: box.width > 0 && box.height > 0 && style.visibility !== "hidden",
    indicator: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2) || style.boxShadow !== "none",
    backwards: Boolean(previous && previous !== element && document.contains(previous)
      && (previous.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_PRECEDING)),
  };
}"""


def tab_to(page, target, *, limit: int = 80, backwards: bool = False) -> list[str]:
    """Tab (Shift+Tab with ``backwards``) until ``target`` (a Locator) has the focus; the stops on the way."""
    stops = []
    page.evaluate("() => { window.__keyboardPrevious = document.activeElement; }")
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        stop = page.evaluate(FOCUS_STOP)
        stops.append(stop["name"])
        if stop["body"]:
            continue
        assert stop["visible"], f"the focus went to something that cannot be seen: {stop['name']} after {stops}"
        assert stop["indicator"], f"no visible focus indicator on {stop['name']}"
        if not backwards:
            assert not stop["backwards"], f"the focus moved back up the page to {stop['name']} after {stops}"
        if target.evaluate("element => element === document.activeElement"):
            return stops
    raise AssertionError(f"{limit} presses of Tab never reached the target; the focus went through {stops}")
