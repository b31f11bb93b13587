# Two commands for a newcomer:  make run  (demo app on SQLite)  and  make test  (all tests).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
TOOLS := $(HOME)/.cache/uvisa-tools
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist): one per core; TEST_WORKERS=0 runs in this process. Tests
# marked serial (a database restart, the benchmark) run alone afterwards.
TEST_WORKERS ?= auto

.PHONY: install run test test-fast system-packages lint lock clean

# Creates .venv and installs the pinned, hashed lock. uv (bootstrapped into a tools venv
# under ~/.cache) installs in seconds; plain pip is the fallback when uv cannot be had.
install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock
	@set -e; \
	if ! [ -x "$(TOOLS)/bin/uv" ]; then \
	  python3 -m venv "$(TOOLS)" && "$(TOOLS)/bin/pip" install -q uv || rm -rf "$(TOOLS)"; \
	fi; \
	if [ -x "$(TOOLS)/bin/uv" ]; then \
	  rm -rf $(VENV); "$(TOOLS)/bin/uv" venv -q --python "$$(command -v python3)" $(VENV); \
	  "$(TOOLS)/bin/uv" pip install -q --python $(PY) --require-hashes -r requirements.lock; \
	else \
	  rm -rf $(VENV); python3 -m venv $(VENV); \
	  $(PY) -m pip install -q --require-hashes -r requirements.lock; \
	fi; \
	$(PY) -c "import django_fsm; django_fsm.FSMField"; \
	touch $@

run: install
	@mkdir -p var
	DJANGO_DEBUG=1 $(PY) manage.py migrate --no-input -v0
	@[ -f var/signing/agency.p12 ] || DJANGO_DEBUG=1 $(PY) manage.py make_signing_key
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py seed_federal_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with the e-mail outbox worker (Ctrl-C stops both)"
	DJANGO_DEBUG=1 $(PY) manage.py send_outbox & outbox=$$!; trap 'kill $$outbox 2>/dev/null' EXIT; \
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# Production-style settings (DEBUG off, hashed static files) with a throwaway key;
# SQLite unless DATABASE_URL is set.
TEST_ENV := DJANGO_SECRET_KEY=test-only-secret-key-not-for-production-0123456789abcdef \
	DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0 DJANGO_ALLOWED_HOSTS=localhost,127.0.0.1,testserver \
	DJANGO_EMAIL_USE_TLS=1 \
	UVISA_FIELD_KEYS=dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0wMDE= \
	UVISA_LOOKUP_KEY=dGVzdC1vbmx5LWxvb2t1cC1rZXktbm90LWZvci1wcm9k \
	UVISA_AUDIT_KEY=dGVzdC1vbmx5LWF1ZGl0LWhtYWMta2V5LTMyLWJ5dGVzLTAwMQ==

# The browser tests drive Debian's Chromium (no browser download); PDFs are read back with
# poppler. What is missing is installed when this machine allows it (root or sudo without a
# password), or named in one line with the command to run (the same script as .ci/run).
CHROMIUM ?= $(or $(UVISA_CHROMIUM),/usr/bin/chromium)
system-packages:
	@CHROMIUM="$(CHROMIUM)" scripts/ensure-system-packages.sh test

test: system-packages install
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(TEST_ENV) UVISA_CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not serial" $(PYTEST_ARGS)
	$(TEST_ENV) UVISA_CHROMIUM=$(CHROMIUM) $(VENV)/bin/pytest -m serial $(PYTEST_ARGS)

# Everything but the browser tests (no Chromium needed; about a third faster).
test-fast: install
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(TEST_ENV) $(VENV)/bin/pytest -n $(TEST_WORKERS) -m "not browser and not serial" $(PYTEST_ARGS)
	$(TEST_ENV) $(VENV)/bin/pytest -m "serial and not browser" $(PYTEST_ARGS)

# Lint, formatting, import rules (pyproject.toml) and the domain's types.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(TEST_ENV) $(VENV)/bin/mypy

lock:
	"$(TOOLS)/bin/uv" pip compile -q --generate-hashes --python-version 3.11 --no-header \
	  requirements.in -o requirements.lock

clean:
	rm -rf $(VENV) var staticfiles test-artifacts
