"""URL converters for the public routes."""

import functools
from urllib.parse import quote

from django.dispatch import receiver
from django.test.signals import setting_changed
from django.urls import get_script_prefix, register_converter, reverse
from django.utils import translation
from django.utils.http import RFC3986_SUBDELIMS


class UnicodeSlugConverter:
    """A slug that may hold accented letters ("díaz-canel"). Unlike ``str`` it
    refuses control characters, so an address such as /articles/%00/ is a
    plain 404 instead of a database error (PostgreSQL rejects NUL bytes)."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


# Imported by every urls module that uses it; Python imports a module once,
# so the converter is registered once.
register_converter(UnicodeSlugConverter, "uslug")


# Public pages link to hundreds of articles, topics and countries; Django's
# reverse() costs tens of microseconds each, a real share of a page. The
# address of a slug route is the same every time but for the slug, so it is
# reversed once per (route, script prefix, edition) with a marker in the
# slug's place, and the slug is quoted the way reverse() quotes it.
_MARKER = "slug-marker-0"


@functools.lru_cache(maxsize=128)
def _slug_route(name: str, prefix: str, language: str | None) -> tuple[str, str]:
    with translation.override(language):
        path = reverse(name, kwargs={"slug": _MARKER})
    head, _, tail = path.partition(_MARKER)
    return head, tail


def slug_path(name: str, slug: str, language: str | None = None) -> str:
    """``reverse(name, kwargs={"slug": slug})`` in the edition of ``language``
    (by default the active one), without the resolver's cost."""
    head, tail = _slug_route(name, get_script_prefix(), language or translation.get_language())
    return head + quote(slug, safe=RFC3986_SUBDELIMS + "/~:@") + tail


@receiver(setting_changed)
def _forget_routes(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _slug_route.cache_clear()
