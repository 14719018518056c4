import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventas_ingenio.settings")
application = get_wsgi_application()

# Everything loaded at start (Django, the URLconf and every view module it imports) lives as
# long as the process. ``gc.freeze`` moves it out of the cyclic collector's generations, so the
# collections that run during requests stop walking it again each time; with gunicorn's
# ``preload_app`` the workers inherit it frozen (and its pages stay shared with the master).
get_resolver().url_patterns  # noqa: B018 - import every view now, not on the first request
gc.freeze()
