"""Production settings without a secret: build steps still run, the web server does not."""

import os
import subprocess  # nosec B404
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def run_with_settings(*args: str, **settings_env: str) -> subprocess.CompletedProcess[str]:
    """Our interpreter on the production settings module with ``settings_env`` in its environment."""
    env = {key: value for key, value in os.environ.items() if key not in {"SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "congress.settings.base", **settings_env})
    return subprocess.run(  # noqa: S603  # nosec B603 — our own interpreter and modules
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def run_without_secret(*args):
    return run_with_settings(*args, DEBUG="false", SECRET_KEY="")


def test_makemigrations_check_runs_without_a_secret_key():
    result = run_without_secret("manage.py", "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "No changes detected" in result.stdout


def test_the_web_server_refuses_to_start_without_a_secret_key():
    result = run_without_secret("-c", "import congress.wsgi")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def fragments_backend(debug: str) -> str:
    code = "from django.conf import settings; print(settings.CACHES['fragments']['BACKEND'])"
    result = run_with_settings("-c", code, DEBUG=debug, SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_page_frames_are_kept_in_production_and_rendered_afresh_while_developing():
    assert fragments_backend("false").endswith("LocMemCache")
    # With DEBUG on, a template edited under the running server shows at the next load.
    assert fragments_backend("true").endswith("DummyCache")
