"""The API's views: anonymous, read-only, JSON only (settings.REST_FRAMEWORK)."""

from __future__ import annotations

import base64
import functools

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api import articles
from newsroom.models import Article

NOT_A_CURSOR = "Not a cursor this API gave: follow the next and previous links."


def _cursor_time(position: str) -> bool:
    """Whether a cursor's position is a time a story may have."""
    try:
        moment = parse_datetime(position)
    except ValueError:
        return False
    return moment is not None and articles.moment_in_range(moment)


class NewestFirst(CursorPagination):
    """Newest first, the id breaking ties, so a page never repeats or skips
    an article when others are published meanwhile; ``limit`` up to 100."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100

    def decode_cursor(self, request):
        """DRF's cursor, refused with a 400 when it is not one this API
        gave: not strictly base64 (DRF's own decoding skips what is not, so
        "%%%" read as the start), unreadable, or holding a position that is
        not a time a story may have (a forged one would otherwise reach the
        database as a bad date)."""
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
        if cursor is not None and cursor.position is not None and not _cursor_time(cursor.position):
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


class EnglishView(APIView):
    """The API speaks English whatever the address's edition would be:
    its own messages and DRF's (errors included), and its Content-Language.
    It only reads (GET and HEAD).

    Every answer carries an ETag (ConditionalGetMiddleware: a hash of the
    body), and a matching If-None-Match is answered 304. Caches must ask
    again each time (``no-cache``): an article that stops being public must
    stop being served at once, and the API is not in the page cache. No
    Last-Modified yet: an article's stored lists are restated when a linked
    record is renamed without any stored time moving, so a date would send
    stale 304s."""

    http_method_names = ["get", "head"]

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = "en"
        response["Cache-Control"] = "no-cache"
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


class ArticleList(EnglishView):
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="articles_list",
        summary="Public articles, newest first",
        description="Articles of both editions that readers can see now, 20 a page; follow `next`.",
        parameters=[
            OpenApiParameter("language", OpenApiTypes.STR, enum=Article.Language.values, description="es or en"),
            OpenApiParameter("country", OpenApiTypes.STR, description=articles.FILTERS["country"]),
            OpenApiParameter("topic", OpenApiTypes.STR, description=articles.FILTERS["topic"]),
            OpenApiParameter("published_after", OpenApiTypes.STR, description=articles.FILTERS["published_after"]),
            OpenApiParameter("published_before", OpenApiTypes.STR, description=articles.FILTERS["published_before"]),
            OpenApiParameter("limit", OpenApiTypes.INT, description="articles a page, 1 to 100 (20 unless given)"),
            OpenApiParameter("cursor", OpenApiTypes.STR, description="where a page starts (a next or previous link's)"),
        ],
        responses={200: ARTICLE_SUMMARY, 400: BAD_PARAMETER},
    )
    def get(self, request):
        found = articles.filtered(Article.objects.published().only(*articles.LIST_FIELDS), request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
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
        return Response(articles.detail(article))


class Index(EnglishView):
    @extend_schema(exclude=True)
    def get(self, request):
        """Where everything is, for a person or a client starting here."""
        return Response(
            {
                "articles": request.build_absolute_uri(reverse("api:article-list")),
                "openapi": request.build_absolute_uri(reverse("api:openapi")),
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


@csrf_exempt
def not_found(request, *args, **kwargs):
    response = JsonResponse({"detail": "No such address in this API: see /api/v1/openapi.json."}, status=404)
    response["Content-Language"] = "en"
    return response
