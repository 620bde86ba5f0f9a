"""Uploaded files, for every app: the checks (size, and the type read from the content rather than trusted from
the name), storing them as ``core.models.StoredUpload`` rows, and serving them back.

Files are stored under a random name chosen by the model (never the uploader's), so a name cannot reach
outside the media folder; the uploader's name is kept only as a label and for the download, cleaned of path
parts, control and bidirectional-override characters first. Downloads are attachments that browsers may
neither sniff nor render: ``nosniff`` and a sandboxing Content-Security-Policy.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from .models import StoredUpload

ZIP_BASED_OFFICE_TYPES = {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
# Even if a browser ignored Content-Disposition, a downloaded file runs no script and loads nothing.
DOWNLOAD_CSP = "default-src 'none'; sandbox"
ORIGINAL_NAME_MAX = 200


def clean_filename(name: str | None, *, fallback: str = "file") -> str:
    """The uploader's file name made safe to show and to put in a download header.

    Drops any directory part (``/`` or ``\\``), control and format characters (NUL, newlines, the right-to-left
    override that makes ``exe.pdf`` read as ``fdp.exe``), leading dots, and keeps the extension when shortening.
    """
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    kept = []
    for char in name:
        category = unicodedata.category(char)[0]
        if category == "Z":
            kept.append(" ")
        elif category != "C":
            kept.append(char)
    name = "".join(kept)
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > ORIGINAL_NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: ORIGINAL_NAME_MAX - len(extension) - 1] + "." + extension
        else:
            name = name[:ORIGINAL_NAME_MAX]
    return name or fallback


def sniff_content_type(upload: File[bytes]) -> str | None:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    return str(kind.mime) if kind else None


def validate_attachment(upload: File[bytes]) -> tuple[str, str]:
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


def store_uploads(model: type[StoredUpload], files: Iterable[File[bytes]], **owner: Any) -> list[StoredUpload]:
    """Check each upload and save it as a ``model`` row (a concrete StoredUpload with a ``file`` field) belonging to
    ``owner``.

    Every file is checked before any is written, so a refused second file leaves no orphan of the first on
    disk (the caller's transaction rolls the rows back, but not the files); a failure while writing removes
    the files this call wrote.
    """
    checked = [(upload, *validate_attachment(upload)) for upload in files]
    stored = []
    try:
        for upload, content_type, extension in checked:
            row = model(
                original_name=clean_filename(upload.name, fallback=f"file.{extension}"),
                content_type=content_type,
                extension=extension,
                size=upload.size,
                **owner,
            )
            # The stored name comes from the model's upload_to (random); the uploader's name plays no part in it.
            row.file.save(f"upload.{extension}", upload, save=False)
            stored.append(row)
            row.save()
    except Exception:
        for row in stored:
            row.file.delete(save=False)
        raise
    return stored


def serve_private_file(field_file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """Stream a stored file as a download that browsers neither sniff nor cache; a lost file is a 404."""
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=clean_filename(filename), content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    response["Cache-Control"] = "private, no-store"
    return response
