# The README's two commands: `make run` and `make test`. Both do all the set-up on a fresh
# Debian 12 machine with Python 3.11: virtual environment, Python packages, the Debian packages
# the features need, translations, database.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PROJECTS ?= 600

# WeasyPrint's libraries and a CJK font (PDF reports), gettext (translations), Graphviz (state
# machine diagram). Tests also need Chromium (browser tests) and poppler-utils (PDF checks).
RUN_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk gettext graphviz
TEST_DEBS := $(RUN_DEBS) chromium poppler-utils

.PHONY: run test lint format messages makemessages graph screenshots clean system-packages-run system-packages-test

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

define install_debs
	@missing=""; for pkg in $(1); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  ($$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null) \
	    || echo "WARNING: could not install$$missing; the features that need them will say so when used."; \
	fi
endef

system-packages-run:
	$(call install_debs,$(RUN_DEBS))

system-packages-test:
	$(call install_debs,$(TEST_DEBS))

messages: $(VENV)/.runtime
	@if command -v msgfmt >/dev/null; then $(PY) manage.py compilemessages --ignore=.venv -v0; \
	else echo "WARNING: gettext is missing; the interface is shown in English only."; fi

makemessages: $(VENV)/.dev
	$(PY) manage.py makemessages -l zh_Hant --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=benchmarks --ignore=docs --no-obsolete

run: $(VENV)/.runtime system-packages-run messages
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py seed_reference_data
	$(PY) manage.py load_demo --projects $(DEMO_PROJECTS)
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl-C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.dev system-packages-test messages
	$(VENV)/bin/pytest -n auto --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

graph: $(VENV)/.dev
	$(PY) manage.py draw_lifecycle --output docs/lifecycle.svg

screenshots: $(VENV)/.dev system-packages-test messages
	$(PY) -m tests.browser.screenshots

clean:
	rm -rf var db.sqlite3
