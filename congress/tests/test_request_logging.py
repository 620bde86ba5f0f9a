import json
import logging

import pytest
from django.urls import reverse

from congress.logging import GunicornAccessFormatter, JsonFormatter, RequestIdFilter


def request_lines(caplog):
    return [record for record in caplog.records if record.name == "congress.request"]


def test_each_response_carries_a_fresh_request_id(client, db):
    first = client.get(reverse("public:directory"))
    second = client.get(reverse("public:directory"))
    assert len(first["X-Request-ID"]) == 32
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_the_proxys_request_id_is_kept(client, db):
    response = client.get(reverse("public:directory"), HTTP_X_REQUEST_ID="nginx-4f2a9c1e77")
    assert response["X-Request-ID"] == "nginx-4f2a9c1e77"


@pytest.mark.parametrize("forged", ["short", "has space in it", "line\nbreak-injected", "x" * 200])
def test_a_malformed_request_id_is_replaced(client, db, forged):
    response = client.get(reverse("public:directory"), HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_one_json_line_per_request_with_user_path_status_duration(client, staff_a, caplog):
    client.force_login(staff_a)
    with caplog.at_level(logging.INFO, logger="congress.request"):
        response = client.get(reverse("staff:home"))
    (record,) = request_lines(caplog)
    line = JsonFormatter().format(record)
    assert "\n" not in line
    parsed = json.loads(line)
    assert parsed["request_id"] == response["X-Request-ID"]
    assert parsed["user_id"] == staff_a.pk
    assert parsed["path"] == reverse("staff:home")
    assert parsed["status"] == 200
    assert parsed["method"] == "GET"
    assert isinstance(parsed["duration_ms"], float)
    assert parsed["level"] == "INFO"


def test_logging_does_not_look_up_a_user_the_page_never_needed():
    from django.http import HttpRequest
    from django.utils.functional import SimpleLazyObject

    from congress.middleware import _resolved_user_id

    looked_up = []
    request = HttpRequest()
    request.user = SimpleLazyObject(lambda: looked_up.append(True))
    assert _resolved_user_id(request) is None
    assert looked_up == []


def test_log_lines_inside_a_request_carry_its_id():
    from congress.logging import request_id_var

    record = logging.LogRecord("suggestions", logging.WARNING, __file__, 1, "late reply %s", ("S-1",), None)
    token = request_id_var.set("abc123def456")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    parsed = json.loads(JsonFormatter().format(record))
    assert parsed == {
        "time": parsed["time"],
        "level": "WARNING",
        "logger": "suggestions",
        "message": "late reply S-1",
        "request_id": "abc123def456",
    }


def test_exceptions_stay_on_one_line():
    try:
        raise ValueError("boom")
    except ValueError:
        import sys

        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    line = JsonFormatter().format(record)
    assert "\n" not in line
    assert "ValueError: boom" in json.loads(line)["exc_info"]


def test_gunicorn_access_lines_are_json_with_the_request_id():
    atoms = {
        "h": "127.0.0.1",
        "m": "GET",
        "U": "/staff/",
        "q": "page=2",
        "s": "200",
        "B": 5120,
        "M": 42,
        "f": "-",
        "a": 'Mozilla \\"quoted\\"',
        "{x-request-id}o": "abc123def456",
        "{x-request-id}i": "-",
    }
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(h)s", (), None)
    record.args = atoms
    parsed = json.loads(GunicornAccessFormatter().format(record))
    assert parsed["status"] == 200
    assert parsed["path"] == "/staff/"
    assert parsed["duration_ms"] == 42
    assert parsed["request_id"] == "abc123def456"
    assert parsed["user_agent"] == 'Mozilla "quoted"'
    assert "referer" not in parsed
