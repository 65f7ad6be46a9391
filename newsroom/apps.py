from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.backends.signals import connection_created

        from newsroom.core import addresses, db
        from newsroom.models import Redirect
        from newsroom.pagecache import pages as cache
        from newsroom.stored import refresh as signals

        # The stored copies first, the page cache last (see INSTALLED_APPS).
        signals.connect()
        addresses.address_moved.connect(Redirect.objects.address_moved, dispatch_uid="newsroom.address_moved")
        cache.connect_signals()
        connection_created.connect(db.steady_int_parameters, dispatch_uid="newsroom.steady_int_parameters")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the newsroom's site (newsroom.editorial.admin_site)
    as ``admin.site``. Not this package's default config (``default``):
    INSTALLED_APPS names it in place of "django.contrib.admin"."""

    default = False
    default_site = "newsroom.editorial.admin_site.NewsroomAdminSite"
