"""WSGI entry point (gunicorn quartiersnetz.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "quartiersnetz.settings")
application = get_wsgi_application()

# Everything loaded so far lives as long as the process: take it out of the cyclic
# garbage collector's generations, so its full collections do not walk the whole
# framework during requests (and forked workers keep sharing those pages).
gc.freeze()
