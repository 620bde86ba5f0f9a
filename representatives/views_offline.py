"""The deputy's pages as an installable web app: the manifest and the service worker.

Both are public (no account) and hold nothing personal: the worker keeps the app shell and the empty activity
form on the phone, and static/js/offline.js keeps entries made with no network until they can be sent.
"""

import hashlib
import json

from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

# The colour of the site's title bar (static/css/app.css, .bg-congress), for the phone's own chrome.
THEME_COLOUR = "#a61b1b"


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    scope = reverse("me:home")
    return JsonResponse(
        {
            "name": _("人大代表履职"),
            "short_name": _("代表履职"),
            "lang": request.LANGUAGE_CODE,
            "start_url": scope,
            "scope": scope,
            "display": "standalone",
            "theme_color": THEME_COLOUR,
            "background_color": "#ffffff",
            "icons": [
                {"src": static("img/app/icon-192.png"), "sizes": "192x192", "type": "image/png"},
                {"src": static("img/app/icon-512.png"), "sizes": "512x512", "type": "image/png"},
                {
                    "src": static("img/app/icon-maskable-512.png"),
                    "sizes": "512x512",
                    "type": "image/png",
                    "purpose": "maskable",
                },
            ],
        },
        content_type="application/manifest+json",
        json_dumps_params={"ensure_ascii": False},
    )


# The worker is fetched again on every visit, so a new release's shell reaches phones at once.
@cache_control(no_cache=True)
@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    app_shell = [
        static("vendor/bootstrap/bootstrap.min.css"),
        static("vendor/bootstrap-icons/bootstrap-icons.min.css"),
        static("vendor/tom-select/tom-select.bootstrap5.min.css"),
        static("css/app.css"),
        static("vendor/bootstrap/bootstrap.bundle.min.js"),
        static("vendor/htmx/htmx.min.js"),
        static("js/app.js"),
        static("js/a11y.js"),
        static("vendor/tom-select/tom-select.base.min.js"),
        static("js/autocomplete.js"),
        static("js/offline.js"),
        static("img/favicon.svg"),
        static("img/app/icon-192.png"),
    ]
    response = HttpResponse(
        render_worker(app_shell=app_shell, form=reverse("me:activity_new"), home=reverse("me:home")),
        content_type="text/javascript; charset=utf-8",
    )
    response["Service-Worker-Allowed"] = reverse("me:home")
    return response


def render_worker(*, app_shell: list[str], form: str, home: str) -> str:
    source = finders.find("js/sw.js")
    if source is None:  # pragma: no cover - the file ships with the code
        raise RuntimeError("static/js/sw.js is missing")
    with open(source, encoding="utf-8") as handle:
        body = handle.read()
    # Static URLs carry their files' hashes in production: a changed file names a new cache.
    version = hashlib.sha256("|".join([*app_shell, body]).encode()).hexdigest()[:12]
    config = {"version": version, "shell": app_shell, "form": form, "home": home}
    return f"const CONFIG = {json.dumps(config)};\n{body}"
