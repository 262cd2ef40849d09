# Institute Planner: `make run` serves the demo, `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FLASK_APP := wsgi
# Installs come from uv.lock (exact versions and hashes); uv itself is pinned here and lives in
# its own small virtualenv, so syncing the project's environment never removes it.
UV_VERSION := 0.13.8
UV_HOME := .uv
UV := $(UV_HOME)/bin/uv
export UV_PROJECT_ENVIRONMENT := $(VENV)
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
PORT ?= 5000

PO_FILES := $(shell find planner -path '*/translations/*/LC_MESSAGES/*.po')
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run serve test test-latest install lock-check upgrade translations js-deps migration lint \
	format migrations-check pytest pytest-postgres bench bench-all extract-messages missing-messages \
	update-invitee-catalogs a11y-deps clean

$(UV):
	$(PYTHON) -m venv $(UV_HOME)
	$(UV_HOME)/bin/pip install --quiet 'uv==$(UV_VERSION)'

# Exactly what uv.lock says, nothing newer: every machine gets the same packages.
$(STAMP): pyproject.toml uv.lock | $(UV)
	@$(UV) sync --locked --extra dev --python $(PYTHON) --quiet || { \
		echo "uv.lock does not match pyproject.toml: run 'make upgrade' (or '$(UV) lock')" \
			"and commit uv.lock." >&2; exit 1; }
	touch $(STAMP)

install: $(STAMP)

# The lock must describe pyproject.toml as committed (make test refuses a stale lock).
lock-check: $(UV)
	@$(UV) lock --check --quiet || { \
		echo "uv.lock is stale against pyproject.toml: run 'make upgrade' and commit uv.lock." >&2; \
		exit 1; }

# On purpose only: move the lock to the newest releases pyproject.toml allows, then reinstall.
upgrade: $(UV)
	$(UV) lock --upgrade
	$(MAKE) install

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO_FILES)

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@$(MAKE) --no-print-directory serve

# The web server, the mail sender and the render worker under one supervisor: Ctrl+C or SIGTERM
# stops them all, exit 0.
serve:
	@$(BIN)/flask serve --host 127.0.0.1 --port $(PORT)

test: lock-check install translations js-deps lint migrations-check pytest pytest-postgres

# The suite against the newest releases pyproject.toml allows, in a throwaway virtualenv: run it
# before `make upgrade` and once a month, so a library's new release is seen before it bites.
test-latest: $(UV) translations js-deps
	@set -e; venv=$$(mktemp -d); trap 'rm -rf "$$venv"' EXIT; \
	$(UV) venv --quiet --python $(PYTHON) "$$venv"; \
	VIRTUAL_ENV="$$venv" $(UV) pip install --quiet --upgrade --resolution highest -e '.[dev]'; \
	$(UV) export --quiet --frozen --extra dev --no-hashes --no-header --no-annotate \
		--no-emit-project | sed -n 's/^\([A-Za-z0-9._-]*==[^ ;]*\).*/\1/p' | sort >"$$venv/locked"; \
	VIRTUAL_ENV="$$venv" $(UV) pip freeze --exclude-editable | sort >"$$venv/latest"; \
	echo "Newer than uv.lock:"; comm -13 "$$venv/locked" "$$venv/latest" | sed 's/^/  /'; \
	"$$venv/bin/pytest" -n $(PYTEST_WORKERS) -q

# ical.js reads our feeds in a test as a second, independent iCalendar parser.
JS_CHECK := tests/calendar/js
js-deps: $(JS_CHECK)/node_modules/.package-lock.json a11y-deps

$(JS_CHECK)/node_modules/.package-lock.json: $(JS_CHECK)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(JS_CHECK) --no-audit --no-fund --silent; \
	else echo "npm not found: the ical.js check will be skipped"; fi

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: install
	@rm -f $(VENV)/migrations-check.sqlite
	PLANNER_DATABASE_URL=sqlite:///$(abspath $(VENV))/migrations-check.sqlite $(BIN)/flask db upgrade >/dev/null
	PLANNER_DATABASE_URL=sqlite:///$(abspath $(VENV))/migrations-check.sqlite $(BIN)/flask db check

pytest: install translations
	$(BIN)/pytest -n $(PYTEST_WORKERS) -q

# PostgreSQL is the production database: the suite runs again on it when a server answers
# (always in CI, where a missing server is an error, not a skip).
pytest-postgres: install translations
	@if PLANNER_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m tests.pg_available; then \
		PLANNER_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser and not own_database"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) does not answer; CI needs it." >&2; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_TEST_URL): the PostgreSQL pass is skipped."; \
	fi

# After a model change: write the next Alembic migration (review it before committing).
migration: install
	$(BIN)/flask db migrate -m "$(or $(MESSAGE),schema change)"

# The table of issue 16 (both databases, 300 and 3,000 participants), also in bench/RESULTS.md;
# then each document's render against WeasyPrint's floor for the same content.
bench: install translations
	$(BIN)/python -m bench.table
	$(BIN)/python -m bench.documents

# Every benchmark script in bench/ (feeds, documents, pages, outbox, the table).
bench-all: install translations
	$(BIN)/python -m bench.run

# axe-core: the accessibility crawl (tests/a11y) injects it into every page it visits.
A11Y_JS := tests/a11y/js
a11y-deps: $(A11Y_JS)/node_modules/.package-lock.json

$(A11Y_JS)/node_modules/.package-lock.json: $(A11Y_JS)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(A11Y_JS) --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility crawl will be skipped"; fi

# The main catalog covers the shared code and templates; every package keeps its own catalog
# (planner/<package>/translations), refreshed the same way with its own paths.
CORE_SOURCES := planner/__init__.py planner/auth planner/institutes planner/organizations \
	planner/security \
	planner/formatting.py templates/base.html templates/macros templates/errors templates/auth \
	templates/institutes templates/organizations
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o planner/translations/messages.pot $(CORE_SOURCES)
	$(BIN)/pybabel update -i planner/translations/messages.pot -d planner/translations --no-fuzzy-matching

# Invitee-facing strings (planner/i18n.py INVITEE_SOURCES) are also in kk, ky, uz, tg and az
# catalogs. missing-messages lists, per package and language, what is still untranslated;
# update-invitee-catalogs adds new invitee strings there as empty entries (then translate them).
missing-messages: install
	$(BIN)/python -m planner.i18n

update-invitee-catalogs: install
	$(BIN)/python -m planner.i18n update

clean:
	rm -rf $(VENV) $(UV_HOME) $(MO_FILES)
