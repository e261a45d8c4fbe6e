# The two promises: `make run` serves the API on :8080, `make test` runs the whole suite.
# Both need nothing preinstalled but Python; everything else goes into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)/shared:$(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
# sam build runs pip for the Lambda runtime's Python (3.12), which must be on PATH; pyenv has it here.
# (pyenv's own install first: its shim on PATH fails unless 3.12 is the selected version.)
PY312_DIR := $(shell for p in $$HOME/.pyenv/versions/3.12*/bin/python3.12 $$(command -v python3.12); do \
  [ -x "$$p" ] && "$$p" -c "" 2>/dev/null && dirname "$$p" && break; done)
SAM_ENV := PATH="$(PY312_DIR):$$PATH" AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline SAM_CLI_TELEMETRY=0

.PHONY: run test lint format migrate clean venv browser build lint-template invoke bench bench-load

venv: $(STAMP)

$(STAMP): requirements.txt shared/requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m infra.run

test: $(STAMP) browser build
	$(PY) -m pytest

# aws-sam-cli and cfn-lint live in their own venv: aws-sam-cli pins an older boto3.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

lint-template: $(SAM_VENV)/.installed
	$(SAM_VENV)/bin/cfn-lint template.yaml
	$(SAM_ENV) $(SAM) validate --lint

# sam build without Docker: each function's artifact, the layer with its dependencies, migrations inside
# the migration function. tests/deploy/test_build.py inspects the result.
build: $(SAM_VENV)/.installed
	$(SAM_ENV) $(SAM) build --cached --parallel

# Invoke one function in-process against the stack of `make run`, as Lambda would:
#   make invoke FN=health EVENT=events/health.json
invoke: $(STAMP)
	$(PY) -m infra.invoke $(FN) $(EVENT)

# Debian's Chromium for the softphone's end-to-end test (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium not installed and cannot install it here: the browser test will be skipped"; fi; }

lint: $(STAMP) lint-template
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
	rm -rf .local .pytest_cache .ruff_cache test-artifacts .aws-sam

# Benchmarks (not timed tests): figures beside their floors, written to benchmarks/results.json. The cold
# starts are measured in the venv and from the built artifacts (python3.12, as Lambda mounts them).
bench: $(STAMP) build
	$(PY) -m benchmarks.run

# 20 simulated users doing the walkthrough for 60 s against `make run` on ports 8085/5445 (LOAD_PORT,
# LOAD_POSTGRES_PORT; LOAD_URL for a stack already running): benchmarks/load-results.json.
bench-load: $(STAMP)
	$(PY) -m benchmarks.load
