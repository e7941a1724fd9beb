# The newcomer's entry points: `make run` and `make test` (see README.md).
# Needs only python3 (3.11+) and GNU make; a PostgreSQL server for `make test`.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app workflow
PORT ?= 5000
# The server `make test` creates its throw-away database on (trust authentication).
PG_SERVER_URL ?= postgresql://postgres@127.0.0.1:5432
export PG_SERVER_URL
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k cli -x"`.
PYTEST_ARGS ?=
# Tests run in parallel, one process per core (`PYTEST_WORKERS=0` runs them in one).
PYTEST_WORKERS ?= auto
PYTEST_FLAGS := -p no:cacheprovider -n $(PYTEST_WORKERS) $(if $(CI),--color=no --durations=10,)
STAMP := $(VENV)/.installed

.PHONY: install system-deps run test lint format translations clean bench

# Debian packages the app and its tests need beyond Python: WeasyPrint's libraries for
# the protocol PDFs, poppler to read PDFs back, Chromium for the browser tests.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
	poppler-utils chromium

install: system-deps $(STAMP)
	@if ls workflow/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d workflow/translations; \
	fi

# Installs only what is missing, and only as root (CI and these machines run as root);
# anyone else is told the apt-get line to run.
system-deps:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing Debian packages:" $$missing; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
		else \
			echo "Missing Debian packages:" $$missing; \
			echo "Run: sudo apt-get install" $$missing; \
		fi; \
	fi

# Reinstall only when pyproject.toml changed (or the venv is new).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

run: install
	$(FLASK) init-db
	$(FLASK) demo-data
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# A fresh database per run, dropped afterwards even when the tests fail; the exit
# code is pytest's and its summary line is the last thing printed.
test: install
	@name=finsam_test_$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(6))'); \
	$(BIN)/python scripts/testdb.py create "$$name" || exit 1; \
	trap '$(BIN)/python scripts/testdb.py drop "$$name"; exit 130' INT TERM; \
	status=0; \
	TEST_DATABASE_URL="$(PG_SERVER_URL)/$$name" $(BIN)/pytest $(PYTEST_FLAGS) $(PYTEST_ARGS) || status=$$?; \
	$(BIN)/python scripts/testdb.py drop "$$name"; \
	exit $$status

# Not part of `make test`: seeds SQLite and PostgreSQL (BENCH_APPLICATIONS=N, default
# 50000; a database of that size is reused), serves with gunicorn and granian (2 workers
# each), loads each endpoint with 8 connections of wrk (Debian's package, installed here
# like the system packages above) and writes bench-results.json (see README.md).
bench: install
	@$(MAKE) --no-print-directory system-deps SYSTEM_PACKAGES=wrk
	$(BIN)/python scripts/bench.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

translations: install
	@if [ -f scripts/translations.sh ]; then \
		bash scripts/translations.sh; \
	else \
		echo "scripts/translations.sh does not exist yet"; exit 1; \
	fi

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
