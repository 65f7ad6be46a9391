"""The application as the README's production setup serves it, with the
uploaded media that the setup's reverse proxy serves at /media/ (here
WhiteNoise stands in for the proxy: files as they are, no compression).
For tests/test_page_weight.py and bench/run.py, which start it under gunicorn."""

from django.conf import settings
from whitenoise import WhiteNoise

from newsroom.wsgi import application as site

application = WhiteNoise(site, root=settings.MEDIA_ROOT, prefix=settings.MEDIA_URL)
