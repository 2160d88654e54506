# The README's two commands: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/clientela
DEMO ?= bank
SIZE ?= small
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test test-sqlite test-postgres test-spark install install-test lint messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'

## Create a virtualenv, install, load a demo business and serve it on 127.0.0.1:$(PORT).
demo: install
	$(BIN)/clientela demo --demo $(DEMO) --size $(SIZE) --port $(PORT)

## Install the test extras and run the whole suite on SQLite, then on PostgreSQL, then the
## analytics tests marked `spark` on PySpark local[2].
test: install-test lint test-sqlite test-postgres test-spark

lint:
	$(BIN)/ruff check src tests bench

test-sqlite:
	env -u CLIENTELA_DATABASE_URL $(BIN)/python -m pytest -n 2 -m "not spark" $(PYTEST_ARGS)

# PostgreSQL runs when a server answers on 127.0.0.1:5432; CI (CI=true) requires it.
test-postgres:
	@if $(BIN)/python -c "import psycopg; psycopg.connect('$(PG_TEST_URL:clientela=postgres)', connect_timeout=3).close()" 2>/dev/null; then \
		CLIENTELA_DATABASE_URL=$(PG_TEST_URL) $(BIN)/python -m pytest -n 2 -m "not spark" $(PYTEST_ARGS); \
	elif [ "$$CI" = "true" ]; then \
		echo "CI requires PostgreSQL on 127.0.0.1:5432" >&2; exit 1; \
	else \
		echo "PostgreSQL is not reachable on 127.0.0.1:5432: the PostgreSQL pass is skipped."; \
	fi

# The spark-marked tests, on one local[2] SparkSession (serial: one JVM). They need the spark
# extra (a large source build, installed here) and a JVM; on CI (CI=true) a missing pyspark
# fails the run instead of skipping.
test-spark: $(BIN)/python
	@if ! command -v java >/dev/null 2>&1 && [ "$$CI" != "true" ]; then \
		echo "No Java runtime on PATH: the PySpark tests are skipped (CI requires them)."; \
	else \
		$(BIN)/pip install --quiet -e '.[spark,test]' && \
		env -u CLIENTELA_DATABASE_URL $(BIN)/python -m pytest -m spark $(PYTEST_ARGS); \
	fi

## Refresh the translation catalogues from the code, then compile them (needs GNU gettext).
messages: install
	cd src/clientela && CLIENTELA_DATA_DIR=$(CURDIR)/clientela-data $(abspath $(BIN))/python \
		-m clientela.manage makemessages -l es -l ro -l pl --ignore "tests/*" --no-location --no-wrap
	cd src/clientela && CLIENTELA_DATA_DIR=$(CURDIR)/clientela-data $(abspath $(BIN))/python \
		-m clientela.manage compilemessages

clean:
	rm -rf $(VENV) clientela-data
