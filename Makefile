# The two set-up commands: `make run` (embedded SQLite demo) and `make test`
# (the whole suite on a throwaway PostgreSQL). Both install what is missing.

SHELL := /bin/bash
UV ?= $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.cache/uv/bin/uv)
PYTHON_VERSION := 3.11
export UV_PYTHON := $(PYTHON_VERSION)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run test venv reader lint format messages clean

# uv itself comes from PyPI into a project-local folder when the machine lacks it.
$(UV):
	python3 -m pip install --quiet --disable-pip-version-check --target $(CURDIR)/.cache/uv "uv==0.13.8"

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen
	touch $@

venv: .venv/.synced

# The members' reader app (reader/frontend): npm packages from the lock file,
# then esbuild writes reader/static/reader/ (see docs/reader-app.md).
READER_SOURCES := $(shell find reader/frontend/src reader/frontend/icons -type f 2>/dev/null) \
	reader/frontend/build.mjs reader/frontend/package-lock.json
reader/frontend/node_modules/.package-lock.json: reader/frontend/package-lock.json
	cd reader/frontend && npm ci --no-audit --no-fund

reader/static/reader/build.json: reader/frontend/node_modules/.package-lock.json $(READER_SOURCES)
	cd reader/frontend && npm run build

reader: reader/static/reader/build.json

run: venv reader
	bash scripts/speech-tools.sh
	$(UV) run python manage.py migrate --noinput
	$(UV) run python manage.py seed_demo --size small
	$(UV) run python manage.py seed_demo_content
	$(UV) run python manage.py seed_demo_workflows
	$(UV) run python manage.py seed_demo_branch_life
	$(UV) run python manage.py make_audio --missing
	@echo "E-mail is not sent: each message is written as a file under .run/mail/"
	$(UV) run python manage.py runserver 127.0.0.1:8000

# Lint, the migrations check and the deploy check with the production settings
# first (seconds), then the suite on real services, then the stack test.
# The reader app's budgets (first load, a throttled network, Lighthouse) run
# alone after it, as timings on a loaded machine would not be the app's.
# The stack test (tests/stack/: nginx, two gunicorns, workers, schedulers, Redis,
# OpenSearch, under faults) runs after it, alone, on the same services; its
# figures are printed from .run/stack-report.md. Both run; either failing fails.
test: venv reader lint
	$(UV) run python manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cms.settings.production SECRET_KEY=deploy-check-$$RANDOM$$RANDOM-0123456789abcdefghijklmnopqrstuvwxyz-0123456789 \
		ALLOWED_HOSTS=stdv.example.vn $(UV) run python manage.py check --deploy --fail-level WARNING
	$(UV) run bash scripts/test-services.sh bash -c '\
		status=0; \
		$(UV) run pytest -n 2 --ignore=tests/stack --ignore=tests/reader/test_budgets.py $(PYTEST_ARGS) || status=$$?; \
		$(UV) run pytest -p no:xdist tests/reader/test_budgets.py || status=$$?; \
		$(UV) run pytest -p no:xdist tests/stack || status=$$?; \
		cat .run/stack-report.md 2>/dev/null; \
		exit $$status'

lint: venv
	$(UV) run ruff check .
	$(UV) run ruff format --check .

format: venv
	$(UV) run ruff check --fix .
	$(UV) run ruff format .

# Refresh the catalogues after changing user-facing strings (needs GNU gettext);
# the compiled .mo files are committed so that a fresh machine needs no gettext.
messages: venv
	$(UV) run python manage.py makemessages -l vi -l en --ignore=.venv --ignore=.cache --ignore=tests
	$(UV) run python manage.py compilemessages --ignore=.venv --ignore=.cache

clean:
	rm -rf .venv .run db.sqlite3 .test-media reader/static/reader reader/frontend/node_modules
