# Thrive for the People: `make run` to try the site, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.13 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: help run setup test test-fast lint format lock css bench drill worker clean

help: ## List the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' || { echo "Thrive needs Python 3.13 (see .python-version)"; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.txt
	@touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

static/css/thrive.css: node_modules/.package-lock.json $(wildcard static/scss/*.scss)
	npm run --silent build:css

css: static/css/thrive.css ## Build the stylesheet from Sass

setup: $(STAMP) static/css/thrive.css ## Install everything and prepare the database
	@mkdir -p var/mail
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --no-input
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py ensure_dev_admin

# SITE_URL follows PORT, so links in emails and the printed admin address name the port actually served.
run: setup ## Set up, then serve the site at http://127.0.0.1:8000 (PORT=8001 for another port)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

worker: $(STAMP) ## Start a Celery worker and beat (needs REDIS_URL)
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/celery -A thrive worker --beat --schedule var/celerybeat-schedule --loglevel=info

test: $(STAMP) static/css/thrive.css ## Run the whole test suite
	SECRET_KEY=$${SECRET_KEY:-insecure-test-only-key} $(BIN)/pytest $(PYTEST_ARGS)

lint: $(STAMP) ## Check style with ruff, and the architecture with import-linter
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(STAMP) ## Format the code with ruff
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: ## Re-pin the dependencies after editing requirements/*.in
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.13 requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --quiet --no-header --python-version 3.13 requirements/dev.in -o requirements/dev.txt

bench: $(STAMP) static/css/thrive.css ## Measure throughput and latency of the production setup
	$(BIN)/python -m bench $(BENCH_ARGS)

drill: $(STAMP) static/css/thrive.css ## Run the production stack and break it while clients book (DRILL_ARGS=--short)
	$(BIN)/python -m drill $(DRILL_ARGS)

clean: ## Remove the virtual environment, built files and local data
	rm -rf $(VENV) node_modules static/css staticfiles var
