# Two commands do everything on a fresh machine with Python 3.11:
#   make run   — virtualenv, install, translations, migrate, demo data, serve on http://127.0.0.1:8000
#                (another port: make run PORT=8001)
#   make test  — the whole suite (SQLite unless DATABASE_URL is set)
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PORT ?= 8000

.PHONY: run test install messages compile-messages check bench

$(STAMP): requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP) compile-messages

# Compiled catalogues are build output: made from the committed .po files at install.
compile-messages: $(STAMP)
	$(PY) -m civicdesk.compile_messages

run: install
	$(PY) manage.py migrate --no-input
	$(PY) manage.py seed_demo
	# Links in messages point at the port being served unless CIVICDESK_SITE_URL says otherwise.
	CIVICDESK_SITE_URL=$${CIVICDESK_SITE_URL:-http://127.0.0.1:$(PORT)} $(PY) manage.py runserver 127.0.0.1:$(PORT)

# The suite runs on one worker per core (pytest-xdist; JOBS=1 for a single process), each file
# on one worker, the files marked `long` first (tests/conftest.py: _long_files_first).
JOBS ?= auto
test: install
	$(PY) -m pytest -n $(JOBS) --dist loadfile --no-loadscope-reorder

# Refresh the .po catalogues after changing user-facing strings: one catalogue per
# domain app (its code and its templates/), one at the root for core and the layout.
APPS := petitions reception adminreform reports api
messages: $(STAMP)
	$(PY) manage.py makemessages -l vi -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench $(foreach a,$(APPS),--ignore=$(a))
	# -P: inside an app, its selectors.py must not shadow the standard library's module.
	for a in $(APPS); do (cd $$a && PYTHONPATH=.. DJANGO_SETTINGS_MODULE=civicdesk.settings.test ../$(PY) -P -m django makemessages -l vi -l en --no-obsolete); done

check: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports
	$(PY) manage.py makemigrations --check --dry-run

# make bench [FULL=1] [NO_PEER=1]: the figures of docs/performance.md on PostgreSQL and gunicorn,
# beside the peer (django-helpdesk, installed by bench.run into its own virtualenv under
# $${XDG_CACHE_HOME:-~/.cache}/civicdesk-bench/, outside the repository).
bench: install
	$(PY) -m bench.run $(if $(FULL),--full,) $(if $(NO_PEER),--no-peer,)
