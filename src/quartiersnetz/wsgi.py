"""WSGI entry point (gunicorn quartiersnetz.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiersnetz.settings")
application = get_wsgi_application()
