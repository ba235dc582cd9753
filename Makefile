# caseinspect — everything installs into .venv from scratch.
#   make demo   build the demo database from the embedded synthetic rounds, run the full
#               analysis, write the outputs and say where they are
#   make test   the whole test suite (SQLite, then the database tests on PostgreSQL)
#   make bench  benchmarks (speed and memory targets)
#   make check  lint, format and type checks (ruff, mypy), as CI and pre-commit run them
#   make lock   refresh the dependency lock on purpose (then run the suite, commit both)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DEMO_DIR ?= demo-output
PG_URL ?= postgres://postgres@127.0.0.1:5432/test

.PHONY: install demo test test-sqlite test-postgres bench bench-web serve clean check lock

# Installs come from the committed lock (requirements.txt and requirements-build.txt, exact versions with hashes),
# never from the open ranges in pyproject.toml: `make lock` refreshes it on purpose.
$(STAMP): pyproject.toml requirements.txt requirements-build.txt package.json package-lock.json
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes -r requirements-build.txt
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $(STAMP)

install: $(STAMP)

check: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# uv.lock is the same resolution in uv's own format, for those who work with `uv sync`;
# tests/test_lock.py checks that the two agree.
# The lock: every dependency of caseinspect[all] plus the test and development tools, at
# exact versions with hashes, for every platform and Python caseinspect supports (uv's
# universal resolution). uv is itself pinned in the lock; a first lock needs `pip install uv`.
UV := $(shell test -x $(VENV)/bin/uv && echo $(VENV)/bin/uv || echo uv)
lock:
	$(UV) pip compile pyproject.toml --extra all --extra test --extra dev --universal \
	  --python-version 3.11 --generate-hashes --upgrade -q -o requirements.txt
	$(UV) pip compile requirements-build.in --universal --python-version 3.11 \
	  --generate-hashes --upgrade -q -o requirements-build.txt
	$(UV) lock --upgrade -q
	@echo "lock refreshed: run make test, then commit requirements*.txt and uv.lock with pyproject.toml"

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
