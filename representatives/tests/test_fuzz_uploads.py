"""Uploads under attack: disguised types, oversize files, hostile names, and who may download what."""

import datetime
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from core.uploads import ORIGINAL_NAME_MAX, clean_filename, validate_attachment
from representatives import services
from representatives.models import ActivityAttachment
from representatives.tests.factories import ClerkFactory, DeputyUserFactory

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"


def zip_bytes(names) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def hostile(name, content=PDF_BYTES):
    """An upload whose name reached us unsanitised (another client, a proxy, a future parser)."""
    file = SimpleUploadedFile("x.pdf", content)
    file._name = name  # bypass UploadedFile's own basename(): our code must not rely on it
    return file


def log_activity(deputy_user, files):
    return services.activity_create(
        deputy=deputy_user.deputy,
        by=deputy_user,
        files=files,
        kind="research",
        date=datetime.date(2025, 5, 1),
        place="白沙",
        description="调研",
    )


class TestTypeSniffing:
    @pytest.mark.parametrize(
        ("name", "content"),
        [
            ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200),  # a Windows executable
            ("report.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200),  # a Linux executable
            ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
            ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
            ("notes.docx", zip_bytes(["evil.js"])),  # a zip that is not a Word document
            ("photo.jpg", b"GIF89a" + b"\x00" * 100),  # a real image type that is not allowed
            ("empty.pdf", b""),
        ],
    )
    def test_a_file_whose_content_is_not_an_allowed_type_is_refused_whatever_its_name(self, name, content):
        with pytest.raises(ValidationError):
            validate_attachment(upload(name, content))

    def test_allowed_types_are_recognised_by_content_not_by_name(self):
        assert validate_attachment(upload("scan.jpg", PDF_BYTES)) == ("application/pdf", "pdf")
        assert validate_attachment(upload("scan", PNG_BYTES)) == ("image/png", "png")

    def test_an_oversize_file_is_refused(self, settings):
        settings.ATTACHMENT_MAX_BYTES = 1024
        with pytest.raises(ValidationError, match="超过大小上限"):
            validate_attachment(upload("big.pdf", PDF_BYTES + b"\x00" * 1024))
        assert validate_attachment(upload("small.pdf", PDF_BYTES))

    @pytest.mark.django_db
    def test_a_refused_file_stores_nothing(self, deputy_user_a):
        media = Path(django_settings.MEDIA_ROOT)
        before = set(media.rglob("*")) if media.exists() else set()
        with pytest.raises(ValidationError):
            log_activity(deputy_user_a, [upload("a.pdf", PDF_BYTES), upload("b.pdf", b"MZ" + b"\x00" * 100)])
        assert not ActivityAttachment.objects.exists()
        assert (set(media.rglob("*")) if media.exists() else set()) == before


HOSTILE_NAMES = [
    "../../../../etc/passwd.pdf",
    "/etc/passwd.pdf",
    "..\\..\\windows\\win.ini.pdf",
    "report\x00.exe.pdf",
    "invoice\u202efdp.exe",
    "a\r\nContent-Type: text/html\r\n\r\n<script>.pdf",
    "....pdf",
    "",
    "长" * 400 + ".pdf",
]


@pytest.mark.django_db
class TestHostileNames:
    @pytest.mark.parametrize("name", HOSTILE_NAMES)
    def test_the_file_lands_under_the_media_folder_with_a_clean_label(self, client, deputy_user_a, name):
        record = log_activity(deputy_user_a, [hostile(name)])
        attachment = record.attachments.get()
        media = Path(django_settings.MEDIA_ROOT).resolve()
        stored = Path(attachment.file.path).resolve()
        assert stored.is_relative_to(media / "attachments") and stored.is_file()
        assert stored.read_bytes() == PDF_BYTES
        label = attachment.original_name
        assert label and len(label) <= ORIGINAL_NAME_MAX
        assert not any(char in label for char in "/\\\x00\r\n\u202e")

        client.force_login(deputy_user_a)
        response = client.get(reverse("activity_attachment", args=[attachment.pk]))
        response.close()
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment") and "\n" not in disposition and "/" not in disposition


@given(st.text(max_size=600))
def test_clean_filename_never_returns_a_path_a_control_character_or_an_empty_name(name):
    cleaned = clean_filename(name)
    assert cleaned and len(cleaned) <= ORIGINAL_NAME_MAX
    assert "/" not in cleaned and "\\" not in cleaned and not cleaned.startswith(".")
    assert all(char == " " or char.isprintable() for char in cleaned)


@pytest.mark.django_db
@hypothesis_settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=2048), name=st.text(max_size=80))
def test_random_bytes_under_any_name_are_stored_only_when_they_sniff_as_an_allowed_type(deputy_user_a, content, name):
    file = SimpleUploadedFile("x.bin", content)
    file._name = name
    before = ActivityAttachment.objects.count()
    try:
        record = log_activity(deputy_user_a, [file])
    except ValidationError:
        assert ActivityAttachment.objects.count() == before
    else:
        attachment = record.attachments.get()
        assert attachment.content_type in django_settings.ATTACHMENT_ALLOWED_TYPES
        assert Path(attachment.file.path).resolve().is_relative_to(Path(django_settings.MEDIA_ROOT).resolve())
        attachment.file.delete(save=False)
        record.delete()


@pytest.mark.django_db
class TestDownloads:
    @pytest.fixture
    def attachment(self, deputy_user_a):
        return log_activity(deputy_user_a, [upload("会议纪要.pdf", PDF_BYTES)]).attachments.get()

    def test_a_download_is_an_attachment_that_browsers_neither_sniff_nor_run(self, client, deputy_user_a, attachment):
        client.force_login(deputy_user_a)
        response = client.get(reverse("activity_attachment", args=[attachment.pk]))
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment")
        assert "filename*=utf-8''%E4%BC%9A%E8%AE%AE%E7%BA%AA%E8%A6%81.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "default-src 'none'" in response["Content-Security-Policy"]
        assert response["Cache-Control"] == "private, no-store"
        assert b"".join(response.streaming_content) == PDF_BYTES
        response.close()

    @pytest.mark.parametrize("who", ["anonymous", "other_deputy", "other_county_staff", "clerk"])
    def test_anyone_who_may_not_see_the_record_gets_a_404_not_a_403(self, client, staff_b, attachment, who):
        users = {
            "other_deputy": lambda: DeputyUserFactory(),
            "other_county_staff": lambda: staff_b,
            "clerk": lambda: ClerkFactory(),
        }
        if who in users:
            client.force_login(users[who]())
        assert client.get(reverse("activity_attachment", args=[attachment.pk])).status_code == 404
        assert client.get(reverse("activity_attachment", args=[attachment.pk + 1000])).status_code == 404
