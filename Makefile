# The two commands of the README. Everything they need is installed here.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export DO_NOT_TRACK := 1
export DBT_SEND_ANONYMOUS_USAGE_STATS := False
export GRADIO_ANALYTICS_ENABLED := False

.PHONY: run test test-fast lint install install-spark java browser axe clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(BIN)/.installed

# The optional Spark build (the `spark` extra): the test suite needs it, `make run` does not.
$(BIN)/.installed-spark: $(BIN)/.installed
	$(BIN)/pip install --quiet -e '.[test,spark]'
	touch $@

install-spark: $(BIN)/.installed-spark

## make run: generate the embedded default data, build features, train, serve the dashboard
run: install
	$(BIN)/scoring run

## make test: lint, then the whole test suite (installs Chromium for the browser tests if missing)
test: install install-spark java browser axe lint
	$(BIN)/python -m pytest --durations=15

## make test-fast: the unit tests only (no warehouse, no dbt, no server): under a minute
test-fast: install
	$(BIN)/python -m pytest tests/unit -q

## make lint: Python style (ruff), the layers (import-linter), the dbt SQL (sqlfluff, .sqlfluff)
lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/sqlfluff lint --processes 2 dbt_project

# Java 17 for Spark's tests (Debian's openjdk-17-jre-headless where `java` is missing).
java:
	@command -v java >/dev/null 2>&1 || bash scripts/install_java.sh

browser:
	@command -v chromium >/dev/null 2>&1 || bash scripts/install_chromium.sh

# axe-core for the browser tests' accessibility checks (tests/node is git-ignored; the tests install it too).
axe:
	@test -f tests/node/node_modules/axe-core/axe.min.js || npm install --prefix tests/node axe-core@4 --no-audit --no-fund

clean:
	rm -rf warehouse/*.duckdb warehouse/build warehouse/models warehouse/data warehouse/spark target logs
