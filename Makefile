# caseinspect — everything installs into .venv from scratch.
#   make demo   build the demo database from the embedded synthetic rounds, run the full
#               analysis, write the outputs and say where they are
#   make test   the whole test suite (SQLite, then the database tests on PostgreSQL)
#   make bench  benchmarks (speed and memory targets)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-output
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-sqlite test-postgres bench bench-web serve clean

$(STAMP): pyproject.toml package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(PY) -m caseinspect.demo --out $(DEMO_DIR)

test: test-sqlite test-postgres

test-sqlite: $(STAMP)
	env -u CASEINSPECT_TEST_DATABASE_URL $(PY) -m pytest -q

# The database tests again on PostgreSQL (skipped with a message when no server answers).
test-postgres: $(STAMP)
	@url="$${CASEINSPECT_TEST_DATABASE_URL:-$(PG_URL)}"; \
	if $(PY) -c "import psycopg,sys; psycopg.connect(sys.argv[1], connect_timeout=3).close()" "$$url" 2>/dev/null; then \
	  echo "== database tests on PostgreSQL =="; \
	  CASEINSPECT_TEST_DATABASE_URL="$$url" $(PY) -m pytest -q -m "not browser" tests/web; \
	else echo "PostgreSQL not reachable at $$url: PostgreSQL pass skipped"; fi

bench: $(STAMP)
	$(PY) benchmarks/run.py

bench-web: $(STAMP)
	$(PY) benchmarks/bench_web.py

serve: $(STAMP)
	$(VENV)/bin/caseinspect serve --db sqlite:///$(CURDIR)/$(DEMO_DIR)/demo.sqlite3

clean:
	rm -rf $(VENV) $(DEMO_DIR) .pytest_cache node_modules
