"""Staff list downloads: small ones at once, large ones built by a worker into a private file for their requester."""

import ast
import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from congress.celery import app as celery_app
from core import export_tasks as tasks
from core import exports, services
from core.exports import ExportKind
from core.models import ExportJob
from core.spreadsheets import ExportFile, xlsx_file
from representatives.models import ExportLog
from representatives.tests.factories import DeputyFactory, StaffFactory

S = ExportJob.Status


@pytest.fixture
def eager_celery():
    """Tasks sent with .delay() run in the test's own thread, as they would on a worker."""
    conf = celery_app.conf
    before = (conf.task_always_eager, conf.task_eager_propagates)
    conf.task_always_eager = conf.task_eager_propagates = True
    yield
    conf.task_always_eager, conf.task_eager_propagates = before


@pytest.fixture
def export_root(settings, tmp_path):
    settings.EXPORT_ROOT = str(tmp_path / "exports")
    settings.EXPORT_ASYNC_ROWS = 2
    return Path(settings.EXPORT_ROOT)


@pytest.fixture
def deputies(regions):
    """Three deputies in county A (phones unpublished), two in county B."""
    return {
        "a": [DeputyFactory(region=regions.town_a, name=f"甲{i}", phone_public=False) for i in range(3)],
        "b": [DeputyFactory(region=regions.town_b, name=f"乙{i}") for i in range(2)],
    }


def directory_url(**params) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"export": "xlsx", **params}.items())
    return f"{reverse('staff:directory')}?{query}"


def sheet_rows(data: bytes) -> list[tuple[object, ...]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook.active.iter_rows(values_only=True)]


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def start(client, user, url, capture):
    """Ask for the download; the job is built (eagerly) when the request's transaction commits."""
    client.force_login(user)
    with capture(execute=True):
        response = client.get(url)
    return response


@pytest.mark.django_db
class TestThreshold:
    def test_a_list_at_the_threshold_is_downloaded_at_once(self, client, staff_a, deputies, export_root, settings):
        settings.EXPORT_ASYNC_ROWS = 3
        client.force_login(staff_a)
        response = client.get(directory_url())
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert len(sheet_rows(response.content)) == 1 + 3
        assert not ExportJob.objects.exists()

    def test_a_list_above_the_threshold_becomes_a_job(self, client, staff_a, deputies, export_root, settings):
        settings.EXPORT_ASYNC_ROWS = 2
        client.force_login(staff_a)
        response = client.get(directory_url())
        job = ExportJob.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("staff:export_job", args=[job.pk])
        assert (job.user, job.kind, job.rows, job.status) == (staff_a, "representatives.directory", 3, S.QUEUED)
        assert job.source == reverse("staff:directory")


@pytest.mark.django_db
class TestBackgroundExport:
    def test_the_worker_builds_the_file_with_only_the_requesters_scope_and_filters(
        self, client, staff_a, deputies, export_root, eager_celery, django_capture_on_commit_callbacks
    ):
        response = start(client, staff_a, directory_url(q="甲"), django_capture_on_commit_callbacks)
        job = ExportJob.objects.get()
        assert response.status_code == 302
        assert job.status == S.DONE and job.size
        assert "q=%E7%94%B2" in job.params
        # A private file, outside MEDIA, named by the job.
        stored = export_root / job.path
        assert stored.is_file()
        assert not str(stored).startswith(str(settings.MEDIA_ROOT))

        download = client.get(reverse("staff:export_job_file", args=[job.pk]))
        assert download.status_code == 200
        assert "attachment" in download["Content-Disposition"]
        rows = sheet_rows(body(download))
        names = sorted(str(row[1]) for row in rows[1:])
        assert names == ["甲0", "甲1", "甲2"]  # county B's deputies are outside staff A's scope

    def test_the_page_offers_the_file_once_built(
        self, client, staff_a, deputies, export_root, eager_celery, django_capture_on_commit_callbacks
    ):
        start(client, staff_a, directory_url(), django_capture_on_commit_callbacks)
        job = ExportJob.objects.get()
        page = client.get(reverse("staff:export_job", args=[job.pk]))
        text = page.content.decode()
        assert page.status_code == 200
        assert reverse("staff:export_job_file", args=[job.pk]) in text
        assert "hx-trigger" not in text  # finished: no more polling
        assert reverse("staff:directory") in text  # the way back to the list

    def test_the_job_is_audited_and_personal_data_is_logged_like_any_export(
        self, client, staff_a, deputies, export_root, eager_celery, django_capture_on_commit_callbacks
    ):
        start(client, staff_a, directory_url(), django_capture_on_commit_callbacks)
        job = ExportJob.objects.get()
        assert (job.user, job.rows, job.params) == (staff_a, 3, "export=xlsx")
        log = ExportLog.objects.get()
        assert (log.user, log.rows, log.personal_rows, log.filters) == (staff_a, 3, 3, "export=xlsx")

    def test_the_file_is_written_in_the_language_of_the_request(
        self, client, staff_a, deputies, export_root, eager_celery, django_capture_on_commit_callbacks
    ):
        client.force_login(staff_a)
        with django_capture_on_commit_callbacks(execute=True):
            client.get(directory_url(), HTTP_ACCEPT_LANGUAGE="en")
        job = ExportJob.objects.get()
        assert job.language == "en"
        download = client.get(reverse("staff:export_job_file", args=[job.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert sheet_rows(body(download))[0][1] == "Name"  # the directory's 姓名 column, as the list showed it


@pytest.mark.django_db
class TestWhoMayFetch:
    @pytest.fixture
    def job(self, client, staff_a, deputies, export_root, eager_celery, django_capture_on_commit_callbacks):
        start(client, staff_a, directory_url(), django_capture_on_commit_callbacks)
        client.logout()
        return ExportJob.objects.get()

    @pytest.mark.parametrize("name", ["staff:export_job", "staff:export_job_status", "staff:export_job_file"])
    def test_another_user_cannot_see_or_fetch_someone_elses_job(self, client, job, staff_b, city_staff, name):
        for other in (staff_b, city_staff):
            client.force_login(other)
            assert client.get(reverse(name, args=[job.pk])).status_code == 404

    def test_a_visitor_is_sent_to_sign_in(self, client, job):
        response = client.get(reverse("staff:export_job_file", args=[job.pk]))
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_a_requester_who_lost_the_right_gets_no_file(self, client, job, staff_a):
        staff_a.role = ""  # no role: no office list any more
        staff_a.save(update_fields=["role"])
        client.force_login(staff_a)
        assert client.get(reverse("staff:export_job_file", args=[job.pk])).status_code == 404

    def test_a_job_whose_requester_lost_the_right_before_the_build_fails_clearly(
        self, client, staff_a, deputies, export_root, django_capture_on_commit_callbacks
    ):
        client.force_login(staff_a)
        client.get(directory_url())
        job = ExportJob.objects.get()
        staff_a.role = ""  # no role: no office list any more
        staff_a.save(update_fields=["role"])
        services.export_job_build(job_id=job.pk)
        job.refresh_from_db()
        assert job.status == S.FAILED and "无权" in job.error
        assert not job.path


@pytest.mark.django_db
class TestPolling:
    def fragment(self, client, job):
        return client.get(reverse("staff:export_job_status", args=[job.pk])).content.decode()

    def test_a_queued_job_polls_every_two_seconds(self, client, staff_a, deputies, export_root):
        client.force_login(staff_a)
        client.get(directory_url())  # the task is queued on commit, which the test never reaches
        job = ExportJob.objects.get()
        text = self.fragment(client, job)
        assert 'hx-trigger="every 2s"' in text
        assert reverse("staff:export_job_status", args=[job.pk]) in text
        assert 'data-status="queued"' in text

    def test_a_built_job_stops_polling_and_offers_the_file(self, client, staff_a, deputies, export_root):
        client.force_login(staff_a)
        client.get(directory_url())
        job = ExportJob.objects.get()
        services.export_job_build(job_id=job.pk)
        text = self.fragment(client, job)
        assert "hx-trigger" not in text
        assert reverse("staff:export_job_file", args=[job.pk]) in text

    def test_a_failed_build_says_so_and_stops_polling(self, client, staff_a, export_root, broken_kind):
        job = ExportJob.objects.create(user=staff_a, kind=broken_kind.name, title="x", rows=10)
        tasks.build_export.apply(args=(str(job.pk),))
        job.refresh_from_db()
        assert job.status == S.FAILED
        client.force_login(staff_a)
        text = self.fragment(client, job)
        assert "hx-trigger" not in text
        assert 'role="alert"' in text and job.error in text
        assert client.get(reverse("staff:export_job_file", args=[job.pk])).status_code == 404

    def test_a_broker_that_cannot_be_reached_fails_the_job_instead_of_leaving_it_queued(
        self, client, staff_a, deputies, export_root, django_capture_on_commit_callbacks, monkeypatch
    ):
        def unreachable(*args, **kwargs):
            raise ConnectionError("no broker")

        monkeypatch.setattr(tasks.build_export, "delay", unreachable)
        client.force_login(staff_a)
        with django_capture_on_commit_callbacks(execute=True):
            client.get(directory_url())
        job = ExportJob.objects.get()
        assert job.status == S.FAILED and job.error


@pytest.fixture
def broken_kind():
    def write(user, rows, params):
        raise RuntimeError("disk full")

    kind = ExportKind(
        "core.tests.broken", "坏的", lambda user, params: ExportJob.objects.none(), write, lambda user: True
    )
    exports.register(kind)
    yield kind
    exports.kinds.unregister(kind.name)


@pytest.mark.django_db
class TestCleanup:
    def test_old_jobs_and_their_files_are_removed_and_recent_ones_kept(self, staff_a, export_root):
        storage = services.export_storage()
        now = timezone.now()
        old = ExportJob.objects.create(
            user=staff_a, kind="x", title="x", rows=1, status=S.DONE, path="old.xlsx", created_at=now
        )
        ExportJob.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=25))
        recent = ExportJob.objects.create(user=staff_a, kind="x", title="x", rows=1, status=S.DONE, path="new.xlsx")
        for name in ("old.xlsx", "new.xlsx", "orphan.xlsx"):
            storage.save(name, io.BytesIO(b"data"))
        later = now + datetime.timedelta(hours=25)

        assert services.export_jobs_remove_old(now=now) == 1
        assert list(ExportJob.objects.all()) == [recent]
        assert not storage.exists("old.xlsx") and storage.exists("new.xlsx")
        # A file no job names goes once it is as old as a job would be.
        assert storage.exists("orphan.xlsx")
        services.export_jobs_remove_old(now=later)
        assert not storage.exists("orphan.xlsx")

    def test_cleanup_runs_on_a_schedule(self):
        entry = settings.PERIODIC_TASKS["remove-old-exports"]
        assert entry["task"] == tasks.remove_old_exports.name
        assert entry["task"] in celery_app.tasks

    def test_cleanup_with_no_folder_yet_does_nothing(self, export_root):
        assert tasks.remove_old_exports.apply().get() == 0


@pytest.mark.django_db
class TestQueries:
    @pytest.mark.parametrize("rows", [3, 30])
    def test_starting_an_export_and_its_pages_run_a_constant_number_of_queries(
        self, client, regions, rows, export_root, django_assert_max_num_queries
    ):
        staff = StaffFactory(region=regions.county_a)
        DeputyFactory.create_batch(rows, region=regions.town_a)
        client.force_login(staff)
        with django_assert_max_num_queries(8):
            assert client.get(directory_url()).status_code == 302
        job = ExportJob.objects.get()
        for name in ("staff:export_job", "staff:export_job_status"):
            with django_assert_max_num_queries(6):
                assert client.get(reverse(name, args=[job.pk])).status_code == 200


def test_every_staff_list_download_is_registered():
    assert set(exports.registered()) >= {
        "representatives.directory",
        "representatives.roster",
        "representatives.activities",
        "liaison_stations.stations",
        "liaison_stations.visits",
        "liaison_stations.opinions",
        "suggestions.list",
    }


def test_registering_a_kind_again_replaces_it():
    kind = exports.kind_named("suggestions.list")
    assert kind is not None
    stand_in = ExportKind(kind.name, "x", kind.rows, kind.write, lambda user: False)
    try:
        exports.register(stand_in)
        assert exports.kind_named(kind.name) is stand_in
        assert exports.registered().count(kind.name) == 1
    finally:
        exports.register(kind)


def test_core_imports_no_domain_app():
    domain = {"representatives", "liaison_stations", "suggestions", "evaluations"}
    for path in Path(__file__).resolve().parent.parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            assert not {name.split(".")[0] for name in names} & domain, path.name


def test_a_built_file_keeps_its_name_and_type():
    built = xlsx_file([], "名单")
    assert isinstance(built, ExportFile)
    assert built.filename == "名单.xlsx"
    assert built.content_type.startswith("application/vnd.openxmlformats")
