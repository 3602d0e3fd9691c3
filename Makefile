# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV := REGISTRY_ENV=development
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# pytest-xdist processes for `make test`, each with its own test database (test_<name>_gw0, ...):
# one per core (2 on the 2-core reference machine, measured fastest; README); 0 runs serially.
PYTEST_WORKERS ?= auto

.PHONY: run test install lint format migrations-check check-catalogues clean

$(VENV)/.installed: requirements.txt requirements-dev.txt scripts/bootstrap_venv.py
	$(PYTHON) scripts/bootstrap_venv.py $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

## Run the registry on SQLite with in-process tasks, demo data and a staff login.
# The demo load runs with DEBUG off: DEBUG records every query (about 100,000 here) and the load
# serves no page. It prints its progress and how long it took.
run: install
	$(DEV) $(BIN)/python manage.py migrate --noinput
	$(DEV) $(BIN)/python manage.py load_law
	$(DEV) DEBUG=false $(BIN)/python manage.py load_demo --if-empty
	$(DEV) $(BIN)/python manage.py build_downloads --if-due
	$(DEV) $(BIN)/python manage.py demo_admin --url http://$(HOST):$(PORT)/admin/
	$(DEV) $(BIN)/python manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (SQLite by default; DATABASE_URL=postgres://... for PostgreSQL).
# `--dist load` hands out single tests: loadfile and loadscope key tests by node id and silently
# run one of the 28 schemathesis tests (they share one id), and loadgroup no longer groups on pytest 9.2.
# `--durations=25`: CI's log names the slowest tests, where its time goes (the aim is 20 minutes).
test: install
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load --durations=25 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	REGISTRY_ENV=test $(BIN)/python manage.py makemigrations --check --dry-run

## Fail when a string of today's source is untranslated or fuzzy in locale/ (be, ru); used by CI.
check-catalogues: install
	$(BIN)/python scripts/check_catalogues.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
