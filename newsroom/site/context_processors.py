from django.conf import settings
from django.utils import translation


def site(request):
    """The outlet's name and public address, for templates' head tags, and
    the language of the site's own words (menus, labels): the edition's.
    Article pages set <html lang> to the article's language and mark the
    site's words with ``ui_lang``."""
    return {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, "ui_lang": translation.get_language()}
