"""Django's admin autodiscovery imports ``<app>.admin``: the newsroom's
registrations live with the rest of the editorial room."""

from newsroom.editorial import admin  # noqa: F401
