"""axe-core in the browser tests: the WCAG 2.0/2.1 A and AA rules run on a Playwright page.

axe is vendored under ``static/vendor/axe-core/`` (no CDN) and injected as a context's init script: that runs
before the page's own scripts and outside the page's Content-Security-Policy, so the site's policy stays as
strict as it is (no inline script, no ``'unsafe-eval'``).
"""

from pathlib import Path
from typing import Any

from django.conf import settings

AXE_PATH = Path(settings.BASE_DIR) / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

RUN_AXE = """async (tags) => {
  const results = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => ({target: n.target.join(" "), summary: n.failureSummary || ""})),
  }));
}"""


def install_axe(context) -> None:
    """Make ``axe`` available in every page the context opens."""
    context.add_init_script(path=str(AXE_PATH))


Violation = dict[str, Any]


def violations(page) -> list[Violation]:
    """The WCAG 2.0/2.1 A/AA violations on the page as it stands."""
    found: list[Violation] = page.evaluate(RUN_AXE, WCAG_TAGS)
    return found


def report(found: dict[str, list[Violation]], *, nodes_per_rule: int = 3) -> str:
    """A readable list: rule, page, selector and why, for ``{page label: violations}``."""
    lines = []
    for label, rules in found.items():
        for rule in rules:
            lines.append(f"{rule['id']} ({rule['impact']}) on {label}: {rule['help']} [{len(rule['nodes'])} elements]")
            for node in rule["nodes"][:nodes_per_rule]:
                why = " ".join(node["summary"].split())[:300]
                lines.append(f"    {node['target']}  -- {why}")
    return "\n".join(lines)
