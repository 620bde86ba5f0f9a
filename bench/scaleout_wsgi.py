"""The product's WSGI application with two probe URLs, for ``bench/scaleout.py`` only (never deployed).

``/__scaleout__/whoami`` answers which server (``SCALEOUT_SERVER``) and process served the request, and
``/__scaleout__/cache/<key>`` writes (POST, the body as the value) or reads (GET) Django's cache from inside
that server, so the demo can show a value written by one server's process being read by the other's.
"""

import os

from congress.wsgi import application as django_application

PREFIX = "/__scaleout__/"


def application(environ, start_response):
    path = environ.get("PATH_INFO", "")
    if not path.startswith(PREFIX):
        return django_application(environ, start_response)
    from django.core.cache import cache

    server = os.environ.get("SCALEOUT_SERVER", "?")
    if path == PREFIX + "whoami":
        body = f"{server} pid={os.getpid()}"
    elif path.startswith(PREFIX + "cache/"):
        key = "scaleout:" + path.removeprefix(PREFIX + "cache/")
        if environ.get("REQUEST_METHOD") == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            cache.set(key, environ["wsgi.input"].read(length).decode(), 300)
            body = f"{server} pid={os.getpid()} wrote"
        else:
            body = f"{server} pid={os.getpid()} read {cache.get(key)!r}"
    else:
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]
    start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
    return [body.encode()]
