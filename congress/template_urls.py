"""``{% url %}`` for every template (a builtin, settings.TEMPLATES): Django's tag with a fast path for links
that take whole numbers.

A list page links each of its rows (``{% url 'staff:opinion' opinion.pk %}``): about forty ``reverse`` calls
a page, each walking the resolver's candidates, matching a regular expression and quoting; a tenth of a list
page's time in the throughput bench (bench/README.md). Here a view name is reversed once per argument count,
language and prefix with stand-in numbers, and each later link is that URL with the numbers put in. Anything
else (keyword arguments, strings, UUIDs, a name that does not reverse with numbers) goes through ``reverse``
as before.
"""

from typing import Any

from django import template
from django.template import defaulttags
from django.template.base import Parser, Token
from django.template.context import Context
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils import translation
from django.utils.html import conditional_escape

register = template.Library()

# Large and unlikely to occur in a URL by chance; each argument gets its own so they are found in order.
_STAND_IN = 918273645
_shapes: dict[tuple[object, ...], tuple[str, ...] | None] = {}


def _shape(view_name: str, count: int, current_app: str | None) -> tuple[str, ...] | None:
    """The URL of ``view_name`` cut where its ``count`` numeric arguments go, or None if it has no such shape."""
    key = (view_name, count, current_app, translation.get_language(), get_script_prefix(), get_urlconf())
    if key in _shapes:
        return _shapes[key]
    try:
        url = reverse(view_name, args=[_STAND_IN + i for i in range(count)], current_app=current_app)
    except NoReverseMatch:
        shape = None
    else:
        pieces: list[str] = []
        rest = url
        for i in range(count):
            token = str(_STAND_IN + i)
            if rest.count(token) != 1:
                break
            before, rest = rest.split(token)
            pieces.append(before)
        shape = (*pieces, rest) if len(pieces) == count else None
    _shapes[key] = shape
    return shape


def fast_reverse(view_name: str, args: list[Any], current_app: str | None = None) -> str:
    if args and all(type(arg) is int and arg >= 0 for arg in args):
        shape = _shape(view_name, len(args), current_app)
        if shape is not None:
            return "".join(piece + str(arg) for piece, arg in zip(shape, args, strict=False)) + shape[-1]
    return reverse(view_name, args=args, current_app=current_app)


class FastURLNode(defaulttags.URLNode):
    def render(self, context: Context) -> str:
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        view_name = self.view_name.resolve(context)
        request = getattr(context, "request", None)
        current_app = getattr(request, "current_app", None)
        if current_app is None:
            current_app = getattr(getattr(request, "resolver_match", None), "namespace", None)
        url = ""
        try:
            url = fast_reverse(view_name, args, current_app=current_app)
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser: Parser, token: Token) -> defaulttags.URLNode:
    node = defaulttags.url(parser, token)
    node.__class__ = FastURLNode
    return node
