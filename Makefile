# Prevention Evidence Hub — developer and operator entry points.
# `make run` and `make test` are the two promises of the README.

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test test-core lint format messages clean

install: $(STAMP) node_modules/.installed

$(STAMP): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

VENDOR := src/evidencehub/apps/reports/static/reports/vendor

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	@mkdir -p $(VENDOR)
	# Without their source maps, which are not shipped (collectstatic would
	# refuse the dangling references).
	for f in vega/build/vega.min.js vega-lite/build/vega-lite.min.js \
	         vega-embed/build/vega-embed.min.js; do \
	  sed '/^\/\/# sourceMappingURL=/d' node_modules/$$f > $(VENDOR)/$$(basename $$f); \
	done
	@touch node_modules/.installed

run: install
	$(BIN)/evidencehub run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/python -m pytest

test-core: install
	$(BIN)/python -m pytest tests/core

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy

format: install
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

messages: install
	cd src/evidencehub && ../../$(BIN)/evidencehub makemessages -l de --no-obsolete --add-location file
	cd src/evidencehub && ../../$(BIN)/evidencehub compilemessages

clean:
	rm -rf $(VENV) node_modules var/test-*
