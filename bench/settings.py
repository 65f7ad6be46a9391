"""The site's settings plus the benchmark's app, for ``manage.py bench_data``
(bench/run.py sets DJANGO_SETTINGS_MODULE=bench.settings for that step only;
the pages it measures run under newsroom.settings)."""

from newsroom.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
