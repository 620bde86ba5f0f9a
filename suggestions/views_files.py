"""Attachments and signed reply documents, served only to those who may see the suggestion."""

from django.shortcuts import get_object_or_404

from core.uploads import serve_private_file

from . import permissions
from .models import Attachment, Reply


def attachment(request, pk):
    # Someone else's file answers exactly like a missing one.
    item = get_object_or_404(Attachment, pk=pk, suggestion__in=permissions.suggestions_for(request.user))
    return serve_private_file(item.file, filename=item.original_name, content_type=item.content_type)


def reply_document(request, pk):
    reply = get_object_or_404(
        Reply.objects.select_related("assignment__suggestion"),
        pk=pk,
        assignment__suggestion__in=permissions.suggestions_for(request.user),
    )
    return serve_private_file(reply.document, filename=f"reply-{reply.pk}.pdf", content_type="application/pdf")
