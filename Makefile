# The two commands the README opens with: `make run` and `make test`.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

# SQLite at instance/mediaapp.db, migrated, with the demo account filled in.
run: $(STAMP)
	$(BIN)/flask --app app db upgrade
	$(BIN)/flask --app app seed-demo
	$(BIN)/flask --app app run --host 127.0.0.1 --port 5000

# axe-core for the browser tests' accessibility scans, from the lockfile (skipped without npm:
# the scans then skip locally, and fail in CI).
AXE := tests/browser/node_modules/axe-core/axe.min.js
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/browser --no-audit --no-fund && touch $(AXE); \
	else echo "npm not found: the accessibility scans will be skipped"; fi

# openapi-typescript and typescript for tests/test_clients.py, from the lockfile (as above).
TSC := tests/clients/node_modules/.bin/tsc
$(TSC): tests/clients/package.json tests/clients/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix tests/clients --no-audit --no-fund && touch $(TSC); \
	else echo "npm not found: the TypeScript client tests will be skipped"; fi

# Every test, on SQLite and on PostgreSQL (MEDIAAPP_TEST_DATABASE_URL), plus the browser tests.
test: $(STAMP) $(AXE) $(TSC)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
