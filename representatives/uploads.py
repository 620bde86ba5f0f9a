"""Checks on uploaded files: size, and the type read from the content rather than trusted from the name."""

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ZIP_BASED_OFFICE_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def sniff_content_type(upload) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return kind.mime if kind else None


def validate_attachment(upload) -> tuple[str, str]:
    """Return (content type, extension) for an acceptable upload, or raise ValidationError."""
    max_bytes = settings.ATTACHMENT_MAX_BYTES
    if upload.size == 0:
        raise ValidationError(_("文件“%(name)s”是空的。") % {"name": upload.name})
    if upload.size > max_bytes:
        raise ValidationError(
            _("文件“%(name)s”超过大小上限 %(limit)s。") % {"name": upload.name, "limit": filesizeformat(max_bytes)}
        )
    content_type = sniff_content_type(upload)
    allowed = settings.ATTACHMENT_ALLOWED_TYPES
    if content_type not in allowed:
        raise ValidationError(
            _("文件“%(name)s”的类型不受支持，只接受 PDF、JPEG、PNG 和 Word（docx）文件。") % {"name": upload.name}
        )
    return content_type, allowed[content_type]


def store_uploads(model, files, **owner) -> list:
    """Check each upload and save it as a ``model`` row (a StoredUpload) belonging to ``owner``."""
    stored = []
    for upload in files:
        content_type, extension = validate_attachment(upload)
        row = model(
            original_name=upload.name[:200], content_type=content_type, extension=extension, size=upload.size, **owner
        )
        row.file.save(upload.name, upload, save=False)
        row.save()
        stored.append(row)
    return stored


def serve_private_file(field_file, *, filename: str, content_type: str):
    """Stream a stored file as a download that browsers neither sniff nor cache; a lost file is a 404."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
