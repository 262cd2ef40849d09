#!/usr/bin/env bash
# Regenerate the single initial migration from the models (only while nothing is deployed).
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
rm -f migrations/versions/*.py
export FLASK_APP=wsgi PLANNER_DATABASE_URL="sqlite:///$tmp/regen.sqlite"
.venv/bin/flask db migrate -m "initial schema" >/dev/null
.venv/bin/flask db upgrade >/dev/null
.venv/bin/flask db check
rm -rf "$tmp"
