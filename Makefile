# Institute Planner: `make run` serves the demo, `make test` runs every check.
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
export FLASK_APP := wsgi
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2

PO_FILES := $(shell find planner -path '*/translations/*/LC_MESSAGES/*.po')
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test install translations js-deps migration lint format migrations-check pytest pytest-postgres bench bench-all extract-messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ >/dev/null

translations: $(MO_FILES)

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo --if-empty
	@echo "Serving on http://127.0.0.1:5000 (Ctrl+C stops the web server and the mail sender)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/flask send-mail --loop & \
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install translations js-deps lint migrations-check pytest pytest-postgres

# ical.js reads our feeds in a test as a second, independent iCalendar parser.
JS_CHECK := tests/calendar/js
js-deps: $(JS_CHECK)/node_modules/.package-lock.json

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
		PLANNER_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -n $(PYTEST_WORKERS) -q -m "not browser"; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL at $(PG_TEST_URL) does not answer; CI needs it." >&2; exit 1; \
	else \
		echo "PostgreSQL does not answer at $(PG_TEST_URL): the PostgreSQL pass is skipped."; \
	fi

# After a model change: write the next Alembic migration (review it before committing).
migration: install
	$(BIN)/flask db migrate -m "$(or $(MESSAGE),schema change)"

# The table of issue 16 (both databases, 300 and 3,000 participants), also in bench/RESULTS.md.
bench: install translations
	$(BIN)/python -m bench.table

# Every benchmark script in bench/ (feeds, documents, pages, outbox, the table).
bench-all: install translations
	$(BIN)/python -m bench.run

# The main catalog covers the shared code and templates; every package keeps its own catalog
# (planner/<package>/translations), refreshed the same way with its own paths.
CORE_SOURCES := planner/__init__.py planner/auth planner/institutes planner/security \
	planner/formatting.py templates/base.html templates/macros templates/errors templates/auth \
	templates/institutes
extract-messages: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o planner/translations/messages.pot $(CORE_SOURCES)
	$(BIN)/pybabel update -i planner/translations/messages.pot -d planner/translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) $(MO_FILES)
