# PAPI Tracker. The two commands: `make run` (demo on SQLite) and `make test` (whole suite,
# SQLite then PostgreSQL). Both set up the virtual environment in .venv themselves.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
# Installs come from the lock file, every package pinned with its hashes (`make lock` writes it
# from the top-level pins in requirements.txt and requirements-dev.txt).
LOCK := requirements-dev.lock
# uv, which installs the lock in seconds where pip takes a minute, comes from its own lock (hashes
# too); pip installs the lock instead when uv cannot.
BOOTSTRAP := requirements-bootstrap.lock
STAMP := $(VENV)/.installed-$(shell cat $(LOCK) $(BOOTSTRAP) | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup demo-data lint lock clean

setup: $(STAMP)

$(STAMP): $(LOCK) $(BOOTSTRAP) scripts/find-python.sh
	@if [ -x $(PY) ] && ! $(PY) -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  echo "Replacing $(VENV): its Python is older than 3.12."; rm -rf $(VENV); fi
	@if [ ! -x $(PY) ]; then python=$$(scripts/find-python.sh) || exit 1; \
	  echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV) || exit 1; fi
	@# The lock pins pip and setuptools too. A package whose hash is not in it is refused (by both).
	@echo "Installing $(LOCK) into $(VENV)"
	@if $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(BOOTSTRAP) \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) --require-hashes -r $(LOCK); then :; else \
	  echo "uv could not install $(LOCK); pip installs it instead."; \
	  $(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK) || exit 1; fi
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

# Rewrites the lock files from the top-level pins (after editing requirements*.txt).
lock: setup
	for name in requirements requirements-dev requirements-bootstrap; do \
	  $(PY) -m piptools compile --quiet --generate-hashes --allow-unsafe --strip-extras --no-emit-index-url \
	    --no-emit-find-links --output-file=$$name.lock $$name.txt || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts .coverage .coverage.*
