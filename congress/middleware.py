"""Project-wide middleware: request ids and request logging, and server-side session timeouts."""

import logging
import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.functional import SimpleLazyObject, empty
from django.utils.translation import gettext as _

from .logging import request_id_var

logger = logging.getLogger("congress.request")

REQUEST_ID_HEADER = "X-Request-ID"
# A request id from the proxy is believed only if it looks like one: it ends up in every log line, so a
# client must not be able to inject new lines or megabytes through it.
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,128}$")


def _resolved_user_id(request: HttpRequest) -> int | None:
    """The user's id if this request already looked the user up, else None.

    Resolving it here just for the log line would cost a session and a user query on pages that never
    needed them (public pages, static files).
    """
    user = getattr(request, "user", None)
    # SimpleLazyObject keeps the not-yet-loaded marker in ``_wrapped`` (absent from the stubs).
    if user is None or (isinstance(user, SimpleLazyObject) and user._wrapped is empty):  # type: ignore[attr-defined]
        return None
    return user.pk if user.is_authenticated else None


class RequestIdMiddleware:
    """Gives each request an id (nginx's ``X-Request-ID`` when it sent one), returns it in the response
    header, stamps it on every log line of the request, and logs one line per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        started = time.perf_counter()
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]  # read by views and error pages
        token = request_id_var.set(request_id)
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "request_id": request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "user_id": _resolved_user_id(request),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


SESSION_STARTED_KEY = "_session_started"
SESSION_SEEN_KEY = "_session_seen"
# Writing the last-seen time on every request would make every page an UPDATE; a minute's resolution is
# plenty for an idle timeout counted in tens of minutes.
TOUCH_INTERVAL = 60


def now() -> float:
    """The clock the session limits are counted on; the suite's ``clock`` fixture stands in for it."""
    return time.time()


def mark_session_start(sender: object, request: HttpRequest, user: object, **kwargs: Any) -> None:
    """``user_logged_in`` receiver: the absolute limit counts from the login."""
    moment = int(now())
    request.session[SESSION_STARTED_KEY] = moment
    request.session[SESSION_SEEN_KEY] = moment


class SessionTimeoutMiddleware:
    """Ends a logged-in session after ``SESSION_IDLE_TIMEOUT`` seconds without a request, and
    ``SESSION_COOKIE_AGE`` seconds after the login however active it was.

    The cookie's own expiry cannot do this: it is renewed with every save and a stolen cookie can be
    replayed with any date, so both limits are checked against times kept in the session on the server.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            moment = int(now())
            started = session.get(SESSION_STARTED_KEY)
            seen = session.get(SESSION_SEEN_KEY)
            if started is None or seen is None:
                # A session from before these limits existed: start counting now.
                session[SESSION_STARTED_KEY] = started or moment
                session[SESSION_SEEN_KEY] = moment
            elif moment - seen > settings.SESSION_IDLE_TIMEOUT or moment - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, _("登录已超时，请重新登录。"))
            elif moment - seen >= TOUCH_INTERVAL:
                session[SESSION_SEEN_KEY] = moment
        return self.get_response(request)
