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

test-postgres: install
	@test -n "$$DATABASE_URL" || (echo "set DATABASE_URL=postgres://..." && exit 2)
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet pip-tools
	$(VENV)/bin/pip-compile --quiet --extra dev --generate-hashes --strip-extras --allow-unsafe \
		--no-emit-index-url --no-emit-find-links -o requirements.lock pyproject.toml

# Contradiction check latency (1k/10k/100k claims, in memory and through DATABASE_URL's engine)
# and the full sweep; BENCH_ARGS=--quick stops at 10k.
bench: install
	PYTHONPATH=. $(PY) bench/contradictions.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 .pytest_cache .mypy_cache .ruff_cache
