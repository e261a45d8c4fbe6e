# The two promises: `make run` serves the API on :8080, `make test` runs the whole suite.
# Both need nothing preinstalled but Python; everything else goes into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)/shared:$(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format migrate clean venv browser

venv: $(STAMP)

$(STAMP): requirements.txt shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.run

test: $(STAMP) browser
	$(PY) -m pytest

# Debian's Chromium for the softphone's end-to-end test (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and cannot install it here: the browser test will be skipped"; fi; }

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Apply migrations to the database of `make run` (while it runs) without serving.
migrate: $(STAMP)
	$(PY) -m infra.migrate

clean:
	-[ -x $(PY) ] && $(PY) -c "from infra.embedded_postgres import EmbeddedPostgres as E; from infra.settings import LOCAL_DIR as L; E(L/'pgdata',0,'','','').stop()" 2>/dev/null
	rm -rf .local .pytest_cache .ruff_cache test-artifacts
