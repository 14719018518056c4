#!/usr/bin/env bash
# `make run`: the web server plus, in the background, the sincronizar_clientes worker and
# (when SII_API_URL/AULA_API_URL are not configured) the sandbox SII + Aula server.
# Both background processes are stopped when runserver exits (Ctrl-C).
#   usage: bin/run.sh HOST PORT      env: PY (python), SANDBOX_PORT (default 8001)
set -uo pipefail
PY=${PY:-.venv/bin/python}
HOST=${1:-127.0.0.1}
PORT=${2:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8001}
pids=()

detener() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null; done
}
trap detener EXIT
trap 'exit 130' INT TERM

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
"$PY" manage.py runserver "$HOST:$PORT"
