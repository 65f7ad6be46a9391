from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark's data generator (``manage.py bench_data``). Only
    bench/settings.py and the test settings install it: the site never
    loads it."""

    name = "bench"
    verbose_name = "Benchmark"
