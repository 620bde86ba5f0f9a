"""Loads what Django otherwise loads on the first requests, so web workers fork with it already in memory.

Called by the gunicorn arbiter before it forks (deploy/gunicorn.conf.py): the URL resolver, both languages'
translation catalogs and every project template are built once and shared by all workers, instead of each
worker building them on its first requests (the "cold" column of bench/README.md). The arbiter then freezes
the heap for the garbage collector.

The Celery app is finalized here too: a worker's first ``.delay()`` (the tally flush queued after a public
opinion is saved) otherwise imported and registered every task and built the broker and result-backend objects
inside that request, 30–50 ms of CPU that made the public form's first POST its slowest (bench/README.md).
Nothing connects here: kombu and redis-py open their connections on first use, in each worker after the fork.
"""

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings


def template_names() -> list[str]:
    """Every template under the project and app template folders, as ``get_template`` names them."""
    engines: list[dict[str, Any]] = settings.TEMPLATES
    folders = [Path(folder) for engine in engines for folder in engine.get("DIRS", [])]
    folders += [
        Path(app.path) / "templates"
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR)
    ]
    names: set[str] = set()
    for folder in folders:
        if folder.is_dir():
            names.update(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return sorted(names)


def warm_up() -> dict[str, Any]:
    from django.template import TemplateDoesNotExist, TemplateSyntaxError
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            translation.gettext("代表")
            get_resolver().reverse_dict  # noqa: B018  built per language on first use
    from congress.celery import app as celery_app

    celery_app.finalize(auto=True)
    celery_app.amqp.send_task_message  # noqa: B018  the task-message builder and its event dispatcher class
    celery_app.backend  # noqa: B018  the result backend object (its Redis pool connects lazily, per process)
    loaded = 0
    for name in template_names():
        try:
            get_template(name)
        except (TemplateDoesNotExist, TemplateSyntaxError):
            # A fragment meant only for {% include %} inside a particular context still compiles; anything that
            # does not is reported when a page uses it, as it would be without the warm-up.
            continue
        loaded += 1
    return {"templates": loaded}
