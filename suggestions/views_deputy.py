"""Placeholder until the pages are built; every view answers 404."""

from django.http import Http404


def _missing(request, *args, **kwargs):
    raise Http404


suggestions = suggestion = suggestion_action = suggestion_new = suggestion_edit = cosign_respond = overdue = _missing
