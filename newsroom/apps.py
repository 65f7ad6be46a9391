from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.backends.signals import connection_created

        from newsroom import cache, db, signals

        # The stored copies first, the page cache last (see INSTALLED_APPS).
        signals.connect()
        cache.connect_signals()
        connection_created.connect(db.steady_int_parameters, dispatch_uid="newsroom.steady_int_parameters")
