"""Failed variable lookups made loud in the suite, for the project's own templates.

Django renders a variable that does not resolve as an empty string, so a page that has lost a field, or
whose filter argument walks through ``None`` (``{{ step.actor.username }}`` on a step nobody signed in for),
looks fine in a test that only reads the status code, and a real page answers 500 when the lookup is a
filter's argument. The suite sets ``string_if_invalid`` to :data:`LOUD_UNDEFINED`: a failed lookup in a
template under the project's ``templates/`` folder raises :class:`UndefinedVariable`; templates of Django
and other packages (the admin relies on silent lookups) render as they do in production.

``{% if %}``, ``{% firstof %}`` and friends resolve with failures ignored and never reach this object, so
``{% if opinion.deputy %}`` stays the way to test for something that may be missing.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.template.base import FilterExpression, Node


class UndefinedVariable(Exception):
    pass


def _project_template_dirs() -> tuple[str, ...]:
    return tuple(str(Path(d).resolve()) for engine in settings.TEMPLATES for d in engine.get("DIRS", []))


def _rendering_frames():
    """(the FilterExpression resolving, its context, the innermost node being rendered) from the stack."""
    expression = context = node = None
    frame = sys._getframe(2)
    while frame is not None and node is None:
        owner = frame.f_locals.get("self")
        if expression is None and isinstance(owner, FilterExpression):
            expression, context = owner, frame.f_locals.get("context")
        elif expression is not None and isinstance(owner, Node):
            node = owner
        frame = frame.f_back
    return expression, context, node


class LoudUndefined(str):
    """Django calls ``string_if_invalid % variable`` when it contains ``%s``; here that call decides."""

    def __new__(cls):
        return super().__new__(cls, "%s")

    def __mod__(self, variable):
        expression, context, node = _rendering_frames()
        origin = getattr(getattr(node, "origin", None), "name", "") or ""
        if origin and str(Path(origin).resolve()).startswith(_project_template_dirs()):
            raise UndefinedVariable(f"{{{{ {expression.token if expression else variable} }}}} in {origin}")
        if expression is None or context is None:
            return ""
        # Someone else's template: what Django renders with the default empty ``string_if_invalid``.
        engine = context.template.engine
        engine.string_if_invalid = ""
        try:
            return expression.resolve(context)
        finally:
            engine.string_if_invalid = self


LOUD_UNDEFINED = LoudUndefined()
