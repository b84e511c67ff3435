# Entry points: make run | test | bench | lint | fmt | messages | lock
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-sqlite test-postgres bench lint fmt messages lock install install-dev clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	DEBUG=true $(BIN)/python manage.py migrate --no-input
	DEBUG=true $(BIN)/python manage.py load_demo_data --accounts
	DEBUG=true $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint test-sqlite test-postgres

test-sqlite: install-dev
	DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

# The PostgreSQL leg runs when DATABASE_URL is set or 127.0.0.1:5432 answers;
# under CI=true an unreachable PostgreSQL is a failure, not a skip.
test-postgres: install-dev
	@url="$${DATABASE_URL:-}"; \
	if [ -z "$$url" ]; then \
	  if $(BIN)/python -c "import socket; socket.create_connection(('127.0.0.1', 5432), 2)" 2>/dev/null; then \
	    url="$(PG_URL)"; \
	  elif [ "$${CI:-}" = "true" ]; then \
	    echo "PostgreSQL is unreachable on 127.0.0.1:5432 and DATABASE_URL is unset; CI must run the PostgreSQL leg." >&2; exit 1; \
	  else \
	    echo "PostgreSQL not reachable: skipping the PostgreSQL leg."; exit 0; \
	  fi; \
	fi; \
	echo "Running the suite on PostgreSQL"; \
	DATABASE_URL="$$url" $(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	DATABASE_URL="$${DATABASE_URL:-$(PG_URL)}" $(BIN)/python tests/bench/run.py $(BENCH_ARGS)

messages: install-dev
	cd src/quartiersnetz && DEBUG=true ../../$(BIN)/django-admin makemessages -l de --no-obsolete --settings=quartiersnetz.settings --pythonpath=..
	cd src/quartiersnetz && DEBUG=true ../../$(BIN)/django-admin compilemessages --settings=quartiersnetz.settings --pythonpath=..

# Regenerate the transitive pins from a clean environment.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv && .lockenv/bin/pip install --quiet -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable > constraints.txt && rm -rf .lockenv

clean:
	rm -rf $(VENV) var staticfiles
