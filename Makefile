# The two promises: `make run` serves the API on :8080, `make test` runs the whole suite.
# Both need nothing preinstalled but Python; everything else goes into .venv.
# One Python everywhere: Lambda's runtime (template.yaml: python3.13) for the venv, the tests, CI and sam build.
# pyenv's own install first (its shim on PATH fails unless 3.13 is the selected version), then one on PATH;
# without any, python3 (the tests then run on another Python than Lambda's, and `make` says so).
LAMBDA_PYTHON := python3.13
PY313 := $(shell for p in $$HOME/.pyenv/versions/3.13*/bin/$(LAMBDA_PYTHON) /usr/local/bin/$(LAMBDA_PYTHON) \
  /usr/bin/$(LAMBDA_PYTHON) $$(command -v $(LAMBDA_PYTHON)); do [ -x "$$p" ] && "$$p" -c "" 2>/dev/null && echo "$$p" && break; done)
PYTHON ?= $(or $(PY313),python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PYTHONPATH := $(CURDIR)/shared:$(CURDIR)
export PYTHONDONTWRITEBYTECODE := 1

SAM_VENV := .venv-sam
SAM := $(SAM_VENV)/bin/sam
# sam build runs pip and compileall with Lambda's Python, which must be on PATH as python3.13.
SAM_ENV := PATH="$(dir $(PY313)):$$PATH" AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=offline AWS_SECRET_ACCESS_KEY=offline SAM_CLI_TELEMETRY=0

.PHONY: run test unit lint lint-migrations lock deploy typecheck format migrate clean venv browser build lint-template invoke bench bench-load bench-page page deploy-page firefox-harness

venv: $(STAMP)

$(STAMP): requirements.txt shared/requirements.txt
	@[ -n "$(PY313)" ] || echo "warning: no $(LAMBDA_PYTHON) found (pyenv install 3.13): .venv uses $$($(PYTHON) -V)"
	$(PYTHON) -m venv --clear $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

run: $(STAMP) page
	$(PY) -m infra.run

test: $(STAMP) browser build page firefox-harness
	$(PY) -m pytest

# The fast loop: unit and contract tests (fakes, and the contract suite's own embedded Postgres); no browser,
# no SAM, no npm (the page's own unit tests are `cd softphone && npm test`). Under a minute.
unit: $(STAMP)
	$(PY) -m pytest -m "unit or contract" -q -p no:cacheprovider --ignore=tests/unit/test_page_logic.py tests/unit tests/contract

# The softphone page: npm packages from the lockfile, bundled by esbuild into softphone/dist (what is served).
PAGE_SOURCES := $(shell find softphone/src softphone/public -type f 2>/dev/null) softphone/build.mjs softphone/sounds.mjs
softphone/node_modules/.package-lock.json: softphone/package-lock.json
	@command -v npm >/dev/null 2>&1 || { echo "npm (Node.js 20+) is needed to build the softphone page"; exit 1; }
	cd softphone && npm ci --no-audit --no-fund --loglevel=error

softphone/dist/.built: softphone/node_modules/.package-lock.json $(PAGE_SOURCES)
	cd softphone && node build.mjs

page: softphone/dist/.built

# puppeteer-core (pinned by its lockfile), which drives Firefox over WebDriver BiDi for the browser tests.
tests/e2e/firefox/node_modules/.package-lock.json: tests/e2e/firefox/package-lock.json
	cd tests/e2e/firefox && npm ci --no-audit --no-fund --loglevel=error

firefox-harness: tests/e2e/firefox/node_modules/.package-lock.json

# aws-sam-cli and cfn-lint live in their own venv: aws-sam-cli pins an older boto3.
$(SAM_VENV)/.installed: requirements-sam.txt
	$(PYTHON) -m venv --clear $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-sam.txt
	touch $@

# checkov (the IaC scanner) in a venv of its own, pinned: every finding fixed, or skipped in the template with
# its reason (`Metadata: checkov: skip:`); 0 failed.
CHECKOV_VENV := .venv-checkov
$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	$(PYTHON) -m venv --clear $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-checkov.txt
	touch $@

lint-template: $(SAM_VENV)/.installed $(CHECKOV_VENV)/.installed
	$(SAM_VENV)/bin/cfn-lint template.yaml
	$(SAM_ENV) $(SAM) validate --lint
	$(CHECKOV_VENV)/bin/checkov --file template.yaml --framework cloudformation --compact --quiet

# sam build without Docker: each function's artifact, the layer with its dependencies, migrations inside
# the migration function. tests/deploy/test_build.py inspects the result.
build: $(SAM_VENV)/.installed page
	$(SAM_ENV) $(SAM) build --cached --parallel

# The layer's lock: shared/requirements.txt resolved for Lambda (python3.13, arm64), every package pinned with
# its hashes, indirect ones included; sam build installs exactly this (infra/artifacts/Makefile). Left out:
# what no function imports (Chalice's command line and installers, Twilio's asyncio client): the layer must
# hold only what runs. Refresh after changing shared/requirements.txt: `make lock`, then commit both.
LAYER_UNUSED := click inquirer blessed readchar editor wcwidth jinxed runs xmod pip setuptools wheel packaging \
  pyyaml aiohttp aiohttp-retry aiosignal aiohappyeyeballs attrs frozenlist multidict propcache yarl
lock: $(STAMP)
	$(VENV)/bin/uv pip compile shared/requirements.txt --quiet --generate-hashes --python-version 3.13 \
	  --python-platform aarch64-manylinux_2_34 --annotation-style line --custom-compile-command "make lock" \
	  $(foreach p,$(LAYER_UNUSED),--no-emit-package $(p)) -o shared/requirements.lock

# One deploy command: `make deploy STAGE=dev|prod` (samconfig.toml holds each stage's stack and parameters).
# A stage's first deploy is `sam deploy --guided` (it asks for the VPC, the subnets... and saves them); later
# ones are plain `sam deploy`. Real AWS credentials come from your environment (AWS_PROFILE...).
STAGE ?= dev
deploy: build
	@if $(SAM_VENV)/bin/python -c "import boto3, sys; boto3.client('cloudformation', region_name=sys.argv[2]).describe_stacks(StackName=sys.argv[1])" \
	    calls-platform-$(STAGE) $${AWS_REGION:-us-east-1} >/dev/null 2>&1; then \
	  echo "deploying stage $(STAGE)"; SAM_CLI_TELEMETRY=0 $(SAM) deploy --config-env $(STAGE); \
	else \
	  echo "first deploy of stage $(STAGE): sam deploy --guided"; SAM_CLI_TELEMETRY=0 $(SAM) deploy --guided --config-env $(STAGE); \
	fi

# Upload softphone/dist to a deployed stack's page bucket and print the page's URL (needs the AWS CLI).
# config.json belongs to the stack (its PageConfig resource writes it): never overwritten or deleted here.
STACK_OUTPUT = aws cloudformation describe-stacks --stack-name $(STACK) --output text \
	--query "Stacks[0].Outputs[?OutputKey=='$(1)'].OutputValue"
deploy-page: page
	@test -n "$(STACK)" || { echo "usage: make deploy-page STACK=<stack name>"; exit 1; }
	aws s3 sync softphone/dist "s3://$$($(call STACK_OUTPUT,PageBucketName))" --delete \
		--exclude config.json --exclude .built --cache-control no-cache
	@$(call STACK_OUTPUT,PageUrl)

# Invoke one function in-process against the stack of `make run`, as Lambda would:
#   make invoke FN=health EVENT=events/health.json
invoke: $(STAMP)
	$(PY) -m infra.invoke $(FN) $(EVENT)

# The browsers of the softphone's end-to-end tests, from Debian (no browser download): Chromium (Playwright),
# firefox-esr (puppeteer-core over WebDriver BiDi), WebKitGTK's MiniBrowser and its WebDriver under Xvfb
# (Selenium), and PulseAudio, without which headless Firefox runs no WebAudio; an emoji font, for the country
# picker's flags in screenshots (people's systems have one). Only what is missing is installed.
BROWSER_PACKAGES := chromium:chromium firefox-esr:firefox-esr WebKitWebDriver:webkit2gtk-driver Xvfb:xvfb \
	pulseaudio:pulseaudio
browser:
	@missing=""; for pair in $(BROWSER_PACKAGES); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || missing="$$missing fonts-noto-color-emoji"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "not installed and cannot install them here:$$missing (their browser tests will be skipped)"; fi; \
	fi

# Code lint only: ruff, and mypy in strict mode; Biome (lint and format, pinned in softphone's lockfile) for the
# page's JavaScript (the template has its own: `make lint-template`, in the SAM venv); CI runs both.
lint: $(STAMP) softphone/node_modules/.package-lock.json
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	softphone/node_modules/.bin/biome check
	$(MAKE) --no-print-directory lint-migrations

# squawk (.squawk.toml) over every migration after 010 (001-010 are applied and never edited) and the
# documented examples: blocking index builds, table rewrites, ACCESS EXCLUSIVE locks...
NEW_MIGRATIONS = $(shell ls migrations/*.sql | awk -F/ 'substr($$2, 1, 3) + 0 > 10') $(wildcard docs/examples/*.sql)
lint-migrations: $(STAMP)
	$(VENV)/bin/squawk $(NEW_MIGRATIONS)

# mypy --strict over shared/, functions/, infra/ and the test fakes ([tool.mypy] in pyproject.toml): among
# other things, that every adapter the container wires and every fake the unit tests wire fits its port.
typecheck: $(STAMP)
	$(VENV)/bin/mypy

format: $(STAMP) softphone/node_modules/.package-lock.json
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .
	softphone/node_modules/.bin/biome check --write

# Apply new migrations to the database of `make run` without serving: POSTGRES_* when POSTGRES_HOST is set,
# else the embedded server in .local/ (started for the run when `make run` is not running).
migrate: $(STAMP)
	$(PY) -m infra.migrate

clean:
	-[ -x $(PY) ] && $(PY) -c "from infra.embedded_postgres import EmbeddedPostgres as E; from infra.settings import LOCAL_DIR as L; E(L/'pgdata',0,'','','').stop()" 2>/dev/null
	rm -rf .local .pytest_cache .ruff_cache test-artifacts .aws-sam softphone/dist

# Benchmarks (not timed tests): figures beside their floors, written to benchmarks/results.json. The cold
# starts are measured in the venv and from the built artifacts (python3.13, as Lambda mounts them).
bench: $(STAMP) build
	$(PY) -m benchmarks.run

# 20 simulated users doing the walkthrough for 60 s against `make run` on ports 8085/5445 (LOAD_PORT,
# LOAD_POSTGRES_PORT; LOAD_URL for a stack already running): benchmarks/load-results.json.
bench-load: $(STAMP)
	$(PY) -m benchmarks.load

# The softphone's first load in headless Chromium (goal: usable in under 1 s): benchmarks/page-results.json.
bench-page: $(STAMP) page
	$(PY) -m benchmarks.page
