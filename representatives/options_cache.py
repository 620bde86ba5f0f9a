"""The rendered ``<option>`` lists of big model choice lists, kept in the cache between requests.

A province's filter forms list 1,000 handling units, hundreds of regions and thousands of stations. Even
written in Python (``FastOptionsMixin``), building those options meant loading every row as a model instance
and formatting it on every page view: 40 ms of a 55 ms opinion list at province scale (bench/README.md).
The lists change a few times a year, so the options are rendered once and cached; the page only marks the
chosen values.

The cache key holds the queryset's SQL (so each user's scope gets its own list), the field class, the empty
label and the language. All cached lists are dropped together, by a new generation token, whenever a row of a
registered model is saved or deleted (``register``): one token, because labels cross models (a station's
name carries its region's). Writes that bypass signals (bulk loads) call ``forget``. Entries also expire
after ``TIMEOUT``, which bounds what a write that did neither could leave stale.
"""

import hashlib
import secrets

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.forms.models import ModelChoiceIterator
from django.utils import translation

TIMEOUT = 300
GENERATION_KEY = "options-gen"
_registered: set[str] = set()


def forget() -> None:
    """Drops every cached option list (after bulk writes that send no signals)."""
    cache.set(GENERATION_KEY, secrets.token_hex(6), None)


def _changed(sender, **kwargs):
    forget()
    # Again after the commit: a page rendered between the first change and the commit may have cached the rows
    # as they were, under the new token.
    transaction.on_commit(forget)


def register(*models) -> None:
    """Lets the option lists of these models be cached, and drops them whenever one of their rows changes."""
    for model in models:
        label = model._meta.label_lower
        _registered.add(label)
        post_save.connect(_changed, sender=model, weak=False, dispatch_uid=f"options-cache-save-{label}")
        post_delete.connect(_changed, sender=model, weak=False, dispatch_uid=f"options-cache-delete-{label}")


def _list_key(choices: ModelChoiceIterator) -> str | None:
    queryset = choices.queryset
    label = queryset.model._meta.label_lower
    if label not in _registered:
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:
        return None
    field = choices.field
    identity = repr((sql, params, type(field).__qualname__, str(field.empty_label), translation.get_language()))
    return f"options:{label}:{hashlib.sha256(identity.encode()).hexdigest()[:32]}"


# Fixed choice lists (statuses, kinds, levels) rendered per language, in this process: a filter form has
# several, and writing their options again on every page view was a tenth of a list page's widget time.
_FIXED_LIMIT = 256
_fixed: dict[tuple, str] = {}


def _fixed_options(choices, render) -> str:
    try:
        key = (translation.get_language(), tuple((value, str(label)) for value, label in choices))
        html = _fixed.get(key)
    except (TypeError, ValueError):  # nested or unhashable choices: not worth keeping
        return render()
    if html is None:
        html = render()
        if len(_fixed) >= _FIXED_LIMIT:
            _fixed.clear()  # lists built from data (years, ...) must not grow this without bound
        _fixed[key] = html
    return html


def cached_options(choices, render) -> str:
    """The options HTML of ``choices``: from the cache when it is a registered model's list, kept in the process
    when it is a fixed list, else ``render()``."""
    if not isinstance(choices, ModelChoiceIterator):
        return _fixed_options(choices, render)
    key = _list_key(choices)
    if key is None:
        return render()
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY) or "0"
    stored = found.get(key)
    if stored and stored[0] == generation:
        return stored[1]
    html = render()
    cache.set(key, (generation, html), TIMEOUT)
    return html
