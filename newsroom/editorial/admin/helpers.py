"""What the admin screens of both apps share: list counts without a query
per row, accent-insensitive search, autocomplete limited to what the user may
see, and the test of which articles a user may know of."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.utils import lookup_spawns_duplicates
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import CharField, Count, Func, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _

from newsroom.core.text import fold
from newsroom.editorial import services
from newsroom.editorial.forms import (
    SafeAutocompleteSelect,
    SafeAutocompleteSelectMultiple,
)
from newsroom.models import (
    Article,
    public_q,
)

HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


def is_changelist(request, model_admin: admin.ModelAdmin) -> bool:
    """True when ``request`` is for this model's change list, the one page
    that shows counts and related names per row."""
    match = getattr(request, "resolver_match", None)
    opts = model_admin.opts
    return bool(match) and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist"


def count_of(model, field: str, *, distinct: str | None = None, only: Q | None = None) -> Coalesce:
    """How many ``model`` rows point at the outer row through ``field`` (or
    how many different ``distinct`` values they hold), as a correlated
    subquery; ``only`` narrows the rows counted. Unlike Count() over a join,
    it is computed only for the rows on the page, and two counts on one list
    do not multiply each other."""
    counted = Count(distinct, distinct=True) if distinct else Count("*")
    rows = model._default_manager.filter(**{field: OuterRef("pk")})
    if only is not None:
        rows = rows.filter(only)
    rows = rows.order_by().values(field).annotate(n=counted).values("n")
    return Coalesce(Subquery(rows), 0)


def known_articles(user, path: str, *, copied: bool = False) -> Q:
    """Rows whose article (reached through ``path``) ``user`` may know of
    (``ArticleQuerySet.known_to``): no condition for editors. Lists of
    corrections, topics, authors and countries count and show only these, so
    a writer learns nothing of a colleague's draft or an embargoed story.
    ``copied``: the rows are topic or country links, which carry a copy of
    their article's status and time (newsroom.stored.listings), read instead of
    joining the articles."""
    if services.can_publish(user):
        return Q()
    public = public_q("article_") if copied else public_q(f"{path}__")
    return public | Q(**{f"{path}__in": Article.objects.viewable_by(user).values("pk")})


class SafeAutocompleteMixin:
    """Autocomplete fields that survive a raw POST with a value that is not
    an id: a form error instead of a 500 (see newsroom.editorial.forms)."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelectMultiple(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _fold_or_none(value):
    return None if value is None else fold(value)


class Folded(Func):
    """A text column in lower case without accents ("Irán" -> "iran"), the
    same form ``newsroom.core.text.fold`` gives a typed term. PostgreSQL uses
    the unaccent extension (created by migration newsroom 0003); SQLite
    calls the Python fold, registered on the connection when first needed
    (a connection opened before any signal handler could be connected
    still gets it)."""

    function = "LOWER"
    output_field = CharField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="LOWER(UNACCENT(%(expressions)s))", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        connection.ensure_connection()
        connection.connection.create_function("newsroom_fold", 1, _fold_or_none, deterministic=True)
        return self.as_sql(compiler, connection, function="newsroom_fold", **extra_context)


class AccentInsensitiveSearchMixin:
    """Admin search, and so every autocomplete that picks from this model,
    that ignores case and accents: "iran" finds "Irán", "diaz" finds
    "Díaz-Canel". As in Django's own search, every word must appear in one
    of ``search_fields``; the fields are plain names (no ^, = or @)."""

    def get_search_results(self, request, queryset, search_term):
        fields = [field.lstrip("^=@") for field in self.get_search_fields(request)]
        words = []
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if folded := fold(bit).strip():
                words.append(folded)
        if not fields or not words:
            return queryset, False
        names = {f"folded_{i}": Folded(field) for i, field in enumerate(fields)}
        queryset = queryset.alias(**names)
        for word in words:
            matches = Q()
            for name in names:
                matches |= Q(**{f"{name}__contains": word})
            queryset = queryset.filter(matches)
        return queryset, any(lookup_spawns_duplicates(self.opts, field) for field in fields)


class ListCountsMixin:
    """Adds ``get_list_annotations(request)`` (by default the class's
    ``list_annotations``) to the change list's queryset only: the
    autocomplete and change pages of the same model skip the extra work."""

    list_annotations: dict = {}

    def get_list_annotations(self, request) -> dict:
        return self.list_annotations

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if is_changelist(request, self):
            qs = qs.annotate(**self.get_list_annotations(request))
        return qs


def error_text(exc: ValidationError | PermissionDenied) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc) or _("You are not allowed to do that.")
