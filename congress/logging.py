"""JSON-lines logging: one object per line, so journald, Loki or ``jq`` can filter by field.

The request id set by :class:`congress.middleware.RequestIdMiddleware` is kept in a context variable and
stamped on every record logged while the request runs, so all lines of one request (and nginx's and
gunicorn's access lines, which carry the same ``X-Request-ID``) can be found together.
"""

import contextlib
import contextvars
import json
import logging
from datetime import UTC, datetime

request_id_var: contextvars.ContextVar[str | None] = contextvars.ContextVar("request_id", default=None)

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is emitted as a field.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime"}


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to records logged during a request (never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or request_id_var.get()
        if request_id:
            payload["request_id"] = request_id
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in payload and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exc_info"] = self.formatException(record.exc_info)
        if record.stack_info:
            payload["stack_info"] = self.formatStack(record.stack_info)
        # default=str: a stray object in ``extra`` must not turn a log call into an exception.
        return json.dumps(payload, ensure_ascii=False, default=str)


class GunicornAccessFormatter(JsonFormatter):
    """Gunicorn's access logger passes its atoms (the request's fields) as the record's args mapping."""

    _FIELDS = {
        "remote_addr": "h",
        "method": "m",
        "path": "U",
        "query": "q",
        "status": "s",
        "bytes": "B",
        "duration_ms": "M",
        "referer": "f",
        "user_agent": "a",
    }

    def format(self, record: logging.LogRecord) -> str:
        atoms = record.args
        if not isinstance(atoms, dict):
            return super().format(record)
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": "access",
        }
        for field, atom in self._FIELDS.items():
            value = atoms[atom]
            if value not in (None, "-", ""):
                # SafeAtoms escaped quotes for the Apache-style line; JSON does its own escaping.
                payload[field] = value.replace('\\"', '"') if isinstance(value, str) else value
        if "status" in payload:
            with contextlib.suppress(TypeError, ValueError):
                payload["status"] = int(str(payload["status"]))
        # The response header is set by the Django middleware; the request header covers responses that
        # never reached Django (e.g. gunicorn's own errors).
        request_id = atoms["{x-request-id}o"]
        if request_id in (None, "-"):
            request_id = atoms["{x-request-id}i"]
        if request_id not in (None, "-"):
            payload["request_id"] = request_id
        return json.dumps(payload, ensure_ascii=False, default=str)
