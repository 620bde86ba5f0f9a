"""Reading a column a query left out fails loudly in the suite.

List pages load only the columns their rows show (``core.pagination.shown`` with each selector's
``*_COLUMNS``), so a row costs a fraction of the SQL compiling, transfer and model building. The price is a
trap: a template that later shows one more field still works, through one hidden query per row, and no
status-code test notices.
:func:`make_deferred_reads_loud` (installed by the root ``conftest.py``) turns Django's silent per-row load of
a deferred field into :class:`DeferredFieldRead`, naming the model and field, so the page's tests fail and
say which selector to widen. Explicit ``refresh_from_db()`` calls are untouched.
"""

import sys

from django.db.models import Model
from django.db.models.query_utils import DeferredAttribute


class DeferredFieldRead(Exception):
    pass


_deferred_get = DeferredAttribute.__get__.__code__
_refresh_from_db = Model.refresh_from_db


def _loud_refresh_from_db(self, using=None, fields=None, from_queryset=None):
    if fields and sys._getframe(1).f_code is _deferred_get:
        raise DeferredFieldRead(
            f"{type(self).__name__}.{fields[0]} was read from a row whose query left it out; "
            "add it to the query's only() (or stop reading it)"
        )
    return _refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)


def make_deferred_reads_loud() -> None:
    Model.refresh_from_db = _loud_refresh_from_db  # type: ignore[method-assign]
