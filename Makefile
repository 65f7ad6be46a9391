# The two commands of the README: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Canonical links, JSON-LD, feeds and the admin's address hints name the
# address `make run` serves (`make run PORT=8100`, or HOST=...), unless
# SITE_URL is set.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test lint format check-migrations api-check bench clean

$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# A development secret kept in .env (git-ignored), so that logins survive
# the dev server's reloads; production sets SECRET_KEY in its environment.
.env:
	$(BIN)/python -c "import secrets; print('SECRET_KEY=dev-' + secrets.token_urlsafe(48))" > $@

run: export SITE_URL := $(SITE_URL)
run: $(BIN)/.installed .env
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py load_demo --url http://$(HOST):$(PORT)/
	# The task worker runs beside the server (README: Background tasks) and
	# stops with it, however the server ends.
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=$${DEBUG:-true} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The suite runs on every core (pytest-xdist, at most 8 workers: each has a
# Redis database of its own, 8 to 15), a test file per worker at a
# time so that rows a module builds once are built once: `make test
# TEST_WORKERS=0` runs it in one process.
TEST_WORKERS ?= auto
test: $(BIN)/.installed
	$(BIN)/pytest -n $(TEST_WORKERS) --maxprocesses 8 --dist loadfile $(PYTEST_ARGS)

# Schemathesis against the live API on PostgreSQL (.ci/api_check says what it checks).
api-check: $(BIN)/.installed
	bash .ci/api_check

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python .ci/private_internals.py

format: $(BIN)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: $(BIN)/.installed
	DEBUG=true $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) db.sqlite3 media staticfiles .pytest_cache test-artifacts

# The benchmark (bench/run.py documents its BENCH_* variables). Its chart
# library stays out of the site's requirements.
$(BIN)/.bench-installed: bench/requirements.txt $(BIN)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -r bench/requirements.txt
	touch $@

bench: $(BIN)/.installed $(BIN)/.bench-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)
