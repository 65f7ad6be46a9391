"""The edited front page (issue "People, organisations and an edited front
page", point 2): editors pick each edition's lead and up to six featured
stories, may schedule a change of lead, choose the topic blocks; a pick that
is not public never shows; empty slots fill with the newest stories; the
page cache never serves a stale arrangement; writers cannot touch it."""

import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from newsroom.editorial import services
from newsroom.models import Article, FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic, Topic
from newsroom.pagecache import pages as page_cache
from newsroom.pagecache.tags import FRONT
from newsroom.site import selectors
from tests.factories import ArticleFactory, editor

pytestmark = pytest.mark.django_db

NOW = timezone.now


def story(headline: str, *, hours_ago: float = 1, language: str = "es", **kwargs) -> Article:
    return ArticleFactory(
        public=True, headline=headline, language=language, published_at=NOW() - timedelta(hours=hours_ago), **kwargs
    )


def lead(article: Article, **kwargs) -> FrontPageLead:
    return FrontPageLead.objects.create(front=FrontPage.get(), article=article, **kwargs)


def feature(article: Article, position: int) -> FrontPageFeature:
    return FrontPageFeature.objects.create(front=FrontPage.get(), article=article, position=position)


def home(client, path: str = "/") -> dict:
    response = client.get(path)
    assert response.status_code == 200
    context = response.context
    return {
        "lead": context["lead"].headline if context["lead"] else None,
        "featured": [a.headline for a in context["featured"]],
        "latest": [a.headline for a in context["articles"]],
        "blocks": [(b.topic.name, [a.headline for a in b.cards]) for b in context["blocks"]],
        "html": response.content.decode(),
    }


@pytest.mark.usefixtures("no_page_cache")
class TestWhatTheHomePageShows:
    def test_without_picks_the_newest_story_leads(self, client):
        story("Older", hours_ago=3)
        story("Newest", hours_ago=1)
        page = home(client)
        assert page["lead"] == "Newest"
        assert page["latest"] == ["Older"]

    def test_the_picked_lead_leads_and_is_not_repeated_below(self, client):
        launch = story("Launch story", hours_ago=5)
        story("Two-line test story", hours_ago=1)
        lead(launch)
        page = home(client)
        assert page["lead"] == "Launch story"
        assert page["latest"] == ["Two-line test story"]

    def test_featured_stories_in_their_order_and_only_public_ones(self, client):
        stories = [story(f"Story {i}", hours_ago=i + 1) for i in range(8)]
        feature(stories[5], 1)
        feature(stories[2], 2)
        feature(stories[7], 3)
        pulled = story("Pulled story", hours_ago=20)
        feature(pulled, 4)
        services.unpublish(article=pulled, user=editor())
        page = home(client)
        assert page["featured"] == ["Story 5", "Story 2", "Story 7"]
        assert "Pulled story" not in page["html"]
        # The rest fill the list, newest first, without the featured ones.
        assert page["lead"] == "Story 0"
        assert page["latest"] == ["Story 1", "Story 3", "Story 4", "Story 6"]

    def test_an_archived_lead_drops_out_at_once(self, client):
        picked = story("Picked lead", hours_ago=5)
        story("Newest", hours_ago=1)
        lead(picked)
        services.archive(article=picked, user=editor())
        page = home(client)
        assert page["lead"] == "Newest"
        assert "Picked lead" not in page["html"]

    def test_a_lead_change_scheduled_for_later_waits_for_its_time(self, client):
        now_lead, later_lead = story("Lead now", hours_ago=5), story("Lead from 18:00", hours_ago=6)
        lead(now_lead, starts_at=NOW() - timedelta(minutes=10))
        lead(later_lead, starts_at=NOW() + timedelta(seconds=1.5))
        assert home(client)["lead"] == "Lead now"
        time.sleep(1.6)  # nothing is written when the time comes: the page reads the clock
        assert home(client)["lead"] == "Lead from 18:00"

    def test_a_scheduled_story_picked_as_lead_leads_at_its_release(self, client):
        story("Current lead", hours_ago=2)
        release = ArticleFactory(
            headline="Embargoed launch",
            language="es",
            status=Article.Status.PUBLISHED,
            published_at=NOW() + timedelta(hours=1),
        )
        lead(release)
        page = home(client)
        assert page["lead"] == "Current lead"
        assert "Embargoed launch" not in page["html"]
        # Its time comes: the same visibility rule makes it public and the lead.
        Article.objects.filter(pk=release.pk).update(published_at=NOW() - timedelta(seconds=1))
        assert home(client)["lead"] == "Embargoed launch"

    def test_each_edition_has_its_own_picks(self, client):
        story("Historia elegida", hours_ago=5)
        english = story("Chosen story", hours_ago=5, language="en")
        story("Newest in English", hours_ago=1, language="en")
        story("La más nueva", hours_ago=1)
        lead(english)
        assert home(client)["lead"] == "La más nueva"
        assert home(client, "/en/")["lead"] == "Chosen story"

    def test_topic_blocks_in_the_editors_order_with_this_editions_stories(self, client):
        for i in range(6):
            story(f"Sanciones {i}", hours_ago=i + 1, topics=["Sanciones"])
        story("Energía 1", hours_ago=2, topics=["Energía"])
        story("Energy in English", hours_ago=1, language="en", topics=["Energía"])
        story("Solo en inglés", hours_ago=1, language="en", topics=["Nothing in Spanish"])
        front = FrontPage.get()
        for position, name in enumerate(["Energía", "Sanciones", "Nothing in Spanish"], start=1):
            FrontPageTopic.objects.create(front=front, topic=Topic.objects.get(name=name), position=position)
        page = home(client)
        names = [name for name, _cards in page["blocks"]]
        assert names == ["Energía", "Sanciones"]  # a block without a story is left out
        assert page["blocks"][0][1] == ["Energía 1"]
        # Four stories, the lead (the newest of all) not among them.
        assert page["blocks"][1][1] == ["Sanciones 1", "Sanciones 2", "Sanciones 3", "Sanciones 4"]

    def test_a_renamed_topic_renames_its_block(self, client):
        story("Una noticia", hours_ago=2, topics=["Sanciones"])
        story("La más nueva, que encabeza", hours_ago=1)
        topic = Topic.objects.get(name="Sanciones")
        FrontPageTopic.objects.create(front=FrontPage.get(), topic=topic)
        topic.name_es = "Sanciones internacionales"
        topic.save()
        assert home(client)["blocks"][0][0] == "Sanciones internacionales"

    def test_the_front_page_reads_a_constant_number_of_queries(self, client, django_assert_max_num_queries):
        # Two for the picks and their cards, whatever was picked.
        topics = ["Uno", "Dos", "Tres", "Cuatro", "Cinco", "Seis"]
        articles = [story(f"Story {i}", hours_ago=i + 1) for i in range(12)]
        for name in topics:
            for i in range(5):
                story(f"{name} {i}", hours_ago=20 + i, topics=[name])
        lead(articles[3])
        for i in range(6):
            feature(articles[4 + i], i + 1)
        front = FrontPage.get()
        for i, name in enumerate(topics):
            FrontPageTopic.objects.create(front=front, topic=Topic.objects.get(name=name), position=i)
        with django_assert_max_num_queries(2):
            result = selectors.front_page("es")
        assert result.lead.headline == "Story 3" and len(result.featured) == 6 and len(result.blocks()) == 6


@override_settings(PAGE_CACHE_ENABLED=True)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_changes_to_the_front_page_show_at_once_despite_the_page_cache(client):
    launch = story("Launch story", hours_ago=5)
    story("Newest", hours_ago=1)
    assert home(client)["lead"] == "Newest"
    assert client.get("/")["X-Page-Cache"] == "hit"
    pick = lead(launch)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Launch story" in response.content.decode().split("Lo último")[0]
    pick.delete()
    assert home(client)["lead"] == "Newest"


@pytest.mark.django_db
def test_a_cached_front_page_is_kept_only_until_a_scheduled_change_of_lead():
    lead(story("Later lead"), starts_at=NOW() + timedelta(seconds=90))
    assert 80 <= page_cache.lifetime({FRONT}) <= 90
    assert page_cache.lifetime({"topic-1"}) > 90


class TestTheScreen:
    URL = "/admin/newsroom/frontpage/"

    def test_writers_cannot_open_or_change_it(self, writer_client):
        assert writer_client.get(self.URL).status_code == 403
        change = reverse("admin:newsroom_frontpage_change", args=[FrontPage.get().pk])
        assert writer_client.get(change).status_code == 403
        response = writer_client.post(
            change,
            {
                "leads-TOTAL_FORMS": "1",
                "leads-INITIAL_FORMS": "0",
                "leads-0-article": str(story("Writer's pick").pk),
                "features-TOTAL_FORMS": "0",
                "features-INITIAL_FORMS": "0",
                "topics-TOTAL_FORMS": "0",
                "topics-INITIAL_FORMS": "0",
            },
        )
        assert response.status_code == 403
        assert not FrontPageLead.objects.exists()

    def test_an_editor_picks_a_lead_from_the_desk(self, editor_client, editor_user, admin_form_data):
        assert editor_client.get(self.URL).status_code == 200
        change = reverse("admin:newsroom_frontpage_change", args=[FrontPage.SINGLETON])
        assert change in editor_client.get("/admin/").content.decode()
        picked = story("Launch story", hours_ago=5)
        data = admin_form_data(editor_client, change)
        data["leads-0-article"] = str(picked.pk)
        response = editor_client.post(change, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert FrontPageLead.objects.get().article == picked
        assert FrontPageLead.objects.get().created_by == editor_user
        desk = editor_client.get("/admin/").content.decode()
        assert "Launch story" in desk

    def test_a_draft_cannot_be_picked(self, editor_client, admin_form_data):
        change = reverse("admin:newsroom_frontpage_change", args=[FrontPage.get().pk])
        draft = ArticleFactory(headline="A draft")
        data = admin_form_data(editor_client, change)
        data["leads-0-article"] = str(draft.pk)
        response = editor_client.post(change, data)
        assert response.status_code == 200
        assert not FrontPageLead.objects.exists()

    def test_at_most_six_featured_stories_per_edition(self, editor_client, admin_form_data):
        change = reverse("admin:newsroom_frontpage_change", args=[FrontPage.get().pk])
        data = admin_form_data(editor_client, change)
        data["features-TOTAL_FORMS"] = "7"
        for i in range(7):
            data[f"features-{i}-article"] = str(story(f"Story {i}").pk)
            data[f"features-{i}-position"] = str(i + 1)
        response = editor_client.post(change, data)
        assert response.status_code == 200
        assert not FrontPageFeature.objects.exists()

    def test_the_desk_says_when_a_pick_is_not_shown(self, editor_client):
        picked = story("Pulled lead")
        lead(picked)
        services.unpublish(article=picked, user=editor())
        desk = editor_client.get("/admin/").content.decode()
        assert "Pulled lead" in desk
        assert "is-missed" in desk.split("Pulled lead")[0].rsplit("<p", 1)[1]


@pytest.mark.usefixtures("no_page_cache")
def test_load_demo_makes_the_launch_story_the_lead_of_both_editions(client):
    from django.core.management import call_command

    from newsroom.demo import content

    call_command("load_demo", verbosity=0)
    launch = Article.objects.get(slug=content.LAUNCH_SLUG)
    assert home(client)["lead"] == launch.headline
    english = Article.objects.get(translation_key=launch.translation_key, language="en")
    assert home(client, "/en/")["lead"] == english.headline
    assert [name for name, _cards in home(client)["blocks"]] == ["Geopolítica", "Sanciones"]


def test_saving_the_screen_unchanged_adds_nothing(editor_client, admin_form_data):
    lead(story("Launch story"))
    change = reverse("admin:newsroom_frontpage_change", args=[FrontPage.SINGLETON])
    response = editor_client.post(change, admin_form_data(editor_client, change))
    assert response.status_code == 302
    assert FrontPageLead.objects.count() == 1
    assert not FrontPageFeature.objects.exists() and not FrontPageTopic.objects.exists()


@pytest.mark.usefixtures("no_page_cache")
def test_old_lead_picks_are_pruned_so_the_screen_stays_small():
    from newsroom.stored.front import STARTED_LEADS_KEPT

    for i in range(STARTED_LEADS_KEPT + 5):
        lead(story(f"Lead {i}", hours_ago=100 - i), starts_at=NOW() - timedelta(hours=50 - i))
    later = lead(story("Later lead"), starts_at=NOW() + timedelta(hours=1))
    kept = set(FrontPageLead.objects.values_list("pk", flat=True))
    assert len(kept) == STARTED_LEADS_KEPT + 1 and later.pk in kept
    assert len(FrontPage.get().data["leads"]) == STARTED_LEADS_KEPT + 1


@pytest.mark.usefixtures("no_page_cache")
def test_a_story_in_two_block_topics_shows_in_the_first_block_only(client):
    story("Newest", hours_ago=1)
    story("Both topics", hours_ago=2, topics=["Uno", "Dos"])
    story("Only the second", hours_ago=3, topics=["Dos"])
    front = FrontPage.get()
    for position, name in enumerate(["Uno", "Dos"]):
        FrontPageTopic.objects.create(front=front, topic=Topic.objects.get(name=name), position=position)
    assert home(client)["blocks"] == [("Uno", ["Both topics"]), ("Dos", ["Only the second"])]


def test_the_home_page_names_its_block_topics_for_the_page_cache(client, rf):
    story("Una", topics=["Sanciones"])
    topic = Topic.objects.get(name="Sanciones")
    FrontPageTopic.objects.create(front=FrontPage.get(), topic=topic)
    response = client.get("/")
    assert f"topic-{topic.pk}" in response["Surrogate-Key"].split()
