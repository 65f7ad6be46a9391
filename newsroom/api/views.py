"""The API's views: anonymous, read-only, JSON only (settings.REST_FRAMEWORK)."""

from __future__ import annotations

import base64
import csv
import functools

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from alliances.models import Agreement, Organization, Person
from newsroom.api import articles, ninjs, records, schemas, throttle
from newsroom.core.text import SLUG_FORM
from newsroom.models import Article
from newsroom.site.views import page_meta

NOT_A_CURSOR = "Not a cursor this API gave: follow the next and previous links."


def _cursor_time(position: str) -> bool:
    """Whether a cursor's position is a time a story may have."""
    try:
        moment = parse_datetime(position)
    except ValueError:
        return False
    return moment is not None and articles.moment_in_range(moment)


class StrictCursor(CursorPagination):
    """DRF's cursor pagination, refusing with a 400 what this API did not
    give; ``limit`` up to 100."""

    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def position_ok(self, position: str) -> bool:
        raise NotImplementedError

    def decode_cursor(self, request):
        """DRF's cursor, refused with a 400 when it is not one this API
        gave: not strictly base64 (DRF's own decoding skips what is not, so
        "%%%" read as the start), unreadable, or holding a position that the
        ordering's column cannot hold (a forged one would otherwise reach the
        database as a bad value)."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None:
            try:
                readable = bool(base64.b64decode(encoded.encode("ascii"), validate=True))
            except ValueError:
                readable = False
            if not readable:
                raise ValidationError({"cursor": NOT_A_CURSOR})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as unknown:
            raise ValidationError({"cursor": NOT_A_CURSOR}) from unknown
        if cursor is not None and cursor.position is not None and not self.position_ok(cursor.position):
            raise ValidationError({"cursor": NOT_A_CURSOR})
        return cursor

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (
            len(value) <= 3 and value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size
        ):
            raise ValidationError({"limit": f"A whole number from 1 to {self.max_page_size}."})
        return super().get_page_size(request)

    def get_paginated_response_schema(self, schema):
        # OpenAPI 3.1 is JSON Schema: "nullable" (DRF's, from 3.0) means nothing there.
        link = {"type": ["string", "null"], "format": "uri"}
        return {
            "type": "object",
            "required": ["next", "previous", "results"],
            "properties": {"next": link, "previous": link, "results": schema},
        }


class NewestFirst(StrictCursor):
    """Newest first, the id breaking ties, so a page never repeats or skips
    an article when others are published meanwhile."""

    ordering = ("-published_at", "-id")

    def position_ok(self, position: str) -> bool:
        return _cursor_time(position)


class ById(StrictCursor):
    """Records in the order they were made: an id never changes, where a
    name or an address may, so a walk through the list is stable."""

    ordering = ("id",)

    def position_ok(self, position: str) -> bool:
        return position.isascii() and position.isdigit() and len(position) <= 18


class EnglishView(APIView):
    """The API speaks English whatever the address's edition would be:
    its own messages and DRF's (errors included), and its Content-Language.
    It only reads (GET and HEAD).

    Every answer but the streamed CSV carries an ETag
    (ConditionalGetMiddleware: a hash of the body), and a matching
    If-None-Match is answered 304; articles and agreements also carry a
    Last-Modified once it is safe to (records.last_modified). Caches must ask
    again each time (``no-cache``): an article that stops being public must
    stop being served at once, and the API is not in the page cache."""

    http_method_names = ["get", "head", "options"]

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = "en"
        response["Cache-Control"] = "no-cache"
        allow_any_origin(response)
        return response

    @extend_schema(exclude=True)
    def options(self, request, *args, **kwargs):
        """A browser's CORS preflight (a page elsewhere sending
        If-None-Match, say): any origin may read, with no credentials."""
        response = HttpResponse(status=204)
        response["Allow"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Methods"] = "GET, HEAD"
        response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"
        return response


def allow_any_origin(response):
    """CORS for reading: the API is public, so any page may read it (no
    cookie is ever honoured, so none is asked for), and see the headers a
    careful client uses. Set here rather than by a middleware on every
    request of the site."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
    return response


_LINK = {"slug": serializers.CharField()}
AUTHORS = inline_serializer("Author", {"name": serializers.CharField(), **_LINK}, many=True)
TOPICS = inline_serializer(
    "Topic", {**_LINK, "name_es": serializers.CharField(), "name_en": serializers.CharField()}, many=True
)
COUNTRIES = inline_serializer(
    "Country",
    {
        **_LINK,
        "iso2": serializers.CharField(),
        "iso3": serializers.CharField(),
        "name_en": serializers.CharField(),
        "name_es": serializers.CharField(),
        "wikidata_id": serializers.CharField(allow_null=True),
    },
    many=True,
)
AGREEMENT_LINKS = inline_serializer(
    "AgreementLink",
    {
        **_LINK,
        "title": serializers.CharField(),
        "title_en": serializers.CharField(allow_null=True),
        "kind": serializers.CharField(),
        "status": serializers.CharField(),
        "relation": serializers.CharField(),
    },
    many=True,
)
SUMMARY_FIELDS = {
    "id": serializers.IntegerField(),
    "url": serializers.URLField(),
    "language": serializers.ChoiceField(choices=Article.Language.values),
    "headline": serializers.CharField(),
    "dek": serializers.CharField(allow_blank=True),
    "published_at": serializers.DateTimeField(),
    "modified_at": serializers.DateTimeField(),
    "authors": AUTHORS,
    "topics": TOPICS,
    "countries": COUNTRIES,
    "agreements": AGREEMENT_LINKS,
}
ARTICLE_SUMMARY = inline_serializer("ArticleSummary", SUMMARY_FIELDS, many=True)
ARTICLE = inline_serializer(
    "Article",
    {
        **SUMMARY_FIELDS,
        "body_html": serializers.CharField(),
        "image": inline_serializer(
            "Image",
            {
                "url": serializers.URLField(),
                "alt": serializers.CharField(allow_blank=True),
                "caption": serializers.CharField(allow_blank=True),
                "credit": serializers.CharField(allow_blank=True),
            },
            allow_null=True,
        ),
        "sources": inline_serializer(
            "Source", {"outlet": serializers.CharField(), "url": serializers.URLField(allow_null=True)}, many=True
        ),
        "corrections": inline_serializer(
            "Correction", {"text": serializers.CharField(), "created_at": serializers.DateTimeField()}, many=True
        ),
    },
)
BAD_PARAMETER = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1, "maxProperties": 1},
    description="A parameter's value is refused: the answer's one key names it, its value says why.",
)
NOT_FOUND = OpenApiResponse(
    inline_serializer("NotFound", {"detail": serializers.CharField()}),
    description="No public article has this id.",
)


# What an address word may look like (newsroom.core.text.SLUG_FORM): a
# value of another form is refused with a 400, so the document says so.
ADDRESS_WORD = {"type": "string", "pattern": SLUG_FORM, "maxLength": 200}
LIMIT = {"type": "integer", "minimum": 1, "maximum": StrictCursor.max_page_size}


NINJS = OpenApiResponse(
    {
        "type": "object",
        "required": ["uri", "standard", "type", "headlines", "bodies"],
        "description": "An IPTC ninjs 2.0 news item: see http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json",
    },
    description="The article as an IPTC ninjs 2.0 news item.",
)


class ArticleNinjs(EnglishView):
    @extend_schema(
        operation_id="articles_ninjs",
        summary="One public article as IPTC ninjs 2.0",
        description="The article in the IPTC's News in JSON form, for agencies' and partners' systems.",
        responses={200: NINJS, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        article = Article.objects.published().only(*articles.NINJS_FIELDS).filter(pk=pk).first()
        if article is None:
            raise Http404
        return modified(Response(ninjs.item(article)), records.last_modified(article))


def _parameters(filters: dict, *, enums: dict | None = None, paged: bool = True) -> list[OpenApiParameter]:
    """The query parameters of a list: its filters, then the page's."""
    enums = enums or {}
    parameters = []
    for name, text in filters.items():
        if name in enums:
            parameters.append(OpenApiParameter(name, OpenApiTypes.STR, enum=enums[name], description=text))
        elif name.startswith("published_"):
            parameters.append(OpenApiParameter(name, OpenApiTypes.STR, description=text))
        else:
            parameters.append(OpenApiParameter(name, ADDRESS_WORD, description=text))
    if paged:
        parameters += [
            OpenApiParameter("limit", LIMIT, description="records a page, 1 to 100 (20 unless given)"),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="where a page starts (a next or previous link's)"),
        ]
    return parameters


class ArticleList(EnglishView):
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="articles_list",
        summary="Public articles, newest first",
        description="Articles of both editions that readers can see now, 20 a page; follow `next`.",
        parameters=_parameters(articles.FILTERS, enums={"language": Article.Language.values}),
        responses={200: ARTICLE_SUMMARY, 400: BAD_PARAMETER},
    )
    def get(self, request):
        paginator = self.pagination_class()
        driven = articles.by_record(request.query_params)
        if driven is None:
            found = articles.filtered(Article.objects.published().only(*articles.LIST_FIELDS), request.query_params)
            page = paginator.paginate_queryset(found, request, view=self)
        else:
            # Paged through the record's links, by their copies of each
            # article's time and id (the same order, the same cursors' shape).
            links, column = driven
            paginator.ordering = ("-article_published_at", f"-{column}")
            page = articles.articles_of(paginator.paginate_queryset(links, request, view=self), column)
        return paginator.get_paginated_response([articles.summary(article) for article in page])


class ArticleDetail(EnglishView):
    @extend_schema(
        operation_id="articles_retrieve",
        summary="One public article, with its body",
        description="The article with this id, while readers can see it.",
        responses={200: ARTICLE, 404: NOT_FOUND},
    )
    def get(self, request, pk: int):
        article = Article.objects.published().only(*articles.DETAIL_FIELDS).filter(pk=pk).first()
        if article is None:
            raise Http404
        return modified(Response(articles.detail(article)), records.last_modified(article))


RECORD_NOT_FOUND = OpenApiResponse(
    {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}},
    description="No public record has this id.",
)


class RecordList(EnglishView):
    """A list of records, in the order they were made (ById)."""

    pagination_class = ById

    def found(self, params):
        raise NotImplementedError

    def shown(self, rows: list) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(self.found(request.query_params), request, view=self)
        return paginator.get_paginated_response(self.shown(page))


class RecordDetail(EnglishView):
    """One record by its id, while it is public."""

    def found(self):
        raise NotImplementedError

    def shown(self, row) -> dict:
        raise NotImplementedError

    def last_modified(self, row):
        """When the answer last changed, if a stored time says it: none for
        records whose answer counts articles (a story published elsewhere
        changes the count and no row's time)."""
        return None

    def get(self, request, pk: int):
        row = self.found().filter(pk=pk).first()
        if row is None:
            raise Http404
        return modified(Response(self.shown(row)), self.last_modified(row))


def modified(response, moment):
    """``response`` with its Last-Modified, when one is known.
    ConditionalGetMiddleware then answers If-Modified-Since with a 304 (an
    If-None-Match, when sent too, decides alone)."""
    if moment is not None:
        response["Last-Modified"] = http_date(moment.timestamp())
    return response


def _list_schema(name: str, summary: str, item: dict, parameters: list, description: str = ""):
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_list",
            summary=summary,
            description=description,
            parameters=parameters,
            responses={200: OpenApiResponse(schemas.page(item)), 400: BAD_PARAMETER},
        )
    )


def _detail_schema(name: str, summary: str, item: dict):
    return extend_schema_view(
        get=extend_schema(
            operation_id=f"{name}_retrieve",
            summary=summary,
            responses={200: OpenApiResponse(item), 404: RECORD_NOT_FOUND},
        )
    )


@_list_schema(
    "topics",
    "Topics that public articles carry",
    schemas.TOPIC,
    _parameters({}),
    "A topic is listed while at least one public article carries it.",
)
class TopicList(RecordList):
    def found(self, params):
        return records.public_topics()

    def shown(self, rows):
        return [records.topic(row) for row in rows]


@_detail_schema("topics", "One topic", schemas.TOPIC)
class TopicDetail(RecordDetail):
    def found(self):
        return records.public_topics()

    def shown(self, row):
        return records.topic(row)


@_list_schema("countries", "Every country, with its counts", schemas.COUNTRY, _parameters({}))
class CountryList(RecordList):
    def found(self, params):
        return records.countries()

    def shown(self, rows):
        return [records.country(row) for row in rows]


@_detail_schema("countries", "One country", schemas.COUNTRY)
class CountryDetail(RecordDetail):
    def found(self):
        return records.countries()

    def shown(self, row):
        return records.country(row)


@_list_schema(
    "agreements",
    "Agreements between countries",
    schemas.AGREEMENT_SUMMARY,
    _parameters(records.AGREEMENT_FILTERS, enums={"kind": Agreement.Kind.values, "status": Agreement.Status.values}),
    "Treaties, partnerships, credit lines and the like, with their parties, sectors and dates. "
    'A date\'s `precision` says how much of it is known; `edtf` writes it so ("2001", "2024-01").',
)
class AgreementList(RecordList):
    def found(self, params):
        return records.filtered_agreements(params)

    def shown(self, rows):
        return [records.agreement(row) for row in records.with_lists(rows)]


@_detail_schema("agreements", "One agreement, with its sources and its schema.org Legislation", schemas.AGREEMENT)
class AgreementDetail(RecordDetail):
    def found(self):
        return Agreement.objects.all()

    def shown(self, row):
        return records.agreement(records.with_lists([row])[0], full=True)

    def last_modified(self, row):
        return records.last_modified(row)


@_list_schema(
    "people",
    "People named in public articles or agreements",
    schemas.PERSON,
    _parameters(records.PROFILE_FILTERS),
)
class PersonList(RecordList):
    def found(self, params):
        return records.filtered_profiles(Person, params)

    def shown(self, rows):
        return [records.profile(row) for row in rows]


@_detail_schema("people", "One person", schemas.PERSON)
class PersonDetail(RecordDetail):
    def found(self):
        return records.public_profiles(Person)

    def shown(self, row):
        return records.profile(row)


@_list_schema(
    "organisations",
    "Organisations named in public articles or agreements",
    schemas.ORGANISATION,
    _parameters(records.PROFILE_FILTERS),
)
class OrganisationList(RecordList):
    def found(self, params):
        return records.filtered_profiles(Organization, params)

    def shown(self, rows):
        return [records.profile(row) for row in rows]


@_detail_schema("organisations", "One organisation", schemas.ORGANISATION)
class OrganisationDetail(RecordDetail):
    def found(self):
        return records.public_profiles(Organization)

    def shown(self, row):
        return records.profile(row)


class _Echo:
    """A file whose write() hands back what it was given, for csv.writer
    to make one line at a time for a streamed answer."""

    def write(self, value: str) -> str:
        return value


class AgreementCSV(EnglishView):
    """/api/v1/agreements.csv: the agreements and their parties as a table,
    one row per party, under the list's filters (the agreements page links
    here with its own). UTF-8, RFC 4180, no byte-order mark; streamed, so
    no ETag."""

    def perform_content_negotiation(self, request, force=False):
        # The table is written below; a refusal (a bad filter, the rate
        # limit) is JSON whatever the client accepts.
        return (JSONRenderer(), "application/json")

    @extend_schema(
        operation_id="agreements_csv",
        summary="The agreements and their parties as CSV",
        description=(
            "One row per party: the agreement's columns, then the party's (ISO code, names, role). "
            "Dates are EDTF strings at their precision. A cell that a spreadsheet would run as a formula "
            "(one starting with =, +, -, @, a tab or a carriage return) starts with an apostrophe."
        ),
        parameters=_parameters(
            records.AGREEMENT_FILTERS,
            enums={"kind": Agreement.Kind.values, "status": Agreement.Status.values},
            paged=False,
        ),
        responses={(200, "text/csv"): OpenApiResponse(OpenApiTypes.STR), 400: BAD_PARAMETER},
    )
    def get(self, request):
        found = records.filtered_agreements(request.query_params)
        writer = csv.writer(_Echo())
        response = StreamingHttpResponse(
            (writer.writerow(row) for row in records.csv_rows(found)), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="agreements.csv"'
        return response


class Index(EnglishView):
    @extend_schema(exclude=True)
    def get(self, request):
        """Where everything is, for a person or a client starting here."""
        lists = {
            "articles": "article",
            "topics": "topic",
            "countries": "country",
            "agreements": "agreement",
            "people": "person",
            "organisations": "organisation",
        }
        return Response(
            {
                **{name: request.build_absolute_uri(reverse(f"api:{one}-list")) for name, one in lists.items()},
                "agreements_csv": request.build_absolute_uri(reverse("api:agreement-csv")),
                "openapi": request.build_absolute_uri(reverse("api:openapi")),
                "reference": request.build_absolute_uri(reverse("api:reference")),
            }
        )


@functools.cache
def _document() -> dict:
    """The OpenAPI document, made once per process (it describes code)."""
    with translation.override("en"):
        return SchemaGenerator().get_schema(request=None, public=True)


class Document(EnglishView):
    """/api/v1/openapi.json. drf-spectacular's own view builds the document
    on every request, in any language a ``lang`` parameter names (each one
    kept in memory for good); this one serves it made once, in English."""

    renderer_classes = [OpenApiJsonRenderer]

    @extend_schema(exclude=True)
    def get(self, request):
        return Response(_document())


def reference(request):
    """/api/v1/docs/: the API for a person to read, made from the OpenAPI
    document itself (so it cannot drift from it), as a plain page of the
    site in English: no script, unlike Swagger UI, which would also need its
    own exception to the site's content security policy."""
    document = _document()
    operations = []
    for path, methods in document["paths"].items():
        operation = methods["get"]
        operations.append(
            {
                "id": operation["operationId"].replace("_", "-"),
                "path": path,
                "summary": operation.get("summary", ""),
                "description": operation.get("description", ""),
                "parameters": operation.get("parameters", []),
                "responses": sorted(operation["responses"].items()),
            }
        )
    with translation.override("en"):
        response = render(
            request,
            "api/reference.html",
            {
                "document": document,
                "operations": operations,
                "base": request.build_absolute_uri(reverse("api:index")),
                "openapi": request.build_absolute_uri(reverse("api:openapi")),
                "csv": request.build_absolute_uri(reverse("api:agreement-csv")),
                "rate": settings.API_RATE_LIMIT if throttle.parse_rate(settings.API_RATE_LIMIT) else "",
                "meta": page_meta(request, title="API reference", description=document["info"]["description"]),
            },
        )
    response["Content-Language"] = "en"
    return response


@csrf_exempt
def not_found(request, *args, **kwargs):
    response = JsonResponse({"detail": "No such address in this API: see /api/v1/openapi.json."}, status=404)
    response["Content-Language"] = "en"
    return allow_any_origin(response)


def rate_limit_answers(result, generator, request, public):
    """drf-spectacular post-processing hook (settings.SPECTACULAR_SETTINGS):
    every operation may answer 429 past the rate limit (newsroom.api.throttle),
    saying in Retry-After when to come back."""
    too_many = {
        "description": "Too many requests from this client: wait the seconds Retry-After gives.",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds to wait"}},
        "content": {
            "application/json": {
                "schema": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
            }
        },
    }
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("responses", {})["429"] = too_many
    return result
