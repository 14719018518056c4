# Ventas Ingenio — the two commands of the README, plus helpers.
#   make run   set up, migrate both databases, demo data, serve on http://127.0.0.1:8000/ (gunicorn)
#   make dev   the same with Django's runserver and autoreload, for development
#   make test  set up and run the whole suite on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# A second virtualenv with psycopg 3 in place of psycopg2, for the driver pass of `make test`.
VENV_PSYCOPG3 := .venv-psycopg3
PSYCOPG3 := psycopg[binary]==3.3.6
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
SANDBOX_PORT ?= 8001
export SANDBOX_PORT

.PHONY: run dev test setup migrate preparar serve lint pg-stop clean

$(VENV)/.instalado-run: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Se necesita Python 3.11 o más reciente")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.instalado-test: $(VENV)/.instalado-run requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# requirements-dev.txt reads requirements.txt from its own directory: both are copied into the
# virtualenv, psycopg2-binary taken out, and psycopg 3 added.
$(VENV_PSYCOPG3)/.instalado-test: requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Se necesita Python 3.11 o más reciente")'
	test -x $(VENV_PSYCOPG3)/bin/python || $(PYTHON) -m venv $(VENV_PSYCOPG3)
	sed '/^psycopg2-binary==/d' requirements.txt > $(VENV_PSYCOPG3)/requirements.txt
	cp requirements-dev.txt $(VENV_PSYCOPG3)/requirements-dev.txt
	$(VENV_PSYCOPG3)/bin/python -m pip install --quiet --disable-pip-version-check \
		-r $(VENV_PSYCOPG3)/requirements-dev.txt '$(PSYCOPG3)'
	@! $(VENV_PSYCOPG3)/bin/python -c 'import psycopg2' 2>/dev/null \
		|| (echo "psycopg2 quedó instalado en $(VENV_PSYCOPG3): la pasada no probaría psycopg 3" >&2; false)
	touch $@

.env:
	sed "s/^SECRET_KEY=.*/SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))')/" .env.example > .env
	@echo "Creado .env de desarrollo a partir de .env.example"

setup: $(VENV)/.instalado-run .env

migrate: setup
	$(PY) manage.py migrate --database=default --noinput
	$(PY) manage.py migrate --database=auth --noinput

preparar: migrate
	$(PY) manage.py preparar
	$(PY) manage.py collectstatic --noinput --verbosity 0

# Serves with gunicorn as in production (ventas_ingenio/gunicorn.conf.py: WEB_CONCURRENCY
# workers x GUNICORN_THREADS threads, static files through WhiteNoise). Also starts the
# sincronizar_clientes worker and, unless SII_API_URL/AULA_API_URL are set, the sandbox SII +
# Aula server on SANDBOX_PORT (default 8001); Ctrl-C stops the three.
# As in production (DEBUG off: Spanish error pages, hashed static files) over plain HTTP on this
# machine, with demo data; variables set in the environment win over these.
run: export DEBUG ?= false
run dev: export HTTPS ?= false
run dev: export DATOS_DEMO ?= true
run: preparar
	PY=$(PY) bin/run.sh $(HOST) $(PORT)

# Same, with runserver (autoreload) instead of gunicorn.
dev: export DEBUG ?= true
dev: preparar
	PY=$(PY) bin/run.sh --dev $(HOST) $(PORT)

# ruff with the bandit rules (S, SQL built from strings included) and no model change
# without its migration.
lint: $(VENV)/.instalado-test
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=ventas_ingenio.settings_test $(PY) manage.py makemigrations --check --dry-run
	@! git grep -nE '^(<<<<<<<|>>>>>>>) ' -- . ':!Makefile' || (echo "Quedaron marcas de conflicto de git" >&2; false)

# The checkout, returns, ledger and concurrency tests run a second time on psycopg 3 (Django
# uses it when `psycopg` is importable): it refuses two statements in one execute, which
# psycopg2 accepts, and names error codes differently. (The demo loader's COPY still uses
# psycopg2's copy_expert, so its tests stay in the first pass only.)
PRUEBAS_PSYCOPG3 := ventas/tests/test_services.py ventas/tests/test_concurrencia.py \
	ventas/tests/test_vendedores.py ventas/tests/test_comisiones.py \
	ventas/tests/test_devoluciones.py ventas/tests/test_devoluciones_concurrencia.py \
	ventas/tests/test_turnos_concurrencia.py inventario/tests/test_services.py \
	inventario/tests/test_concurrencia.py \
	ventas/tests/test_inscripciones.py ventas/tests/test_inscripciones_concurrencia.py \
	cursos/tests/test_services.py ventas/tests/test_parcialidades_cursos.py \
	integraciones/tests/test_inscripcion_liquidada.py \
	ventas/tests/test_monedero.py ventas/tests/test_monedero_concurrencia.py \
	ventas/tests/test_plazos_base.py \
	ventas/tests/test_apartados.py ventas/tests/test_apartados_concurrencia.py \
	ventas/tests/test_apartados_vistas.py \
	ventas/tests/test_abonos.py ventas/tests/test_abonos_vistas.py ventas/tests/test_abonos_concurrencia.py \
	ventas/tests/test_escaneo.py ventas_ingenio/tests/test_preparadas.py ventas_ingenio/tests/test_conexiones.py \
	ventas_ingenio/tests/test_sesiones.py ventas_ingenio/tests/test_auth_backends.py \
	demo/tests/test_catalogo_demo.py::test_verificar_inventario_sale_con_error_si_descuadra

test: $(VENV)/.instalado-test $(VENV_PSYCOPG3)/.instalado-test lint
	$(VENV)/bin/pytest
	$(VENV_PSYCOPG3)/bin/python -c 'import django.db.backends.postgresql.psycopg_any as p; assert p.is_psycopg3'
	$(VENV_PSYCOPG3)/bin/pytest -q $(PRUEBAS_PSYCOPG3)

pg-stop:
	@test -x $(PY) && $(PY) -m ventas_ingenio.pg_embebido detener || true

clean: pg-stop
	rm -rf $(VENV) $(VENV_PSYCOPG3) var staticfiles
