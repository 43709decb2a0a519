# Two entry points: `make run` (the web app) and `make test` (lint + tests). Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup clean

$(STAMP): pyproject.toml requirements/lock.txt requirements/no-deps.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -r requirements/no-deps.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

WEB_ASSETS := web-assets/node_modules/.package-lock.json

# The live camera page's browser files (pinned in web-assets/package-lock.json); skipped without npm.
$(WEB_ASSETS): web-assets/package.json web-assets/package-lock.json
	@if command -v npm >/dev/null; then \
	  cd web-assets && npm ci --ignore-scripts --no-audit --no-fund; \
	else echo "npm is absent: the live camera page stays off (apt-get install npm, then make setup)"; fi

setup: $(STAMP) $(WEB_ASSETS)

run: $(STAMP) $(WEB_ASSETS)
	$(BIN)/hipcoach serve --host 127.0.0.1 --port 8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint $(WEB_ASSETS)
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis
