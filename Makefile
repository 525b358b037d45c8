# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := casework.settings

.PHONY: run test venv migrate demo serve worker bench browser-deps clean messages check

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/python manage.py createdb_if_missing
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py compilemessages --ignore=.venv -v0 || true

demo: migrate
	$(BIN)/python manage.py seed_demo

# The whole system: web (gunicorn) and a Celery worker with beat, on SQLite and the filesystem broker unless
# DATABASE_URL / REDIS_URL are set.
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	mkdir -p var/broker/out var/broker/processed
	PORT=$(PORT) $(BIN)/honcho -f Procfile start

serve: migrate
	$(BIN)/gunicorn casework.wsgi --bind 127.0.0.1:$(PORT) --workers 3

worker: migrate
	mkdir -p var/broker/out var/broker/processed
	$(BIN)/celery -A casework worker -B --loglevel=INFO

browser-deps:
	@bash .ci/browser-deps

test: venv
	@bash .ci/test

bench: migrate
	$(BIN)/python bench/run_all.py

messages: venv
	$(BIN)/python manage.py makemessages -l zh_Hans -l bo --no-obsolete --ignore=.venv --ignore=tests --ignore=bench --ignore=var --ignore=staticfiles --ignore=notifications --ignore=blacklist
	cd notifications && ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l bo --no-obsolete
	cd blacklist && ../$(BIN)/python ../manage.py makemessages -l zh_Hans -l bo --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv

check: venv
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf var staticfiles test-artifacts
