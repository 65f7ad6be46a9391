"""URL converters for the public routes."""

from django.urls import register_converter


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
