"""Attachments and signed reply documents, served only to those who may see the suggestion."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404

from . import permissions
from .models import Attachment, Reply


def _serve(field_file, *, filename: str, content_type: str):
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def attachment(request, pk):
    # Someone else's file answers exactly like a missing one.
    item = get_object_or_404(Attachment, pk=pk, suggestion__in=permissions.suggestions_for(request.user))
    return _serve(item.file, filename=item.original_name, content_type=item.content_type)


def reply_document(request, pk):
    reply = get_object_or_404(
        Reply.objects.select_related("assignment__suggestion"),
        pk=pk,
        assignment__suggestion__in=permissions.suggestions_for(request.user),
    )
    return _serve(reply.document, filename=f"reply-{reply.pk}.pdf", content_type="application/pdf")
