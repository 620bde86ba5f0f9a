"""First loads on the embedded SQLite demo: what ``make run`` serves, with the cache emptied before each page.

    .venv/bin/python bench/sqlite_first_load.py                     # migrate and seed /tmp/bench-demo.sqlite3
    .venv/bin/python bench/sqlite_first_load.py --reuse --database /tmp/fv.sqlite3

``make run`` is DEBUG on, SQLite under ``var/`` and Django's in-process cache (no Redis). This loads every page
that ``bench/run.py`` measures, the year report, the station statistics and every export, once each, in one
process through Django's test client, after emptying the cache; the table and
``bench/results/sqlite-demo.json`` give each load's time and query count. See bench/README.md.

A list longer than ``EXPORT_ASYNC_ROWS`` answers with its waiting page (core/exports.py): the bench then builds
the file in this process, as the worker would, and reports the build and the download as ``build ms``.
``--exports`` measures the downloads only.
"""

import argparse
import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import run  # noqa: E402  the PostgreSQL bench's page list and helpers

TARGET_MS = 1000


def demo_env(database: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "congress.settings.base",
            "DEBUG": "true",
            "DATABASE_URL": f"sqlite:///{database}",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "LOG_LEVEL": "WARNING",
            "LOG_FORMAT": "plain",
            "PYTHONPATH": str(ROOT),
            # Background exports' files: not the developer's var/ (the bench builds them itself, see below).
            "EXPORT_ROOT": str(database.parent / "bench-exports"),
        }
    )
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="/tmp/bench-demo.sqlite3", help="SQLite file (re-created)")  # noqa: S108
    parser.add_argument("--reuse", action="store_true", help="keep the file; seed only if it is empty")
    parser.add_argument("--output", help="JSON file (default bench/results/sqlite-demo.json)")
    parser.add_argument("--exports", action="store_true", help="measure the downloads only")
    args = parser.parse_args()
    database = Path(args.database)
    env = demo_env(database)
    report = {"date": datetime.datetime.now(tz=datetime.UTC).isoformat(timespec="seconds"), "database": str(database)}
    if not args.reuse and database.exists():
        database.unlink()
    started = time.monotonic()
    run.manage(env, "migrate", "--noinput", "-v0")
    out = run.manage(env, "seed_demo", capture=True).stdout
    report["seed_s"] = round(time.monotonic() - started, 1) if "已生成演示数据" in out else None

    run.django_setup(env)
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    report["rows"] = run.rows_summary()
    # The demo city is small enough to export whole, as the city office would.
    pages = run.build_pages(export_list_roles=("staff_county", "staff"))
    if args.exports:
        pages = [page for page in pages if page["name"].startswith("export: ")]
    # The bench builds background exports itself (below), rather than queue them for a worker that is not there.
    from core import services as export_services

    export_services._queue = lambda job_id: None
    clients = {"anonymous": run.logged_in_client("anonymous")}
    for page in pages:
        if page["role"] not in clients:
            clients[page["role"]] = run.logged_in_client(page["role"])
    # The process's own start (imports, URL resolver, translation catalogs) is not any page's first load.
    clients["anonymous"].get("/", secure=True)
    for page in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as ctx:
            began = time.perf_counter()
            response = clients[page["role"]].get(page["url"], secure=True)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            elapsed = time.perf_counter() - began
        page.update(
            first_ms=round(elapsed * 1000, 1),
            first_status=response.status_code,
            first_bytes=len(body),
            queries=len(ctx.captured_queries),
        )
        if response.status_code == 302 and "/exports/" in response["Location"]:
            page.update(build_background_export(clients[page["role"]], response["Location"]))
        build = f", built in the background in {page['build_ms']} ms" if "build_ms" in page else ""
        run.log(f"{page['role']} {page['name']}: {page['first_ms']} ms, {page['queries']} queries{build}")
    report["pages"] = pages
    slow = [p for p in pages if p["first_ms"] > TARGET_MS or p["first_status"] not in (200, p.get("async_status"))]
    report["misses"] = [f"{p['role']} {p['name']}: {p['first_ms']} ms (HTTP {p['first_status']})" for p in slow]
    output = Path(args.output) if args.output else run.RESULTS / "sqlite-demo.json"
    output.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n")

    print(f"\n{'role':<13}{'page':<40}{'queries':>8}{'first ms':>10}{'build ms':>10}")
    for page in pages:
        build = page.get("build_ms", "")
        print(f"{page['role']:<13}{page['name']:<40}{page['queries']:>8}{page['first_ms']:>10}{build:>10}")
    print(f"\nrows: {json.dumps(report['rows'])}")
    worst = max(pages, key=lambda p: p["first_ms"])
    mark = "ok " if not slow else "MISS"
    print(f"[{mark}] slowest first load: {worst['role']} {worst['name']} {worst['first_ms']} ms (target {TARGET_MS})")
    for line in report["misses"]:
        print(f"[MISS] {line}")
    run.log(f"written to {output}")


def build_background_export(client, job_url: str) -> dict:
    """Build a download that went to the background as the worker would, then fetch it: its time and size."""
    import uuid

    from core import services as export_services
    from core.models import ExportJob

    job_id = uuid.UUID(job_url.rstrip("/").rsplit("/", 1)[-1])
    began = time.perf_counter()
    job = export_services.export_job_build(job_id=job_id)
    response = client.get(f"{job_url}file/", secure=True)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    elapsed = time.perf_counter() - began
    ok = job is not None and job.status == ExportJob.Status.DONE and response.status_code == 200
    return {"async_status": 302, "build_ms": round(elapsed * 1000, 1), "build_ok": ok, "first_bytes": len(body)}


if __name__ == "__main__":
    main()
