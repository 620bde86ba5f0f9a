"""Every translated string reaches `make messages`: xgettext only extracts calls it knows by name."""

import re
from pathlib import Path

from django.conf import settings

# The names makemessages passes to xgettext as keywords (django/core/management/commands/makemessages.py).
EXTRACTED = {"_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy"}
ALIAS = re.compile(r"from django\.utils\.translation import (\w+) as (\w+)")
SKIPPED = {".venv", "var", "static", "staticfiles", "node_modules", ".git"}


def test_translation_functions_are_imported_under_names_makemessages_extracts():
    base = Path(settings.BASE_DIR)
    hidden = []
    for path in base.rglob("*.py"):
        if SKIPPED & set(path.relative_to(base).parts):
            continue
        for original, alias in ALIAS.findall(path.read_text(encoding="utf-8")):
            if alias not in EXTRACTED:
                hidden.append(f"{path.relative_to(base)}: {original} as {alias}")
    assert not hidden, "strings behind these names are never extracted for translation:\n" + "\n".join(hidden)
