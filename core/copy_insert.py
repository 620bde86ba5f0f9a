"""``bulk_create`` for thousands of rows at once, through PostgreSQL's ``COPY … FROM STDIN``.

Django's ``bulk_create`` prepares every value of every row through the SQL compiler; for a 6,000-row roster
import (6,000 deputies, 6,000 seats and 12,000 history rows) that was a third of the import's time
(bench/README.md). ``insert`` writes the same rows with COPY: ids are taken from the table's sequence in one
query, each value is turned into COPY's text by its type, and values of any other kind of field go through the
field's own ``get_db_prep_save`` as Django would. Other databases get ``bulk_create``.

Like ``bulk_create``, no signals are sent and ``save()`` is not called; ``auto_now``/``auto_now_add`` fields
are filled in and related objects saved since they were assigned give their ids.
"""

import datetime
import itertools
import json
import uuid
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.db import connection, models


def copy_text(text: str) -> str:
    """``text`` escaped for COPY's text format (backslash, tab, newline, carriage return).

    One ``str.replace`` per special character, and only when it occurs: ``str.translate`` with a table walks
    every character through a dict lookup, which was a tenth of a roster import (its history rows carry the
    changes as JSON; bench/README.md)."""
    if "\\" in text:
        text = text.replace("\\", "\\\\")
    if "\t" in text:
        text = text.replace("\t", "\\t")
    if "\n" in text:
        text = text.replace("\n", "\\n")
    if "\r" in text:
        text = text.replace("\r", "\\r")
    return text


# Field classes whose database value is the Python value itself (for the types below).
_PLAIN_FIELDS = (
    models.AutoField,
    models.BigAutoField,
    models.BigIntegerField,
    models.BooleanField,
    models.CharField,
    models.DateField,
    models.DateTimeField,
    models.EmailField,
    models.ForeignKey,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
    models.SmallIntegerField,
    models.TextField,
    models.UUIDField,
)

_TEXT_BY_TYPE: dict[type, Callable[[Any], str]] = {
    str: copy_text,
    int: int.__repr__,
    bool: lambda value: "t" if value else "f",
    type(None): lambda value: "\\N",
    datetime.date: datetime.date.isoformat,
    Decimal: Decimal.__str__,
    uuid.UUID: uuid.UUID.__str__,
}


def _aware_datetime(value: datetime.datetime) -> str | None:
    # A naive one is made aware by Django in the current time zone: left to the field.
    return value.isoformat() if value.tzinfo is not None else None


_TEXT_BY_TYPE[datetime.datetime] = _aware_datetime  # type: ignore[assignment]


def _plain_text(value: Any) -> str | None:
    convert = _TEXT_BY_TYPE.get(type(value))
    if convert is not None:
        return convert(value)
    # Choices are str or int subclasses.
    if isinstance(value, str):
        return copy_text(str.__str__(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return str(int(value))
    return None


def _prepared_text(field: "models.Field[Any, Any]", value: Any) -> str:
    if isinstance(field, models.JSONField):
        # get_db_prep_save would wrap the value for psycopg; COPY wants the JSON text itself.
        return "\\N" if value is None else copy_text(json.dumps(value, cls=field.encoder))
    prepared = field.get_db_prep_save(value, connection)
    text = _plain_text(prepared)
    return text if text is not None else copy_text(str(prepared))


def _reader(field: "models.Field[Any, Any]") -> Callable[[Any], str]:
    attname = field.attname
    if type(field) in _PLAIN_FIELDS:

        def read(obj: models.Model) -> str:
            value = getattr(obj, attname)
            text = _plain_text(value)
            return text if text is not None else _prepared_text(field, value)

        return read
    return lambda obj: _prepared_text(field, getattr(obj, attname))


def insert(model: type[models.Model], objs: list[Any], *, batch_size: int = 5000) -> list[Any]:
    """Insert ``objs`` (instances of ``model``) and set their ids, as ``model.objects.bulk_create(objs)``."""
    if connection.vendor != "postgresql" or not objs:
        return list(model._default_manager.bulk_create(objs, batch_size=batch_size))
    opts = model._meta
    fields = [field for field in opts.concrete_fields if not getattr(field, "generated", False)]
    stamped = [field for field in fields if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)]
    readers = [_reader(field) for field in fields]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(opts.db_table)} ({', '.join(quote(field.column) for field in fields)}) FROM STDIN"
    with connection.cursor() as cursor:
        fresh = [obj for obj in objs if obj.pk is None]
        if fresh:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(fresh)])
            for obj, (value,) in zip(fresh, cursor.fetchall(), strict=True):
                obj.pk = value
        for start in range(0, len(objs), batch_size):

            def lines(batch: list[Any]) -> Iterator[str]:
                for obj in batch:
                    obj._prepare_related_fields_for_save(operation_name="bulk_create")
                    for field in stamped:
                        field.pre_save(obj, add=True)
                    yield "\t".join(read(obj) for read in readers) + "\n"

            copy_lines(cursor, sql, lines(objs[start : start + batch_size]))
    for obj in objs:
        obj._state.adding, obj._state.db = False, connection.alias
    return objs


class _StreamedLines:
    """COPY data read by psycopg2 as it sends it, a few hundred lines at a time: PostgreSQL stores each part
    while Python makes the next, instead of waiting for the whole text (bench/README.md)."""

    LINES_PER_READ = 500

    def __init__(self, lines: Iterator[str]):
        self.lines = lines
        self.error: BaseException | None = None

    def read(self, size: int = -1) -> str:
        try:
            return "".join(itertools.islice(self.lines, self.LINES_PER_READ))
        except BaseException as exc:
            # psycopg2 turns it into a cancelled COPY; the caller gets the error itself back.
            self.error = exc
            raise


def copy_lines(cursor: Any, sql: str, lines: Iterator[str]) -> None:
    """Run ``COPY … FROM STDIN`` with ``lines`` (each ending in a newline), made while the server reads them."""
    stream = _StreamedLines(lines)
    try:
        cursor.copy_expert(sql, stream, 1 << 20)
    except Exception:
        if stream.error is not None:
            raise stream.error from None
        raise


def insert_rows(
    model: type[models.Model],
    rows: Iterable[dict[str, Any]],
    *,
    count: int | None = None,
    shared: dict[str, Any] | None = None,
    batch_size: int = 5000,
) -> list[int]:
    """Insert ``rows`` of ``model`` given as dicts of attname → value, without building model instances.

    For rows that are written and never used again as objects (history rows): a model instance costs more to
    build than to write. ``shared`` holds values that every row has (turned into COPY text once). A field left
    out gets its default (called per row when callable), an ``auto_now`` or ``auto_now_add`` field the current
    time; values are stored as ``insert`` stores them. Returns the new ids in the order of ``rows``. Other
    databases get ``bulk_create`` of the same rows.

    ``rows`` may be a generator when ``count`` says how many it yields: on PostgreSQL each row is then made
    while the server stores the ones before it.
    """
    if count is None:
        rows = list(rows)
        count = len(rows)
    if not count:
        return []
    shared = shared or {}
    opts = model._meta
    pk_attname = opts.pk.attname
    if connection.vendor != "postgresql":
        objs = model._default_manager.bulk_create([model(**shared, **row) for row in rows], batch_size=batch_size)
        return [getattr(obj, pk_attname) for obj in objs]
    fields = [
        field
        for field in opts.concrete_fields
        if not getattr(field, "generated", False) and field.attname != pk_attname
    ]
    # The shared values' columns come last, written once as the end of every line.
    common = [field for field in fields if field.attname in shared]
    own = [field for field in fields if field.attname not in shared]
    tail = "".join("\t" + _value_text(field)(shared[field.attname]) for field in common) + "\n"
    now = None
    # Per field of a row's own: its attname, how a value becomes COPY text, and what a row without it stores.
    plans = []
    for field in own:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            if now is None:
                from django.utils import timezone

                now = timezone.now()
            missing: Any = _Fixed(now)
        elif field.has_default() and callable(field.default):
            missing = field.default
        else:
            missing = _Fixed(field.get_default())
        plans.append((field.attname, _value_text(field), missing))
    quote = connection.ops.quote_name
    columns = [opts.pk.column, *(field.column for field in own + common)]
    sql = f"COPY {quote(opts.db_table)} ({', '.join(quote(column) for column in columns)}) FROM STDIN"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        pks = [value for (value,) in cursor.fetchall()]

        def lines() -> Iterator[str]:
            for pk, row in zip(pks, rows, strict=True):
                cells = [str(pk)]
                for attname, text, missing in plans:
                    cells.append(text(row[attname] if attname in row else missing()))
                yield "\t".join(cells) + tail

        copy_lines(cursor, sql, lines())
    return pks


class _Fixed:
    """A stand-in default that is the same for every row."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        self.value = value

    def __call__(self) -> Any:
        return self.value


def _value_text(field: "models.Field[Any, Any]") -> Callable[[Any], str]:
    """How ``insert`` turns one value of ``field`` into COPY text, for a value not read from an instance."""
    if isinstance(field, models.JSONField):
        encoder = field.encoder
        return lambda value: "\\N" if value is None else copy_text(json.dumps(value, cls=encoder))
    if isinstance(field, models.GenericIPAddressField):
        # Most history rows have no address (no request); the field's preparation would only say NULL.
        return lambda value: "\\N" if value is None else _prepared_text(field, value)
    if type(field) in _PLAIN_FIELDS:
        by_type = _TEXT_BY_TYPE

        def text(value: Any) -> str:
            convert = by_type.get(type(value))
            plain = convert(value) if convert is not None else _plain_text(value)
            return plain if plain is not None else _prepared_text(field, value)

        return text
    return lambda value: _prepared_text(field, value)
