"""The API's views: anonymous, read-only, JSON only (settings.REST_FRAMEWORK)."""

from __future__ import annotations

import base64

from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from newsroom.api import articles
from newsroom.models import Article


class NewestFirst(CursorPagination):
    """Newest first, the id breaking ties, so a page never repeats or skips
    an article when others are published meanwhile; ``limit`` up to 100."""

    ordering = ("-published_at", "-id")
    page_size = 20
    page_size_query_param = "limit"
    max_page_size = 100
    invalid_cursor_message = "Not a cursor this API gave: follow the next and previous links."

    def decode_cursor(self, request):
        """DRF's cursor, refused with a 400 when it is not one this API
        gave: unreadable, or holding a position that is not a time (a
        forged one would otherwise reach the database as a bad date)."""
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is not None:
            try:  # DRF's own decoding skips what is not base64, so "%%%" read as the start
                readable = bool(base64.b64decode(encoded.encode("ascii"), validate=True))
            except ValueError:
                readable = False
            if not readable:
                raise ValidationError({"cursor": self.invalid_cursor_message})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as unknown:
            raise ValidationError({"cursor": self.invalid_cursor_message}) from unknown
        if cursor is not None and cursor.position is not None:
            try:
                valid = parse_datetime(cursor.position) is not None
            except ValueError:
                valid = False
            if not valid:
                raise ValidationError({"cursor": self.invalid_cursor_message})
        return cursor

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is not None and not (value.isascii() and value.isdigit() and 1 <= int(value) <= self.max_page_size):
            raise ValidationError({"limit": f"A whole number from 1 to {self.max_page_size}."})
        return super().get_page_size(request)


class EnglishView(APIView):
    """The API speaks English whatever the address's edition would be:
    its own messages and DRF's (errors included), and its Content-Language.
    Its answers carry an ETag (ConditionalGetMiddleware: a hash of the body)
    and a matching If-None-Match is answered 304. No Last-Modified yet: an
    article's stored lists are restated when a linked record is renamed
    without any stored time moving, so a date would send stale 304s."""

    def dispatch(self, request, *args, **kwargs):
        with translation.override("en"):
            response = super().dispatch(request, *args, **kwargs)
        response["Content-Language"] = "en"
        return response


ARTICLE = inline_serializer(
    "Article",
    {
        "id": serializers.IntegerField(),
        "url": serializers.URLField(),
        "language": serializers.ChoiceField(choices=Article.Language.values),
        "headline": serializers.CharField(),
        "dek": serializers.CharField(),
        "published_at": serializers.DateTimeField(),
        "modified_at": serializers.DateTimeField(),
        "authors": serializers.ListField(child=serializers.DictField()),
        "topics": serializers.ListField(child=serializers.DictField()),
        "countries": serializers.ListField(child=serializers.DictField()),
        "agreements": serializers.ListField(child=serializers.DictField()),
    },
)


class ArticleList(EnglishView):
    pagination_class = NewestFirst

    @extend_schema(
        operation_id="articles_list",
        summary="Public articles, newest first",
        parameters=[
            *(OpenApiParameter(name, OpenApiTypes.STR, description=text) for name, text in articles.FILTERS.items()),
            OpenApiParameter("limit", OpenApiTypes.INT, description="articles a page, 1 to 100 (20 unless given)"),
            OpenApiParameter(
                "cursor", OpenApiTypes.STR, description="where a page starts: from a next or previous link"
            ),
        ],
        responses={200: ARTICLE},
    )
    def get(self, request):
        found = articles.filtered(Article.objects.published().only(*articles.LIST_FIELDS), request.query_params)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(found, request, view=self)
        return paginator.get_paginated_response([articles.summary(article) for article in page])


class ArticleDetail(EnglishView):
    @extend_schema(
        operation_id="articles_retrieve", summary="One public article, with its body", responses={200: ARTICLE}
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


index = Index.as_view()


def not_found(request, *args, **kwargs):
    response = JsonResponse({"detail": "No such address in this API: see /api/v1/openapi.json."}, status=404)
    response["Content-Language"] = "en"
    return response
