"""The visibility rule at every boundary: status by status, and publication
time in the past, exactly now, and in the future."""

from datetime import timedelta
from html import unescape

import pytest
from django.utils import timezone

from newsroom.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "offset", "public"),
    [
        ("draft", timedelta(hours=-1), False),
        ("review", timedelta(hours=-1), False),
        ("archived", timedelta(hours=-1), False),
        ("published", timedelta(hours=-1), True),
        ("published", timedelta(seconds=0), True),
        ("published", timedelta(seconds=5), False),
        ("published", timedelta(days=30), False),
    ],
)
def test_published_queryset_applies_the_rule(status, offset, public):
    now = timezone.now()
    article = ArticleFactory(status=status, published_at=now + offset)
    assert (article in Article.objects.published()) is public
    # The in-memory twin of the rule agrees with the query.
    assert article.is_visible() is public


def test_draft_without_time_is_hidden():
    article = ArticleFactory(status="draft", published_at=None)
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_scheduled_article_is_hidden_until_its_time(client, monkeypatch):
    article = ArticleFactory(scheduled=True, headline="Tomorrow's story")
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Tomorrow's story" not in unescape(client.get("/").content.decode())

    later = article.published_at + timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Tomorrow's story" in unescape(response.content.decode())


@pytest.mark.parametrize("status", ["draft", "review", "archived"])
def test_non_public_article_page_is_the_same_404_as_an_unknown_slug(client, status):
    article = ArticleFactory(status=status, published_at=timezone.now() - timedelta(days=1))
    # An English story: its address is in the English edition.
    hidden = client.get(article.get_absolute_url())
    unknown = client.get("/en/articles/no-such-story/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content
    # Its address in the other edition gives no hint either (no redirect).
    hidden = client.get(f"/articles/{article.slug}/")
    unknown = client.get("/articles/no-such-story/")
    assert hidden.status_code == unknown.status_code == 404
    assert hidden.content == unknown.content


def test_accented_headline_works_end_to_end(client):
    article = ArticleFactory(public=True, headline="Díaz-Canel viaja a Moscú")
    assert article.slug == "diaz-canel-viaja-a-moscu"  # slugs are folded to lower-case ASCII
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert "Díaz-Canel viaja a Moscú" in response.content.decode()


def test_duplicate_headlines_get_distinct_slugs():
    first = ArticleFactory(headline="Same words")
    second = ArticleFactory(headline="Same words")
    assert first.slug != second.slug
