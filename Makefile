# T2A developer commands. `make run` and `make test` are the two the README promises.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/t2a
REDIS_URL ?= redis://127.0.0.1:6379/1
PYTEST_ARGS ?=

.PHONY: run test screenshots lint bench install python-check clean

python-check:
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 12) else f"T2A needs Python 3.12 or newer, but python3 is {v.major}.{v.minor}. Install 3.13 (the .python-version file selects it under pyenv) or run: make PYTHON=python3.13 ...")'

$(VENV)/.installed: pyproject.toml | python-check
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet . --group dev
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

static/dist/t2a.css: node_modules/.installed static/scss/t2a.scss
	mkdir -p static/dist
	npm run --silent build:css

install: $(VENV)/.installed static/dist/t2a.css
	mkdir -p var/celery/queue var/celery/processed var/celery/control var/private var/cache staticfiles

run: install
	$(BIN)/python manage.py database_create
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	@echo "T2A is starting on http://127.0.0.1:8000 (web, worker and beat). Stop with Ctrl+C."
	$(BIN)/honcho start -f Procfile

# Tests run in TEST_WORKERS processes (pytest-xdist), each with its own test database and
# Redis database: REDIS_URL's and the ones after it (tests/parallel.py). TEST_WORKERS=0 runs
# them in one process. Four on two cores: much of the suite waits on browsers, workers and
# PostgreSQL. The slowest tests go first, handed out one at a time (tests/parallel.py);
# tests that share an expensive module fixture carry one `xdist_group` and so one worker.
TEST_WORKERS ?= 4
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_ENV=test DATABASE_URL=$(DATABASE_URL) REDIS_URL=$(REDIS_URL) \
		$(BIN)/pytest -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

# `make test`, saving a full-page screenshot of every browser check in test-results/ to
# look at (a plain run saves only the page a failed browser test ended on).
screenshots: export T2A_SCREENSHOTS = 1
screenshots: test

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_ENV=production SECRET_KEY=lint-only-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=') \
		ALLOWED_HOSTS=t2a.example.org SITE_URL=https://t2a.example.org \
		$(BIN)/python manage.py check --deploy --fail-level WARNING

# The large demo organisation under load with production settings; writes bench/results.json.
# Its own database and Redis database; plain http on the loopback address, so no SSL redirect.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/t2a_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12
BENCH_SECONDS ?= 10
BENCH_CONCURRENCY ?= 16
BENCH_PORT ?= 8123
BENCH_WORKERS ?=
bench: install
	DJANGO_ENV=production SECRET_KEY=bench-only-bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb \
		ALLOWED_HOSTS=127.0.0.1,localhost SITE_URL=https://127.0.0.1 SECURE_SSL_REDIRECT=false \
		DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) LOG_LEVEL=WARNING \
		ROOT_URLCONF=bench.urls \
		$(BIN)/python manage.py bench --seconds $(BENCH_SECONDS) --concurrency $(BENCH_CONCURRENCY) \
		--port $(BENCH_PORT) $(if $(BENCH_WORKERS),--workers $(BENCH_WORKERS))

clean:
	rm -rf $(VENV) node_modules static/dist staticfiles var
