#!/usr/bin/env bash
# `make run`: gunicorn (ventas_ingenio/gunicorn.conf.py: gthread workers, static files through
# WhiteNoise, a bounded number of PostgreSQL connections) plus, in the background, the
# sincronizar_clientes worker, the vencer_apartados loop and (when SII_API_URL/AULA_API_URL are not configured) the
# sandbox SII + Aula server. `make dev` (--dev): Django's runserver with autoreload instead.
# Ctrl-C (or SIGTERM) stops them all.
#   usage: bin/run.sh [--dev] HOST PORT      env: PY (python), SANDBOX_PORT (default 8001)
set -uo pipefail
DEV=false
if [[ "${1:-}" == "--dev" ]]; then DEV=true; shift; fi
PY=${PY:-.venv/bin/python}
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8001}
pids=()

detener() {
  trap - INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap detener EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

configuradas() {
  [[ -n "${SII_API_URL:-}" || -n "${AULA_API_URL:-}" ]] && return 0
  [[ -f .env ]] && grep -qE '^[[:space:]]*(SII|AULA)_API_URL=' .env
}

if configuradas; then
  echo "SII/Aula configurados: no se inicia el sandbox."
else
  mkdir -p var
  "$PY" manage.py sandbox_integraciones --port "$SANDBOX_PORT" --archivo var/sandbox.json &
  pids+=($!)
  export SII_API_URL="http://127.0.0.1:${SANDBOX_PORT}/sii/api/alumnos/"
  export AULA_API_URL="http://127.0.0.1:${SANDBOX_PORT}/aula/api/"
  "$PY" -c "from integraciones.sandbox import esperar_puerto; esperar_puerto('127.0.0.1', ${SANDBOX_PORT})" \
    || { echo "El sandbox no arrancó en el puerto ${SANDBOX_PORT} (¿ocupado? usa SANDBOX_PORT=...)"; exit 1; }
fi
"$PY" manage.py sincronizar_clientes &
pids+=($!)
# Apartados past their date go back on the shelf (ventas.apartados); every APARTADOS_CADA seconds.
"$PY" manage.py vencer_apartados --cada "${APARTADOS_CADA:-600}" &
pids+=($!)

if $DEV; then
  # runserver opens a thread per browser connection; without persistent connections an idle
  # browser holds no PostgreSQL connection (see ventas_ingenio/gunicorn.conf.py).
  CONN_MAX_AGE=${CONN_MAX_AGE:-0} "$PY" manage.py runserver "$HOST:$PORT" &
else
  "$PY" -m gunicorn -c ventas_ingenio/gunicorn.conf.py --bind "$HOST:$PORT" &
fi
servidor=$!
pids+=("$servidor")
# `wait` returns on the server's exit or on a trapped signal; either way EXIT stops the rest.
wait "$servidor"
