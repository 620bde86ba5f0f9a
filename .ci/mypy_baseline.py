"""mypy over the project, against a recorded baseline that may only shrink.

The modules in pyproject.toml's strict override must be clean. The rest of the project predates type checking:
its current errors are listed in .ci/mypy-baseline.txt (one ``path: message  [code]`` a line, without line
numbers so that editing a file above an old error does not make it new). The run fails when an error is not in
the list, or when a file has more of one error than listed; errors that went away are reported so the list can be
shrunk with ``--update``, which only ever removes lines. ``--reset`` writes the current errors as the new
baseline: for the one-off adoption of a large change, reviewed like any other diff of the file.

    .venv/bin/python .ci/mypy_baseline.py            # check (make lint)
    .venv/bin/python .ci/mypy_baseline.py --update   # drop fixed errors from the baseline
"""

import argparse
import fnmatch
import re
import subprocess  # nosec B404 — runs mypy only
import sys
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / ".ci" / "mypy-baseline.txt"
ERROR = re.compile(r"^(?P<path>[^:]+):\d+(?::\d+)?: error: (?P<message>.*)$")


def strict_patterns() -> tuple[list[str], list[str]]:
    """The module patterns of pyproject's overrides that require annotations, and of those that waive them."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    strict: list[str] = []
    waived: list[str] = []
    for override in config["tool"]["mypy"].get("overrides", []):
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        if override.get("disallow_untyped_defs") is True:
            strict += modules
        elif override.get("disallow_untyped_defs") is False:
            waived += modules
    return strict, waived


def is_strict(path: str, strict: list[str], waived: list[str]) -> bool:
    module = path.removesuffix(".py").removesuffix("/__init__").replace("/", ".")

    def matches(patterns: list[str]) -> bool:
        # mypy's ``a.*`` covers ``a`` itself and everything below it.
        return any(fnmatch.fnmatchcase(module, p) or module == p.removesuffix(".*") for p in patterns)

    return matches(strict) and not matches(waived)


def current_errors() -> Counter[str]:
    result = subprocess.run(  # noqa: S603  # nosec B603 — a fixed command line, no user input
        [sys.executable, "-m", "mypy", "--no-pretty", "--no-error-summary", "--hide-error-context", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode not in (0, 1):  # 2: mypy itself failed (bad configuration, crash)
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(result.returncode)
    errors: Counter[str] = Counter()
    for line in result.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            errors[f"{match['path']}: {match['message']}"] += 1
    return errors


def read_baseline() -> Counter[str]:
    if not BASELINE.exists():
        return Counter()
    return Counter(line for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip())


def write_baseline(errors: Counter[str]) -> None:
    BASELINE.write_text("".join(f"{line}\n" for line in sorted(errors.elements())), encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--update", action="store_true", help="drop errors that are gone from the baseline")
    parser.add_argument("--reset", action="store_true", help="record all current errors as the baseline")
    args = parser.parse_args()

    errors = current_errors()
    strict, waived = strict_patterns()

    def loose(counter: Counter[str]) -> Counter[str]:
        # A strictly typed module has no baseline: its errors count as new even if someone listed them.
        return Counter({key: n for key, n in counter.items() if not is_strict(key.split(":")[0], strict, waived)})

    if args.reset:
        write_baseline(loose(errors))
        print(f"mypy baseline reset to {sum(loose(errors).values())} errors")
        return 0
    baseline = loose(read_baseline())
    new = errors - baseline
    fixed = baseline - errors
    if args.update:
        write_baseline(baseline - fixed)
        print(f"mypy baseline: {sum(fixed.values())} fixed errors dropped, {sum((baseline - fixed).values())} left")
    elif fixed:
        print(
            f"mypy: {sum(fixed.values())} baselined errors are fixed; "
            "shrink the list with `.venv/bin/python .ci/mypy_baseline.py --update`"
        )
    if new:
        print(f"mypy: {sum(new.values())} new errors (not in .ci/mypy-baseline.txt):", file=sys.stderr)
        for line in sorted(new.elements()):
            print(f"  {line}", file=sys.stderr)
        print("Run `.venv/bin/mypy .` for their line numbers.", file=sys.stderr)
        return 1
    print(f"mypy: no new errors ({sum(errors.values())} baselined left)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
