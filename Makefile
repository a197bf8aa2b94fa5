# Quick start: `make run` serves the demo on http://127.0.0.1:8000; `make test` runs every test.
VENV := .venv
PYTHON := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install migrate demo worker beat lint format check-deploy benchmark docs docs-serve clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet --editable ".[dev]"
	touch $@

# A local settings file for the laptop default: DEBUG on, a random secret key.
.env:
	printf 'DEBUG=true\nSECRET_KEY=%s\n' "$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')" > $@

node_modules/axe-core/axe.min.js: package.json
	npm install --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.installed .env

migrate: install
	$(PYTHON) manage.py migrate --noinput

demo: migrate
	$(PYTHON) manage.py load_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (Ctrl+C stops)"
	$(PYTHON) manage.py runserver $(HOST):$(PORT)

# The tests run in TEST_PROCESSES processes (pytest-xdist), each on a test database and a
# Celery queue of its own; 2 was the fastest on a 2-core machine. TEST_PROCESSES=0 runs
# them in one process, as a debugger needs.
TEST_PROCESSES ?= 2
test: install node_modules/axe-core/axe.min.js
	$(VENV)/bin/pytest -n $(TEST_PROCESSES)

# As the image starts them (deploy/start.sh), with this checkout's installation.
worker: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" deploy/start.sh worker

# Exactly one beat per deployment: it resends work the broker refused, requeues exports
# whose worker died, and sends the comment digests and review reminders that are due.
beat: install
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" deploy/start.sh beat

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check-deploy: install
	DEBUG=false SECRET_KEY=$$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=plans.example.org SITE_URL=https://plans.example.org \
	$(PYTHON) manage.py check --deploy --fail-level WARNING

benchmark: install
	$(PYTHON) benchmarks/pdf_report.py

# The documentation site (docs/, mkdocs.yml) in site/: --strict fails on a broken link, and
# the check after it on any script, style, font or image the pages would load from elsewhere.
docs: install
	$(VENV)/bin/mkdocs build --strict --site-dir site
	@! grep -rEoh --include='*.html' '<(script|link|img|iframe)[^>]*>' site \
	  | grep -E '(src|href)="(https?:)?//' \
	  || { echo "docs: the pages above load something from another host" >&2; exit 1; }
	@! grep -rEn --include='*.css' 'url\(.?(https?:)?//' site \
	  || { echo "docs: the styles above load something from another host" >&2; exit 1; }

# Read the docs locally on http://127.0.0.1:8001/ (rebuilt as you edit them).
DOCS_PORT ?= 8001
docs-serve: install
	$(VENV)/bin/mkdocs serve --strict --dev-addr $(HOST):$(DOCS_PORT)

clean:
	rm -rf $(VENV) node_modules db.sqlite3* media staticfiles site
