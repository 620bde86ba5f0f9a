"""Issue 18's absolute targets: annual scoring, roster import, province seed and web worker memory.

Called by bench/run.py (``--skip speed`` leaves it out). The machine is shared, so besides the wall time of the
best of ``--speed-repeat`` runs it reports the CPU seconds spent in this Python process and in its PostgreSQL
backend (read from /proc: the database is local), which move far less with other people's load than the
wall time does. See bench/README.md, "Scoring, roster import, seed and memory (issue 18)".
"""

import os
import platform
import resource
import time
from pathlib import Path

TARGETS = {"scoring_s": 20, "roster_import_s": 3, "seed_s": 180, "web_rss_mb": 120}
_TICKS = os.sysconf("SC_CLK_TCK")


def machine() -> dict:
    """What the figures were measured on, and how busy it was."""
    model = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = next(
        int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    return {
        "cpu": model,
        "cpus": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average": [round(value, 2) for value in os.getloadavg()],
    }


def children_cpu() -> float:
    """CPU seconds of the child processes that have finished so far (manage.py migrate, seed_demo, …)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _backend_cpu() -> float | None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None  # a database on another host
    return (int(fields[11]) + int(fields[12])) / _TICKS


def timed(func, repeat: int) -> dict:
    """Run ``func`` ``repeat`` times: each run's wall and CPU seconds (Python, database backend), the best wall."""
    runs = []
    for _ in range(repeat):
        db_before, cpu_before, started = _backend_cpu(), time.process_time(), time.monotonic()
        value = func()
        wall, cpu = time.monotonic() - started, time.process_time() - cpu_before
        db_after = _backend_cpu()
        runs.append(
            {
                "seconds": round(wall, 2),
                "python_cpu_s": round(cpu, 2),
                "db_cpu_s": round(db_after - db_before, 2) if db_before is not None and db_after is not None else None,
                "value": value,
            }
        )
    best = min(runs, key=lambda run: run["seconds"])
    return {"best_s": best["seconds"], "best": {k: v for k, v in best.items() if k != "value"}, "runs": runs}


def scoring(repeat: int) -> dict:
    """Annual scoring of last year over the root region, as ``manage.py score_year`` runs it."""
    from django.utils import timezone

    from evaluations import services
    from evaluations.models import RuleSet
    from representatives.models import Region

    year = timezone.localdate().year - 1
    root = Region.objects.filter(parent=None).order_by("path").first()
    assert root is not None, "no region: seed the database first"
    rule_set = RuleSet.objects.filter(region=root, year=year).first()
    if rule_set is None:
        rule_set = services.rule_set_create_example(region=root, year=year)

    def once():
        run = services.score_year_now(rule_set=rule_set)
        return {"status": run.status, "deputies_scored": run.deputies_scored}

    return {"year": year, "region": root.name, **timed(once, repeat)}


def roster_upload(bench, rows: int, user):
    """bench/run.py's roster of new seats, with the personal columns emptied.

    The roster is exported without a user, so phones, ID numbers and addresses come out masked, and a masked
    ID number is (rightly) refused on import; at province scale the demo leaves them empty, at city scale not.
    """
    import tablib
    from django.core.files.uploadedfile import SimpleUploadedFile

    from representatives import resources

    dataset = tablib.Dataset().load(bench.roster_upload(rows, user).read().decode("utf-8-sig"), format="csv")
    personal = [dataset.headers.index(column) for column in (resources.COL_ID_NUMBER, resources.COL_PHONE)]
    personal.append(dataset.headers.index(resources.COL_HOME_ADDRESS))
    for i in range(len(dataset)):
        row = list(dataset[i])
        for column in personal:
            row[column] = ""
        dataset[i] = tuple(row)
    return SimpleUploadedFile("roster.csv", dataset.export("csv").encode("utf-8-sig"), content_type="text/csv")


def roster_import(bench, rows: int, repeat: int) -> dict:
    """Import ``rows`` new seats as the city's staff, rolled back after each run."""
    from django.contrib.auth import get_user_model

    from representatives.resources import import_roster

    user = get_user_model().objects.get(username="staff")
    upload = roster_upload(bench, rows, user)

    def once():
        upload.seek(0)
        outcome = bench.rolled_back(lambda: import_roster(upload, user=user))["value"]
        totals = outcome.result.totals if outcome.result is not None else {}
        return {"imported": {k: v for k, v in totals.items() if v}, "errors": list(outcome.errors)[:3]}

    return {"rows": rows, **timed(once, repeat)}


def measure(bench, args, skip: set) -> dict:
    """``bench`` is bench/run.py's module (its roster file, rollback and log)."""
    report = {"machine": machine()}
    if "roster" not in skip:
        bench.log(f"roster import of {args.roster_rows} rows (rolled back), best of {args.speed_repeat}")
        report["roster_import"] = roster_import(bench, args.roster_rows, args.speed_repeat)
    if "scoring" not in skip:
        bench.log(f"annual scoring, best of {args.speed_repeat}")
        report["scoring"] = scoring(args.speed_repeat)
    return report


def check(report: dict) -> list[str]:
    """Target lines for run.py's summary."""
    lines = []

    def line(label, value, limit, unit, detail=""):
        if value is None:
            return
        mark = "ok " if value <= limit else "MISS"
        lines.append(f"[{mark}] {label}: {value} {unit} (target ≤ {limit}){detail}")

    speed = report.get("speed", {})
    for key, label, target in (
        ("scoring", "annual scoring, best of runs", "scoring_s"),
        ("roster_import", "roster import, best of runs", "roster_import_s"),
    ):
        if key in speed:
            best = speed[key]["best"]
            detail = f"; CPU: Python {best['python_cpu_s']} s, database {best['db_cpu_s']} s"
            line(label, speed[key]["best_s"], TARGETS[target], "s", detail)
    seed = report.get("seed", {})
    if seed.get("seconds") is not None:
        line("province seed" if report.get("scale") == "province" else "seed", seed["seconds"], TARGETS["seed_s"], "s")
    if report.get("web_workers"):
        line("web worker RSS", max(w["rss_mb"] for w in report["web_workers"]), TARGETS["web_rss_mb"], "MB")
    return lines


def print_section(report: dict) -> None:
    speed = report.get("speed")
    if not speed:
        return
    print(f"\nissue 18, absolute targets; machine: {speed['machine']}")
    for key in ("scoring", "roster_import"):
        if key in speed:
            runs = ", ".join(
                f"{run['seconds']} s (CPU {run['python_cpu_s']} + db {run['db_cpu_s']})" for run in speed[key]["runs"]
            )
            print(f"  {key}: best {speed[key]['best_s']} s; runs: {runs}")
