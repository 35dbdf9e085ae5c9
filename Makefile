# Hemgång: `make run` serves the app with demo data, `make test` runs lint and the whole suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint install migrate seed static stop-db messages clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(PY) manage.py migrate --database owner --noinput

seed: migrate
	DEBUG=$${DEBUG:-true} $(PY) manage.py seed_demo

# The hashed and compressed static files WhiteNoise serves (the manifest storage needs them with DEBUG off).
# Collected again only when a static file or the installed packages changed: compressing takes a while.
STATIC_MANIFEST := staticfiles/staticfiles.json
$(STATIC_MANIFEST): $(STAMP) $(shell find static -type f 2>/dev/null)
	$(PY) manage.py collectstatic --noinput --verbosity 0
	touch $(STATIC_MANIFEST)

static: $(STATIC_MANIFEST)

# The demo is served as staff will see it: DEBUG off, so the Swedish 403/404/500 pages show (WhiteNoise
# serves the static files `make static` collected, as in production; e-mail goes to the console).
# `DEBUG=true make run` for Django's debug pages.
# Without REDIS_URL tasks run in-process and there is no beat: the reminders are swept every
# minute by `run_reminders --every 60` beside the server, and stopped with it. With REDIS_URL, run a
# worker and beat yourself (`celery -A hemgang worker`, `celery -A hemgang beat`).
run: seed static
	@export DEBUG=$${DEBUG:-false} EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.console.EmailBackend} \
	  SITE_URL=$${SITE_URL:-http://127.0.0.1:$${PORT:-8000}}; \
	if [ -z "$${REDIS_URL}" ]; then \
	  $(PY) manage.py run_reminders --every $${REMINDER_SWEEP_SECONDS:-60} & sweeps=$$!; \
	  trap 'kill $$sweeps 2>/dev/null' EXIT; trap 'exit 130' INT; trap 'exit 143' TERM; \
	fi; \
	$(PY) manage.py runserver 127.0.0.1:$${PORT:-8000}

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

test: lint
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Recompile the Swedish translations after editing locale/sv/LC_MESSAGES/django.po (needs gettext).
messages: install
	$(PY) manage.py compilemessages --ignore .venv

stop-db: install
	$(PY) -c "from pathlib import Path; from hemgang.embedded_db import stop; stop(Path('.pgdata').resolve())"

clean: stop-db
	rm -rf .pgdata staticfiles
