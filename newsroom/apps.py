from django.apps import AppConfig, apps
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.core import checks
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from newsroom.api import throttle
        from newsroom.core import addresses, db, text
        from newsroom.models import Redirect
        from newsroom.pagecache import pages as cache
        from newsroom.stored import refresh as signals

        checks.register(throttle.check_rate)
        # The stored copies first, the page cache last (see INSTALLED_APPS).
        signals.connect()
        addresses.address_moved.connect(Redirect.objects.address_moved, dispatch_uid="newsroom.address_moved")
        cache.connect_signals()
        connection_created.connect(db.steady_int_parameters, dispatch_uid="newsroom.steady_int_parameters")
        # Every record of both apps, whoever saves it: the admin, a service,
        # a restored version (a raw save is stored as it was).
        for model in [*self.get_models(), *apps.get_app_config("alliances").get_models()]:
            pre_save.connect(
                text.strip_controls_before_save, sender=model, dispatch_uid=f"controls.{model._meta.label}"
            )
        # The story form's suggestions know the records by name: a record
        # saved or deleted in this process is suggested as it now is.
        from django.db.models.signals import post_delete, post_save

        from newsroom.editorial import suggestions

        for name in ("Country", "Person", "Organization", "Agreement", "AgreementParty"):
            model = apps.get_model("alliances", name)
            post_save.connect(suggestions.forget, sender=model, dispatch_uid=f"suggestions.saved.{name}")
            post_delete.connect(suggestions.forget, sender=model, dispatch_uid=f"suggestions.deleted.{name}")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the newsroom's site (newsroom.editorial.admin_site)
    as ``admin.site``. Not this package's default config (``default``):
    INSTALLED_APPS names it in place of "django.contrib.admin"."""

    default = False
    default_site = "newsroom.editorial.admin_site.NewsroomAdminSite"
