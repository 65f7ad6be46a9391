"""WSGI entry point for gunicorn: ``gunicorn newsroom.wsgi``.

Django's application, with the page cache's hits answered in front of it
(newsroom.pagecache.pages.CachedPagesApplication)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")

django_application = get_wsgi_application()

# Imported once Django is set up: the page cache reads the models.
from newsroom.pagecache.pages import CachedPagesApplication  # noqa: E402

application = CachedPagesApplication(django_application)
