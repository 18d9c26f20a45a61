# make run   — set up .venv, migrate the SQLite database in instance/, load demo data, serve :5000
#              with the background worker beside it (Ctrl-C stops both)
# make test  — lint and the whole test suite (SQLite, then PostgreSQL when reachable)

SHELL := /bin/bash
.DEFAULT_GOAL := help

# A Python 3.12 or newer: PYTHON=... wins; else the first suitable one found (pyenv included).
PYTHON ?= $(shell for c in python3.13 python3.12 python3 python; do \
	for v in "" 3.13.0 3.12.1; do \
	  p=$$(PYENV_VERSION=$$v command -v $$c 2>/dev/null) || continue; \
	  PYENV_VERSION=$$v $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null \
	    && { echo "env PYENV_VERSION=$$v $$p"; exit 0; }; \
	done; done)

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app fairapp
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/postgres

.PHONY: help run test test-sqlite test-postgres lint bench vendor translations extract-messages \
	check-translations clean

help:
	@echo "make run    serve the app with demo data on http://127.0.0.1:5000, and its worker"
	@echo "make test   lint and run the whole test suite"
	@echo "make bench  run the benchmarks and print figures"

$(STAMP): setup.cfg pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer not found; set PYTHON=/path/to/python3.12"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

translations: $(STAMP)
	$(BIN)/pybabel --quiet compile -d fairapp/translations -D messages

# Keywords beyond Babel's defaults (_, gettext, ngettext, pgettext, npgettext, N_, ...): the lazy forms.
BABEL_KEYWORDS := -k _l -k lazy_gettext -k lazy_ngettext:1,2 -k _n:1,2 -k lazy_pgettext:1c,2 \
	-k lazy_npgettext:1c,2,3
CATALOGUES := fairapp/translations

# Strings gone from the code stay in en as obsolete (#~) entries, so a string that comes back gets its
# translation again (translate_check.py --revive). No fuzzy matching: every new msgid is listed by
# `scripts/translate_check.py` and translated on purpose. vi keeps msgstr empty (the msgid is Vietnamese).
extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg $(BABEL_KEYWORDS) -o $(CATALOGUES)/messages.pot \
	  --sort-by-file --no-wrap --add-comments=TRANSLATORS: --project=fairapp .
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -l vi --no-wrap \
	  --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel update -i $(CATALOGUES)/messages.pot -d $(CATALOGUES) -l en --no-wrap \
	  --no-fuzzy-matching
	$(BIN)/python scripts/translate_check.py --revive

# Lists en entries still to translate (and placeholder mismatches); exit status 1 when there are any.
check-translations: $(STAMP)
	$(BIN)/python scripts/translate_check.py

vendor: $(STAMP)
	$(BIN)/python scripts/vendor.py

run: $(STAMP) translations
	FAIRAPP_ENV=development $(FLASK) db upgrade
	FAIRAPP_ENV=development $(FLASK) geo load
	FAIRAPP_ENV=development $(FLASK) seed-demo --if-empty
	@# The worker in the background, stopped whenever `flask run` ends (Ctrl-C reaches both).
	export FAIRAPP_ENV=development; \
	$(FLASK) worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check fairapp tests bench scripts
	$(BIN)/ruff format --check fairapp tests bench scripts

test: lint translations
	$(BIN)/python scripts/run_tests.py

bench: $(STAMP) translations
	ONLY=$(ONLY) $(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts
