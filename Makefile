# Two commands on a fresh machine: `make run` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1:8000
PYTEST_ARGS ?=

.PHONY: run install test test-unit test-browser lint typecheck security check-deploy messages bench bench-embedded scaleout clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -r requirements.txt
	touch $@

install: $(VENV)/.installed

.env:
	printf 'DEBUG=true\n' > .env

run: install .env
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) -m congress.devserver $(HOST)

test: install test-unit test-browser

# Two workers (pytest-xdist): each has its own test database and, on Redis, its own Redis database
# (congress/settings/test.py). TEST_WORKERS=0 runs everything in one process.
TEST_WORKERS ?= 2
test-unit:
	$(VENV)/bin/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

test-browser:
	$(VENV)/bin/pytest -m browser $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DEBUG=true $(PY) manage.py makemigrations --check --dry-run
	$(MAKE) typecheck

# mypy with django-stubs (settings in pyproject.toml); old errors are listed in .ci/mypy-baseline.txt, which may
# only shrink: the run fails on any error not listed there, and on any error in a strictly typed module.
typecheck: install
	$(PY) .ci/mypy_baseline.py

# bandit's settings (excluded folders, skipped checks) are in pyproject.toml; each accepted finding carries a
# `# nosec BXXX` with its reason on the line.
security: install
	$(VENV)/bin/bandit -q -c pyproject.toml -r .

# Seeds a PostgreSQL database and measures the pages, throughput and jobs (bench/README.md); BENCH_ARGS=--reuse
# keeps an already seeded database.
SCALE ?= city
BENCH_ARGS ?=
bench: install
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)

# make run's embedded setup (SQLite, runserver, worker and beat on the filesystem broker) under 10 clients for
# 60 s on a fresh database in a temp folder; EMBEDDED_ARGS="--clients 3 --duration 300" changes both.
EMBEDDED_ARGS ?=
bench-embedded: install
	$(PY) bench/embedded.py $(EMBEDDED_ARGS)

# Two gunicorn servers, two Celery workers and one beat on one PostgreSQL database (scale_demo, made afresh) and
# one Redis database (8), with printed checks of what they share (deploy/README.md, "Scaling out"); about 2 min.
# SCALEOUT_ARGS=--reuse keeps the database of an earlier run.
SCALEOUT_ARGS ?=
scaleout: install
	$(PY) bench/scaleout.py $(SCALEOUT_ARGS)

check-deploy: install
	DEBUG=false SECRET_KEY="$$(python3 -c 'import secrets; print(secrets.token_urlsafe(60))')" \
		ALLOWED_HOSTS=congress.example.gov.cn $(PY) manage.py check --deploy --fail-level WARNING

messages: install
	DEBUG=true $(PY) manage.py makemessages -l en --ignore=.venv --ignore=static --ignore=staticfiles --ignore=var
	DEBUG=true $(PY) manage.py compilemessages -l en --ignore=.venv --ignore=var

clean:
	rm -rf $(VENV) staticfiles var/test-media
