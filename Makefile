# Two commands a new machine needs: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(VENV)/bin/pip
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test venv dev-venv migrate demo worker messages lint bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -q -r requirements-dev.txt
	touch $@

venv: $(VENV)/.runtime
dev-venv: $(VENV)/.dev

migrate: venv
	$(PY) manage.py migrate --noinput

# The demo is loaded once; seed_demo is idempotent anyway, the marker only saves time.
var/.demo-loaded: | migrate
	$(PY) manage.py seed_demo --no-logins
	touch $@

demo: migrate var/.demo-loaded

# Serves the demo and runs a Celery worker with an embedded beat beside it. With no REDIS_URL
# the worker talks to the web process through kombu's file-system broker under var/celery/.
run: demo
	@$(PY) manage.py demo_logins
	@echo "Starting a Celery worker with beat (log: var/celery.log) and the web server on http://$(HOST):$(PORT)/"
	@$(VENV)/bin/celery -A governance worker -B --loglevel=INFO --concurrency=1 > var/celery.log 2>&1 & \
	  worker=$$!; trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	  $(PY) manage.py runserver $(HOST):$(PORT)

worker: venv
	$(VENV)/bin/celery -A governance worker -B --loglevel=INFO

test: dev-venv
	$(PY) -m pytest

# Re-extracts the strings into locale/zh_Hans/LC_MESSAGES/django.po (keep the ignore list in step
# with tests/test_translations.py), then compiles the .mo that is committed beside it. Entries whose
# string left the code stay as obsolete (#~) ones, so a string that comes back gets its translation.
messages: dev-venv
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=var --ignore=bench --ignore=static/vendor --ignore=tests
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

lint: dev-venv
	$(VENV)/bin/ruff check .

bench: dev-venv
	$(PY) -m bench.run --incidents 10000

clean:
	rm -rf var/celery var/staticfiles
