# Quick start: `make run` (set up and start the app) and `make test` (set up and run every test).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8501

.PHONY: run test lint format validate bench setup setup-dev browser postgres clean messages translations

$(VENV)/.runtime: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	# The package itself, editable: `import compare` and `spine-compare` work from any folder.
	$(PY) -m pip install --quiet --no-deps --editable .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/.runtime
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

# Translations: `make messages` extracts every marked string and updates each language's .po;
# the compiled .mo files are built at set-up (and again whenever a .po changes).
LOCALE := compare/locale
CATALOGUES := $(wildcard $(LOCALE)/*/LC_MESSAGES/messages.po)

$(LOCALE)/%/LC_MESSAGES/messages.mo: $(LOCALE)/%/LC_MESSAGES/messages.po | $(VENV)/.runtime
	$(PY) -c 'import sys; from compare.i18n import main; sys.exit(main(["compile", "$*"]))'

translations: $(CATALOGUES:.po=.mo)  ## compile the translations (done by setup)

messages: setup  ## extract the strings to translate into messages.pot and update every language's .po
	$(VENV)/bin/pybabel extract -F babel.cfg --no-location --sort-output --project spine-compare --version 0.2.0 -o $(LOCALE)/messages.pot .
	$(VENV)/bin/pybabel update -D messages -i $(LOCALE)/messages.pot -d $(LOCALE) --no-fuzzy-matching --ignore-obsolete

setup: $(VENV)/.runtime translations
setup-dev: $(VENV)/.dev translations

run: setup  ## start the dashboard on the shipped data
	$(PY) -m streamlit run app.py --server.port $(PORT) --browser.gatherUsageStats false

# $(call debian_package,PACKAGE,WHAT FOR,FOUND): install PACKAGE from Debian's packages unless FOUND
# is set (as root; otherwise say what to install). Test tools that PyPI cannot provide here.
define debian_package
	@if [ -z "$(3)" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing $(1) from Debian's packages $(2)..."; \
	    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $(1); \
	  else \
	    echo "make test needs $(1) $(2). Install it (e.g. 'sudo apt-get install $(1)') and run it again." >&2; \
	    exit 1; \
	  fi; \
	fi
endef

CHROMIUM ?= $(shell command -v chromium || command -v chromium-browser)
POSTGRES_BIN ?= $(firstword $(wildcard /usr/lib/postgresql/*/bin/initdb))

browser:  ## Debian's Chromium for the real-browser tests (Playwright cannot download browsers here)
	$(call debian_package,chromium,for the real-browser tests,$(CHROMIUM))

postgres:  ## Debian's PostgreSQL server for the store tests (they start and stop their own cluster)
	$(call debian_package,postgresql,for the shortlist store tests,$(POSTGRES_BIN))

test: setup-dev browser postgres  ## every test, real-browser and PostgreSQL tests included (pytest exits non-zero when no test ran)
	$(PY) -m pytest

lint: setup-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: setup-dev
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format .

validate: setup  ## check the curated data; lists every problem as file:line: field: message
	$(PY) -m compare validate data

bench: setup-dev  ## benchmarks print ratios against references measured in the same run
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
