# tipkg: `make run` builds the graph and shows what it holds; `make test` runs every check.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# what the pages use from the npm registry (package.json, package-lock.json): the maps' boundaries, the /sparql editor
NODE_STAMP := node_modules/.installed-stamp

.PHONY: run test build lint typecheck pytest system-deps screenshots clean

$(STAMP): pyproject.toml | $(NODE_STAMP)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

$(NODE_STAMP): package.json package-lock.json
	command -v npm >/dev/null 2>&1 || ./scripts/system-deps.sh
	npm ci --ignore-scripts --no-audit --no-fund
	touch $(NODE_STAMP)

system-deps:
	./scripts/system-deps.sh virtuoso

build: $(STAMP)
	$(BIN)/tipkg build

run: build
	$(BIN)/tipkg viz standard
	$(BIN)/tipkg serve

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

# -n auto: one worker per core (xdist); each worker builds the session fixtures it needs once;
# loadgroup: the tests marked xdist_group("…") run on one worker, in order
pytest: $(STAMP) system-deps
	$(BIN)/python -m pytest -q -n auto --dist loadgroup

test: lint typecheck pytest

# the pictures in README.md and docs/: the network views, then the site (from its browser tests)
screenshots: build system-deps
	$(BIN)/python scripts/screenshots.py build docs/img
	TIPKG_SCREENSHOTS=docs/img $(BIN)/python -m pytest -q tests/service/test_service_browser.py tests/service/test_service_maps_browser.py tests/service/test_service_browser_classes.py

clean:
	rm -rf build .builds .build.* .pytest_cache .mypy_cache .ruff_cache
