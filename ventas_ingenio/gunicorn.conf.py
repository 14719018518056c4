"""gunicorn settings of ``make run`` and of production.

    python -m gunicorn -c ventas_ingenio/gunicorn.conf.py            # 127.0.0.1:8000
    python -m gunicorn -c ventas_ingenio/gunicorn.conf.py -b 0.0.0.0:8000

**PostgreSQL connections are bounded by the process layout, not by the number of browsers.**
Django keeps one connection per database alias *per thread* (``CONN_MAX_AGE=60`` keeps it
between requests). ``runserver`` starts a thread per browser connection, so ~49 browsers
holding keep-alive connections took 2 × 49 of ``max_connections=100``. Here each worker is a
process with a fixed pool of ``threads`` (gthread); idle keep-alive connections wait in the
worker's selector without a thread, so at most::

    workers × threads × aliases   = WEB_CONCURRENCY × GUNICORN_THREADS × 2   (default 3 × 4 × 2 = 24)

connections come from gunicorn (a third alias, ``lectura``, is another server: the replica).
Next to it ``make run`` starts the ``sincronizar_clientes`` worker (one thread: ≤ 2
connections) and the sandbox (none). 24 + 2 = 26 of PostgreSQL's 100 (97 for non-superusers),
leaving room for ``manage.py`` commands, ``psql`` and a second application host. The
``on_starting`` hook below refuses to start when the product passes
``GUNICORN_CONEXIONES_MAXIMAS`` (default 60), so a typo in ``WEB_CONCURRENCY`` cannot
exhaust the server.

Why threads and not sync workers: registering a client in the POS calls SII/Aula after commit
for up to ``INTEGRACIONES_PRESUPUESTO_INMEDIATO`` (2 s). With sync workers three such requests
would stop every checkout for 2 s; with threads the other threads keep serving. Threads also
keep the worker's heartbeat going during a long CSV export, so ``timeout`` does not kill it.
"""

import os
import sys

wsgi_app = "ventas_ingenio.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# Browsers keep a connection open between clicks; it costs a socket, not a thread.
keepalive = 5
# A worker whose main loop is silent this long is killed (a stuck process, not a slow request:
# the request threads run beside the loop).
timeout = 30
# On SIGTERM (systemd, `make run` on Ctrl-C) requests in progress get this long to finish.
graceful_timeout = 20
# A 5,000-character filter must reach Django (its Spanish form error), not gunicorn's English
# "URI Too Long" page: its default stops request lines at 4,094 bytes; 8,190 is its maximum.
limit_request_line = 8190
# Recycle workers now and then (slow leaks); the jitter keeps them from restarting together.
max_requests = 5000
max_requests_jitter = 500
# No control socket: its default path is one per user ($HOME/.gunicorn/gunicorn.ctl), so two
# gunicorns on one machine (a checkout's `make run` and a benchmark) would fight over it.
control_socket_disable = True
accesslog = "-"
errorlog = "-"
# Remote address, request line, status, bytes, duration in milliseconds.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# Import the app once in the master: a syntax or settings error stops the start, and workers
# fork with Django already loaded.
preload_app = True

ALIAS_POR_HILO = 2  # "default" (business) and "auth" (users, sessions, admin)
CONEXIONES_MAXIMAS = int(os.environ.get("GUNICORN_CONEXIONES_MAXIMAS", "60"))


def conexiones_maximas(cfg) -> int:
    """The most PostgreSQL connections these settings can open."""
    return cfg.workers * cfg.threads * ALIAS_POR_HILO


def on_starting(server):
    from ventas_ingenio.pg_embebido import iniciar_si_hace_falta

    iniciar_si_hace_falta()
    conexiones = conexiones_maximas(server.cfg)
    if conexiones > CONEXIONES_MAXIMAS:
        server.log.error(
            "%s workers × %s hilos × %s bases = %s conexiones a PostgreSQL: más que "
            "GUNICORN_CONEXIONES_MAXIMAS=%s. Baja WEB_CONCURRENCY o GUNICORN_THREADS.",
            server.cfg.workers, server.cfg.threads, ALIAS_POR_HILO, conexiones, CONEXIONES_MAXIMAS,
        )
        sys.exit(1)
    server.log.info(
        "%s workers × %s hilos: hasta %s conexiones a PostgreSQL (límite %s)",
        server.cfg.workers, server.cfg.threads, conexiones, CONEXIONES_MAXIMAS,
    )


def pre_fork(server, worker):
    # preload_app imported Django in the master: a connection it opened (none today) would be
    # inherited by every worker and shared between them. Close it before forking.
    from django.db import connections

    connections.close_all()
