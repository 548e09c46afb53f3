# Talentmatch: one entry point. `make run` and `make test` set up everything they need.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
HTMX_VERSION := 2.0.11
HTMX := static/vendor/htmx.min.js
PYTEST_ARGS ?=

.PHONY: run test lint quality format setup system-deps lock clean

setup: system-deps $(INSTALLED) $(HTMX) .env

system-deps:
	@scripts/install-system-deps.sh

$(INSTALLED): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# requirements.lock pins the whole tree; torch resolves to the local CPU build.
	$(BIN)/pip install -q -c requirements.lock -e ".[dev]"
	touch $@

# htmx comes from the npm registry at set-up; no third-party code is committed.
$(HTMX):
	mkdir -p static/vendor
	tmp=$$(mktemp -d) && (cd $$tmp && npm pack --silent htmx.org@$(HTMX_VERSION) >/dev/null && tar xzf htmx.org-$(HTMX_VERSION).tgz) \
	  && cp $$tmp/package/dist/htmx.min.js $@ && rm -rf $$tmp

# Local settings for `make run` and manage.py: debug on, a random secret key.
.env:
	printf 'DJANGO_DEBUG=1\nDJANGO_SECRET_KEY=%s\n' "$$(head -c 48 /dev/urandom | base64 | tr -d '/+=\n')" > $@

run: setup
	$(BIN)/python scripts/run_local.py

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

# Quality ratchets: parsing and matching accuracy on the dev sets may not fall more than 0.01
# below the figures recorded in resumes/quality.json and matching/quality.json.
EVAL ?= ../shared/eval
quality: setup
	$(BIN)/python manage.py evaluate_parsing --set $(EVAL)/parsing-dev --ratchet resumes/quality.json
	$(BIN)/python manage.py evaluate_parsing --set $(EVAL)/parsing-dev-photos --ratchet resumes/quality.json
	$(BIN)/python manage.py evaluate_matching --set $(EVAL)/matching-dev --check matching/quality.json
	$(BIN)/python manage.py evaluate_matching --set $(EVAL)/matching-dev --no-location --check matching/quality.json

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

lock: $(INSTALLED)
	$(BIN)/pip freeze --exclude-editable | grep -v '^talentmatch' > requirements.lock

clean:
	rm -rf $(VENV) var static/vendor .pytest_cache .ruff_cache
