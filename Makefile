# Two commands for a newcomer: `make run` and `make test`. Everything else is for developers.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha256sum requirements.lock | cut -c1-16)
SQLITE_ENV := env -u DATABASE_URL -u CELERY_BROKER_URL

.PHONY: install run test test-sqlite test-postgres lint format lock bench clean

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=24"
	$(PY) -m pip install --quiet --require-hashes -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo
	$(PY) manage.py ingest fixtures/iran-palestine-article.txt --publisher demo-news \
		--title "Are Iran And Palestine Allies? Unpacking A Complex Relationship"
	$(PY) manage.py runserver 127.0.0.1:8000

# The whole suite on SQLite (the embedded default), then on PostgreSQL when DATABASE_URL is set.
test: install
	$(MAKE) test-sqlite
	@if [ -n "$$DATABASE_URL" ]; then $(MAKE) test-postgres; \
	else echo "DATABASE_URL is not set: skipped the PostgreSQL pass (CI always runs it)"; fi

test-sqlite: install
	$(SQLITE_ENV) $(PY) -m pytest $(PYTEST_ARGS)

# CI runs this as the non-superuser role claims_app (.ci/run creates it); ADMIN_DATABASE_URL (a
# superuser) then installs what only an administrator may (the redactor role, ADR 0028).
# As a superuser (postgres://postgres@...) it needs nothing else.
test-postgres: install
	@test -n "$$DATABASE_URL" || (echo "set DATABASE_URL=postgres://..." && exit 2)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Benchmarks against baselines measured in the same run (see docs/performance.md). They run in
# scratch databases named after DATABASE_URL's (created and dropped); PostgreSQL is started when
# it is down, as .ci/run does. QUICK=1: reduced sizes, under two minutes, written to
# bench/results-quick.json so the committed full results are never replaced by a quick run.
BENCH_DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/claims_ledger)

bench: install
	@pg_isready -d "$(BENCH_DATABASE_URL)" -q || \
		pg_ctlcluster --skip-systemctl-redirect "$$(ls /etc/postgresql)" main start
	@for _ in $$(seq 1 30); do pg_isready -d "$(BENCH_DATABASE_URL)" -q && break; sleep 1; done
	DATABASE_URL="$(BENCH_DATABASE_URL)" $(PY) -m bench $(if $(QUICK),--quick) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
