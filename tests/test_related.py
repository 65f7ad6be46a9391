"""The related-articles box, ranked on write (newsroom.stored.related): what a
reader sees in it as stories are published, relinked, hidden and edited."""

import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.conf.urls.i18n import i18n_patterns
from django.core.management import call_command
from django.test import override_settings
from django.urls import include, path, reverse, set_script_prefix
from django.utils import timezone, translation

from newsroom.core.converters import slug_path
from newsroom.editorial import restore, services
from newsroom.models import Article, Topic
from newsroom.stored import related
from newsroom.urls import app_patterns
from tests.factories import ArticleFactory, editor

pytestmark = pytest.mark.django_db


def box(client, article) -> list[str]:
    """Headlines in the article page's related box, in order."""
    page = client.get(article.get_absolute_url()).content.decode()
    if 'id="related-heading"' not in page:
        return []
    section = page[page.index('id="related-heading"') :]
    return [unescape(h) for h in re.findall(r'class="card-title"><a href="[^"]+">([^<]+)</a>', section)]


def test_an_older_story_picks_up_a_newer_one_when_it_is_published(client):
    old = ArticleFactory(public=True, headline="Old story", topics=["oil"], country_codes=["VE"])
    draft = ArticleFactory(headline="Fresh story", topics=["oil"], country_codes=["VE"])
    assert box(client, old) == []  # a draft is never offered

    services.publish(article=draft, user=editor())
    assert box(client, old) == ["Fresh story"]
    assert box(client, draft) == ["Old story"]


def test_a_story_s_own_translation_is_not_offered_as_related(client):
    """It shares every link, so it would rank first; the page links it as the
    other edition already. The box stays full with the next stories."""
    import uuid

    key = uuid.uuid4()
    pair = {"public": True, "topics": ["sugar"], "translation_key": key}
    spanish = ArticleFactory(language="es", headline="Zafra récord", **pair)
    english = ArticleFactory(language="en", headline="Record harvest", **pair)
    others = [ArticleFactory(public=True, headline=f"Other {n}", topics=["sugar"]) for n in range(related.SHOWN)]
    related.rank_bulk([spanish.pk, english.pk, *[o.pk for o in others]])
    assert "Record harvest" not in box(client, spanish)
    assert "Zafra récord" not in box(client, english)
    assert len(box(client, spanish)) == related.SHOWN == len(box(client, english))
    assert {"Zafra récord", "Record harvest"} & set(box(client, others[0]))  # elsewhere they are offered


@pytest.mark.parametrize("neighbours", [1, 2, 3, 4, 6])
def test_the_box_has_as_many_columns_as_stories(client, neighbours):
    """One to four stories, each count its own grid (site.css gives it that
    many columns on a wide screen), so no column stands empty."""
    story = ArticleFactory(public=True, headline="The story", topics=["sugar"])
    for n in range(neighbours):
        ArticleFactory(public=True, headline=f"Neighbour {n}", topics=["sugar"])
    shown = min(neighbours, related.SHOWN)
    assert len(box(client, story)) == shown
    assert f'<div class="card-grid cards-{shown}">' in client.get(story.get_absolute_url()).content.decode()


def test_a_scheduled_story_enters_the_box_when_its_time_comes(client, monkeypatch):
    from datetime import timedelta

    from django.utils import timezone

    old = ArticleFactory(public=True, headline="Old story", topics=["oil"])
    later = ArticleFactory(scheduled=True, headline="Tomorrow's story", topics=["oil"])
    assert box(client, old) == []
    moment = later.published_at + timedelta(minutes=1)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    assert box(client, old) == ["Tomorrow's story"]


def test_unpublishing_takes_a_story_out_of_every_box_at_once(client):
    old = ArticleFactory(public=True, headline="Old story", topics=["oil"])
    other = ArticleFactory(public=True, headline="Other story", topics=["oil"])
    assert box(client, old) == ["Other story"]
    services.unpublish(article=other, user=editor())
    assert box(client, old) == []


def test_relinking_an_article_ranks_its_box_again(client):
    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    oil = ArticleFactory(public=True, headline="About oil", topics=["oil"])
    ArticleFactory(public=True, headline="About Iran", country_codes=["IR"])
    assert box(client, article) == ["About oil"]

    article.countries.add("IR")
    assert box(client, article) == ["About Iran", "About oil"]  # a shared country outranks a topic
    article.tags.remove("oil")
    assert box(client, article) == ["About Iran"]
    assert box(client, oil) == []  # nothing shared any more: it left that box too


def test_the_box_stays_full_when_some_stored_stories_are_hidden(client):
    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    others = [ArticleFactory(public=True, headline=f"Story {i}", topics=["oil"]) for i in range(8)]
    shown = box(client, article)
    assert len(shown) == related.SHOWN
    for story in others[-3:]:  # the newest, shown first
        services.unpublish(article=story, user=editor())
    assert box(client, article) == ["Story 4", "Story 3", "Story 2", "Story 1"]


def test_the_box_reads_only_the_cards_it_shows_in_one_query_even_when_some_are_hidden():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from newsroom.site import selectors

    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    [ArticleFactory(public=True, headline=f"Story {i}", topics=["oil"]) for i in range(8)]
    article.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        assert [s.headline for s in selectors.related_articles(article)] == [f"Story {i}" for i in (7, 6, 5, 4)]
    assert len(queries) == 1
    # The four shown, not the whole stored list.
    assert f"LIMIT {related.SHOWN}" in queries[0]["sql"]

    # Two stories scheduled for later enter the stored list now (it is ranked
    # on write), ahead of the rest, but stay hidden until their time: the
    # same one query skips them, in the stored order.
    later = {
        ArticleFactory(
            status="published", published_at=timezone.now() + timedelta(hours=hours), headline="Later", topics=["oil"]
        ).pk
        for hours in (1, 2)
    }
    article.refresh_from_db()
    assert len(article.related) > related.SHOWN + 2
    assert {entry[0] for entry in article.related[:2]} == later  # they lead it
    with CaptureQueriesContext(connection) as queries:
        assert [s.headline for s in selectors.related_articles(article)] == [f"Story {i}" for i in (7, 6, 5, 4)]
    assert len(queries) == 1


def test_an_admin_save_does_not_write_an_old_copy_of_the_list_back(client):
    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    stale = Article.objects.get(pk=article.pk)  # an editor's form, loaded now
    ArticleFactory(public=True, headline="Newer story", topics=["oil"])
    stale.dek = "A new dek"
    stale.save()
    assert box(client, article) == ["Newer story"]


def test_rank_related_fills_lists_an_import_left_empty(client):
    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    ArticleFactory(public=True, headline="Other story", topics=["oil"])
    Article.objects.update(related=[])
    assert box(client, article) == []
    call_command("rank_related", stdout=io.StringIO())
    assert box(client, article) == ["Other story"]


@pytest.mark.parametrize("slug", ["plain", "díaz-canel", "año-2026"])
def test_slug_paths_match_the_resolver(slug):
    for name in ("newsroom:article-detail", "newsroom:topic-detail", "alliances:country-detail"):
        assert slug_path(name, slug) == reverse(name, kwargs={"slug": slug})


def test_slug_paths_follow_the_script_prefix():
    topic = Topic(name="Oil", slug="oil")
    set_script_prefix("/news/")
    try:
        assert topic.get_absolute_url() == "/news/topics/oil/"
    finally:
        set_script_prefix("/")
    assert topic.get_absolute_url() == "/topics/oil/"


# The reader pages mounted under /site/, for the test below (ROOT_URLCONF
# names this module). The editions' prefix (i18n_patterns) can only be at the
# root of a URLconf, so the site cannot be included whole under /site/ as it
# was before the editions: /site/ for Spanish, /en/site/ for English.
urlpatterns = i18n_patterns(path("site/", include((app_patterns, "newsroom"))), prefix_default_language=False)


@override_settings(ROOT_URLCONF=__name__)
def test_slug_paths_follow_a_changed_urlconf():
    assert slug_path("newsroom:topic-detail", "oil") == "/site/topics/oil/"
    assert slug_path("newsroom:topic-detail", "oil") == reverse("newsroom:topic-detail", kwargs={"slug": "oil"})
    assert slug_path("newsroom:topic-detail", "oil", "en") == "/en/site/topics/oil/"
    with translation.override("en"):
        assert slug_path("newsroom:topic-detail", "oil") == reverse("newsroom:topic-detail", kwargs={"slug": "oil"})


def test_restoring_an_older_version_ranks_the_box_again(client):
    from newsroom.editorial import history

    article = ArticleFactory(public=True, headline="The article", topics=["oil"])
    ArticleFactory(public=True, headline="About oil", topics=["oil"])
    ArticleFactory(public=True, headline="About sugar", topics=["sugar"])
    user = editor()
    history.record_version(article, user=user, comment="about oil")
    article.tags.set(["sugar"])
    assert box(client, article) == ["About sugar"]

    version = history.versions_of(article).last()
    restore.restore_version(version=version, user=user)
    assert box(client, article) == ["About oil"]


def test_the_bulk_ranking_stores_what_rank_finds(monkeypatch):
    """rank_bulk counts in memory what rank() asks PostgreSQL to count: with
    few candidates allowed per table, the cut and its tie-break (more shared
    links, then the higher id) decide the boxes, and they must agree."""
    import random

    monkeypatch.setattr(related, "CANDIDATES", 3)
    rng = random.Random(5)
    topics, countries = ["oil", "gas", "grain", "debt"], ["CU", "RU", "IR", "VE", "CN"]
    for _ in range(25):
        ArticleFactory(
            public=rng.random() < 0.8,
            topics=rng.sample(topics, rng.randint(0, 3)),
            country_codes=rng.sample(countries, rng.randint(1, 3)),
        )
    ids = list(Article.objects.order_by("pk").values_list("pk", flat=True))
    Article.objects.update(related=[])
    related.rank_bulk(ids, batch_size=7)
    stored = dict(Article.objects.values_list("pk", "related"))
    assert any(stored.values())
    assert stored == {pk: related.rank(pk)[: related.KEPT] for pk in ids}
