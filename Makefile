# PAPI Tracker. The two commands: `make run` (demo on SQLite) and `make test` (whole suite,
# SQLite then PostgreSQL). Both set up the virtual environment in .venv themselves.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo-data lint clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt scripts/find-python.sh
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Replacing $(VENV): its Python is older than 3.12."; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then python=$$(scripts/find-python.sh) || exit 1; \
	  echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

demo-data: setup
	DEBUG=1 $(PY) manage.py migrate --noinput -v0
	DEBUG=1 $(PY) manage.py load_reference
	DEBUG=1 $(PY) manage.py load_demo

run: demo-data
	@echo
	@echo "PAPI Tracker: http://$(HOST):$(PORT)/  (admin: http://$(HOST):$(PORT)/quan-tri/)"
	@echo "Stop with Ctrl+C."
	@# The worker runs the background exports; it stops with the server.
	DEBUG=1 $(PY) manage.py worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: setup
	scripts/test.sh

lint: setup
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts
