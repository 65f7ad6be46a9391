"""The article admin as writers and editors use it, through real requests."""

from datetime import timedelta
from html import unescape

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from alliances.models import ArticleAgreement, Country
from newsroom.editorial import services
from newsroom.models import Article, Author, Byline, EditorialEvent, Topic
from tests import factories
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory, CorrectionFactory
from tests.responses import change_url, messages_of

pytestmark = pytest.mark.django_db

ADD_URL = reverse("admin:newsroom_article_add")
LIST_URL = reverse("admin:newsroom_article_changelist")


def preview_url(article) -> str:
    return reverse("admin:newsroom_article_preview", args=[article.pk])


def new_article_data(client, admin_form_data, **fields) -> dict:
    data = admin_form_data(client, ADD_URL)
    data.update({"headline": "Havana signs a deal", "slug": "havana-signs-a-deal", "body": "<p>Text.</p>"})
    data.update(fields)
    return data


# -- The list ------------------------------------------------------------------


def make_listed_article(n: int) -> Article:
    return ArticleFactory(
        public=True,
        authors=[AuthorFactory(), AuthorFactory()],
        topics=[f"topic {n}", "energy"],
        country_codes=["CU"],
    )


def test_article_list_runs_the_same_queries_for_1_or_30_articles(editor_client, django_assert_max_num_queries):
    make_listed_article(0)
    with CaptureQueriesContext(connection) as one:
        assert editor_client.get(LIST_URL).status_code == 200
    for n in range(1, 30):
        make_listed_article(n)
    with django_assert_max_num_queries(len(one)):
        response = editor_client.get(LIST_URL)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 30


def test_article_list_shows_status_authors_language_and_topics(editor_client):
    first, second = AuthorFactory(name="Ana Pérez"), AuthorFactory(name="Luis Gómez")
    ArticleFactory(headline="Power plant deal", authors=[second, first], topics=["Energy", "Russia"], language="es")
    ArticleFactory(headline="Tomorrow's story", scheduled=True)
    html = editor_client.get(LIST_URL).content.decode()
    assert "Power plant deal" in html
    assert "Luis Gómez, Ana Pérez" in html  # byline order, not alphabetical
    assert "Energy, Russia" in html
    assert "Spanish" in html
    assert "Draft" in html
    assert "Scheduled" in html


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("status__exact=published", "Public story", "Draft story"),
        ("language__exact=es", "Draft story", "Public story"),
        ("topic=sanctions", "Public story", "Draft story"),
        ("q=blackout", "Draft story", "Public story"),  # dek
        ("q=public-story", "Public story", "Draft story"),  # slug
    ],
)
def test_article_list_filters_and_search(editor_client, query, shown, hidden):
    ArticleFactory(headline="Public story", public=True, topics=["Sanctions"], language="en")
    ArticleFactory(headline="Draft story", dek="Another blackout", language="es")
    html = editor_client.get(f"{LIST_URL}?{query}").content.decode()
    assert shown in html
    assert hidden not in html


def test_article_list_filters_by_author(editor_client):
    author = AuthorFactory(name="Ana Pérez")
    ArticleFactory(headline="Her story", authors=[author])
    ArticleFactory(headline="Someone else's story")
    html = editor_client.get(f"{LIST_URL}?authors__id__exact={author.pk}").content.decode()
    assert "Her story" in html
    assert "Someone else" not in html


def test_article_list_with_an_odd_filter_value_is_not_a_500(editor_client):
    response = editor_client.get(f"{LIST_URL}?authors__id__exact=abc&published_at__gte=yesterday")
    assert response.status_code in (200, 302)


# -- The form ------------------------------------------------------------------


def test_add_page_loads_the_prose_editor_and_prefills_the_slug(editor_client):
    html = unescape(editor_client.get(ADD_URL).content.decode())
    assert 'type="importmap"' in html
    assert "django_prose_editor/editor.js" in html
    assert "django_prose_editor/editor.css" in html
    assert "data-django-prose-editor-configurable" in html
    assert '"id": "#id_slug"' in html
    assert '"dependency_ids": ["#id_headline"]' in html  # the slug follows the headline


def test_editor_adds_an_article_with_topics_countries_byline_and_links(editor_client, admin_form_data):
    energy = Topic.objects.create(name="Energy")
    Topic.objects.create(name="Cuba")
    author = AuthorFactory(name="Ana Pérez")
    agreement = AgreementFactory(title="Iran-Cuba partnership")
    person = factories.PersonFactory(name="Díaz-Canel")
    data = new_article_data(editor_client, admin_form_data)
    data.update(
        {
            "tags": [str(energy.pk)],
            "new_topics": "cuba, Blackouts",
            "countries": [str(Country.objects.get(iso2="CU").pk), str(Country.objects.get(iso2="IR").pk)],
            "people": [str(person.pk)],
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
            "sources-TOTAL_FORMS": "1",
            "sources-0-outlet": "IRNA",
            "sources-0-url": "https://example.org/irna",
            "sources-0-position": "0",
            "agreement_links-TOTAL_FORMS": "1",
            "agreement_links-0-agreement": str(agreement.pk),
            "agreement_links-0-relation": "about",
            "agreement_links-0-note": "announces the signing",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get(slug="havana-signs-a-deal")
    assert sorted(article.tags.names()) == ["Blackouts", "Cuba", "Energy"]
    assert Topic.objects.filter(name__iexact="cuba").count() == 1
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "IR"]
    assert article.ordered_authors() == [author]
    assert article.sources.get().outlet == "IRNA"
    assert ArticleAgreement.objects.get(article=article).note == "announces the signing"
    assert list(article.people.all()) == [person]
    assert article.status == Article.Status.DRAFT
    assert article.created_by.username == "eddie"


def test_change_form_round_trips_unchanged(editor_client, admin_form_data):
    article = ArticleFactory(
        public=True, authors=[AuthorFactory()], topics=["Energy"], country_codes=["CU", "RU"], body="<p>Kept.</p>"
    )
    factories.SourceFactory(article=article)
    events = EditorialEvent.objects.count()
    response = editor_client.post(change_url(article), admin_form_data(editor_client, change_url(article)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["CU", "RU"]
    assert list(article.tags.names()) == ["Energy"]
    assert article.body == "<p>Kept.</p>"
    assert EditorialEvent.objects.count() == events  # nothing changed, nothing recorded


@pytest.mark.parametrize("bad", ["Atlantis", "999999", "Cuba"])
def test_an_unknown_country_is_a_form_error_and_never_created(editor_client, admin_form_data, bad):
    countries = Country.objects.count()
    data = new_article_data(editor_client, admin_form_data, countries=[bad])
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "countries" in response.context["adminform"].form.errors
    assert Country.objects.count() == countries
    assert not Article.objects.exists()


def test_countries_autocomplete_offers_only_seeded_countries(editor_client):
    url = reverse("admin:autocomplete")
    params = {"app_label": "newsroom", "model_name": "article", "field_name": "countries"}
    found = editor_client.get(url, {**params, "term": "Cuba"}).json()["results"]
    assert [r["text"] for r in found] == ["Cuba"]
    assert editor_client.get(url, {**params, "term": "Atlantis"}).json()["results"] == []
    by_spanish_name = editor_client.get(url, {**params, "term": "Rusia"}).json()["results"]
    assert [r["text"] for r in by_spanish_name] == ["Russia", "Belarus"]  # exact Spanish name first


@pytest.mark.parametrize(
    "field",
    ["tags", "countries", "people", "organizations", "bylines-0-author", "agreement_links-0-agreement"],
)
def test_a_non_id_in_any_autocomplete_field_is_a_form_error_not_a_500(editor_client, admin_form_data, field):
    data = new_article_data(editor_client, admin_form_data)
    data.update({"bylines-TOTAL_FORMS": "1", "agreement_links-TOTAL_FORMS": "1", field: "abc"})
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode() or "is not a valid value" in response.content.decode()
    assert not Article.objects.exists()


def test_topics_autocomplete_finds_existing_topics(writer_client):
    # A topic a public story carries: writers are offered those and their own.
    ArticleFactory(public=True, topics=["Sanctions"])
    url = reverse("admin:autocomplete")
    response = writer_client.get(
        url, {"app_label": "newsroom", "model_name": "article", "field_name": "tags", "term": "sanc"}
    )
    assert [r["text"] for r in response.json()["results"]] == ["Sanctions"]


def test_new_topic_that_is_too_long_is_a_form_error(editor_client, admin_form_data):
    data = new_article_data(editor_client, admin_form_data, new_topics="x" * 101)
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "new_topics" in response.context["adminform"].form.errors


def test_duplicate_agreement_link_is_a_form_error(editor_client, admin_form_data):
    agreement = AgreementFactory()
    data = new_article_data(editor_client, admin_form_data)
    data.update(
        {
            "agreement_links-TOTAL_FORMS": "2",
            "agreement_links-0-agreement": str(agreement.pk),
            "agreement_links-0-relation": "about",
            "agreement_links-1-agreement": str(agreement.pk),
            "agreement_links-1-relation": "mentions",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Please correct the duplicate data" in response.content.decode()
    assert not Article.objects.exists()


def test_duplicate_slug_is_a_form_error(editor_client, admin_form_data):
    ArticleFactory(slug="havana-signs-a-deal")
    response = editor_client.post(ADD_URL, new_article_data(editor_client, admin_form_data))
    assert response.status_code == 200
    assert "slug" in response.context["adminform"].form.errors


def test_an_accented_slug_is_accepted_and_stored_in_address_form(editor_client, admin_form_data):
    """Addresses are lower-case ASCII (issue "Spanish first"): what the
    editor types is folded, not refused."""
    data = new_article_data(editor_client, admin_form_data, headline="Díaz-Canel en Moscú", slug="Díaz-Canel")
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.filter(slug="diaz-canel").exists()


# -- Workflow from the form ----------------------------------------------------


def test_writer_cannot_publish_with_a_raw_post_on_add(writer_client, admin_form_data):
    data = new_article_data(writer_client, admin_form_data)
    assert "status" not in data  # read-only for writers: no input is rendered
    data.update({"status": "published", "published_at_0": "2024-01-01", "published_at_1": "10:00:00"})
    assert writer_client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.DRAFT
    assert article.published_at is None
    assert not Article.objects.published().exists()


def test_writer_cannot_publish_with_a_raw_post_on_change(writer_client, writer_user, admin_form_data):
    article = ArticleFactory(created_by=writer_user)
    data = admin_form_data(writer_client, change_url(article))
    data.update({"status": "published", "published_at_0": "2024-01-01", "published_at_1": "10:00:00"})
    assert writer_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not EditorialEvent.objects.exists()


@pytest.mark.parametrize("action", ["publish", "schedule", "unpublish", "archive", "no-such-thing"])
def test_a_writer_pressing_an_editors_button_by_hand_gets_an_error_and_nothing_is_saved(
    writer_client, writer_user, admin_form_data, action
):
    article = ArticleFactory(created_by=writer_user, headline="As it was")
    data = admin_form_data(writer_client, change_url(article))
    later = timezone.localtime() + timedelta(days=2)
    data.update(
        {
            "_action": action,
            "headline": "Typed words",
            "published_at_0": f"{later:%Y-%m-%d}",
            "published_at_1": "10:00:00",
        }
    )
    response = writer_client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "That action is not open to you on this story now. Nothing was saved." in page
    assert 'value="Typed words"' in page  # what was typed is still in the form
    article.refresh_from_db()
    assert (article.headline, article.status, article.published_at) == ("As it was", "draft", None)
    assert not EditorialEvent.objects.exists()


def test_writer_with_an_author_profile_gets_the_byline(writer_client, writer_user, admin_form_data):
    own = AuthorFactory(user=writer_user, name="Wendy")
    assert writer_client.post(ADD_URL, new_article_data(writer_client, admin_form_data)).status_code == 302
    article = Article.objects.get()
    assert article.ordered_authors() == [own]
    assert article.created_by == writer_user


def test_writer_keeps_the_byline_they_chose(writer_client, writer_user, admin_form_data):
    AuthorFactory(user=writer_user)
    colleague = AuthorFactory(name="Colleague")
    data = new_article_data(writer_client, admin_form_data)
    data.update({"bylines-TOTAL_FORMS": "1", "bylines-0-author": str(colleague.pk), "bylines-0-position": "0"})
    assert writer_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().ordered_authors() == [colleague]


def test_writer_submits_for_review_from_the_form(writer_client, writer_user, admin_form_data):
    article = ArticleFactory(created_by=writer_user)
    page = writer_client.get(change_url(article)).content.decode()
    assert 'value="review"' in page
    data = admin_form_data(writer_client, change_url(article))
    data["_action"] = "review"
    assert writer_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW
    assert EditorialEvent.objects.get().action == "submit"


def test_editor_publishes_from_the_form_through_the_service(editor_client, editor_user, admin_form_data):
    article = ArticleFactory()
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "publish"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_public
    event = EditorialEvent.objects.get()
    assert (event.action, event.from_status, event.to_status, event.user) == (
        "publish",
        "draft",
        "published",
        editor_user,
    )


def test_editor_schedules_with_a_future_time(editor_client, admin_form_data):
    article = ArticleFactory()
    later = timezone.localtime() + timedelta(days=2)
    data = admin_form_data(editor_client, change_url(article))
    data.update({"_action": "schedule", "published_at_0": f"{later:%Y-%m-%d}", "published_at_1": f"{later:%H:%M:%S}"})
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_scheduled
    assert not article.is_public
    assert EditorialEvent.objects.get().action == "schedule"


@pytest.mark.parametrize("when", ["", "past"])
def test_scheduling_without_a_future_time_asks_for_one_and_saves_nothing(editor_client, admin_form_data, when):
    article = ArticleFactory(headline="As it was")
    earlier = timezone.localtime() - timedelta(days=1)
    data = admin_form_data(editor_client, change_url(article))
    data.update(
        {
            "_action": "schedule",
            "headline": "Typed words",
            "published_at_0": f"{earlier:%Y-%m-%d}" if when else "",
            "published_at_1": "10:00:00" if when else "",
        }
    )
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "give it a publication time in the future (Cuba time)" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status, article.published_at) == ("As it was", "draft", None)


@pytest.mark.parametrize("day", ["9999-12-31", "3000-01-01", "1899-12-31", "0001-01-01"])
def test_a_publication_time_out_of_range_is_a_form_error(editor_client, admin_form_data, day):
    """9999-12-31 23:00 in Havana is in the year 10000 in UTC: it once
    failed on saving (SQLite) instead of saying what was wrong."""
    article = ArticleFactory(headline="Kept as it was")
    data = admin_form_data(editor_client, change_url(article))
    data.update({"_action": "schedule", "published_at_0": day, "published_at_1": "23:00:00", "headline": "Changed"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "between the years 1900 and 2999" in response.content.decode()
    article.refresh_from_db()
    assert (article.headline, article.status, article.published_at) == ("Kept as it was", "draft", None)


def test_editor_unpublishes_from_the_form(editor_client, admin_form_data):
    article = ArticleFactory(public=True)
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "unpublish"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.DRAFT, None)
    assert EditorialEvent.objects.get().action == "unpublish"


def test_editor_adds_an_article_straight_to_published(editor_client, admin_form_data):
    data = new_article_data(editor_client, admin_form_data, _action="publish")
    assert editor_client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    assert article.is_public
    assert EditorialEvent.objects.get().action == "publish"


def test_saving_content_of_a_published_article_keeps_its_time(editor_client, admin_form_data):
    article = ArticleFactory(public=True)
    original = article.published_at
    data = admin_form_data(editor_client, change_url(article))
    data["headline"] = "A corrected headline"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.headline == "A corrected headline"
    assert article.published_at == original
    assert not EditorialEvent.objects.exists()


# -- Who sees what ---------------------------------------------------------------


def test_writer_lists_their_own_stories_but_no_colleagues(writer_client, writer_user):
    ArticleFactory(headline="My draft", created_by=writer_user)
    ArticleFactory(headline="My review", created_by=writer_user, status="review")
    # Published stories of theirs are listed too, and open read only
    # (tests/test_story_form.py).
    ArticleFactory(headline="My published piece", created_by=writer_user, public=True)
    ArticleFactory(headline="A colleague's draft")
    ArticleFactory(headline="A colleague's published story", public=True)
    html = writer_client.get(LIST_URL).content.decode()
    assert "My draft" in html
    assert "My review" in html
    assert "My published piece" in html
    assert "colleague" not in html


def test_writer_sees_drafts_they_are_bylined_on(writer_client, writer_user):
    ArticleFactory(headline="Shared draft", authors=[AuthorFactory(user=writer_user)])
    assert "Shared draft" in writer_client.get(LIST_URL).content.decode()


@pytest.mark.parametrize("kind", ["colleague's draft", "colleague's published story"])
def test_writer_cannot_open_or_change_a_colleagues_article(writer_client, writer_user, kind):
    article = ArticleFactory(headline="Theirs", public=kind.endswith("published story"))
    response = writer_client.get(change_url(article))
    assert response.status_code in (302, 403)
    response = writer_client.post(change_url(article), {"headline": "Mine now", "slug": article.slug})
    assert response.status_code in (302, 403)
    article.refresh_from_db()
    assert article.headline == "Theirs"


def test_writer_opens_their_published_story_but_cannot_change_it(writer_client, writer_user):
    article = ArticleFactory(headline="Theirs", created_by=writer_user, public=True)
    response = writer_client.get(change_url(article))
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    response = writer_client.post(change_url(article), {"headline": "Mine now", "slug": article.slug})
    assert response.status_code == 403
    article.refresh_from_db()
    assert article.headline == "Theirs"


def test_writer_does_not_get_the_publishing_actions(writer_client, writer_user):
    article = ArticleFactory(created_by=writer_user)
    actions = dict(writer_client.get(LIST_URL).context["action_form"].fields["action"].choices)
    assert "submit_selected_for_review" in actions
    assert "publish_selected" not in actions
    response = writer_client.post(LIST_URL, {"action": "publish_selected", "_selected_action": [article.pk]})
    assert response.status_code in (200, 302)
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# -- Actions ---------------------------------------------------------------------


def run_action(client, action: str, *articles):
    return client.post(
        LIST_URL, {"action": action, "_selected_action": [a.pk for a in articles], "index": 0}, follow=True
    )


def test_publish_action(editor_client, editor_user):
    first, second = ArticleFactory(), ArticleFactory(status="review")
    response = run_action(editor_client, "publish_selected", first, second)
    assert response.status_code == 200
    assert Article.objects.published().count() == 2
    assert EditorialEvent.objects.filter(action="publish", user=editor_user).count() == 2
    assert "Published: 2." in messages_of(response)


def test_unpublish_action_reports_the_article_it_could_not_change(editor_client):
    public, draft = ArticleFactory(public=True), ArticleFactory(headline="Still a draft")
    response = run_action(editor_client, "unpublish_selected", public, draft)
    assert response.status_code == 200
    public.refresh_from_db()
    assert public.status == Article.Status.DRAFT
    texts = messages_of(response)
    assert "Unpublished: 1." in texts
    assert any("Still a draft" in text and "Only a published" in text for text in texts)


def test_archive_action(editor_client):
    article = ArticleFactory(public=True)
    run_action(editor_client, "archive_selected", article)
    article.refresh_from_db()
    assert article.status == Article.Status.ARCHIVED
    assert not Article.objects.published().exists()


def test_submit_for_review_action_as_writer(writer_client, writer_user):
    article = ArticleFactory(created_by=writer_user)
    response = run_action(writer_client, "submit_selected_for_review", article)
    assert "Submitted for review: 1." in messages_of(response)
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


# -- View on site and preview ----------------------------------------------------


def test_public_article_has_view_on_site_and_no_preview(editor_client):
    article = ArticleFactory(public=True)
    html = editor_client.get(change_url(article)).content.decode()
    assert f'href="{article.get_absolute_url()}"' in html
    assert preview_url(article) not in html


@pytest.mark.parametrize("state", [{"status": "draft"}, {"scheduled": True}, {"status": "archived"}])
def test_non_public_article_has_preview_instead_of_view_on_site(editor_client, state):
    article = ArticleFactory(**state)
    html = editor_client.get(change_url(article)).content.decode()
    assert preview_url(article) in html
    assert "View on site" not in html


def test_preview_renders_the_public_template_for_staff(editor_client):
    article = ArticleFactory(headline="Draft headline", body="<p>Draft body</p>", authors=[AuthorFactory()])
    response = editor_client.get(preview_url(article))
    assert response.status_code == 200
    assert "newsroom/article_detail.html" in [t.name for t in response.templates]
    assert response.context["preview"] is True
    assert response.context["article"] == article
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert "Draft headline" in html
    assert "<p>Draft body</p>" in html
    assert "Preview — not public" in html
    assert '<meta name="robots" content="noindex">' in html
    # The article itself stays hidden from readers.
    assert editor_client.get(article.get_absolute_url()).status_code == 404


def test_writer_previews_own_draft_but_not_a_colleagues(writer_client, writer_user):
    own = ArticleFactory(created_by=writer_user)
    theirs = ArticleFactory()
    assert writer_client.get(preview_url(own)).status_code == 200
    assert writer_client.get(preview_url(theirs)).status_code == 404


def test_preview_is_for_staff_only(client):
    article = ArticleFactory()
    response = client.get(preview_url(article))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.mark.parametrize("object_id", ["999999", "abc"])
def test_preview_of_a_missing_article_is_404(editor_client, object_id):
    url = reverse("admin:newsroom_article_preview", args=[object_id])
    assert editor_client.get(url).status_code == 404


# -- The other newsroom admins ---------------------------------------------------


def test_topic_and_author_lists_count_articles_without_a_query_per_row(editor_client, django_assert_max_num_queries):
    author = AuthorFactory(name="Ana Pérez")
    ArticleFactory(authors=[author], topics=["Energy"])
    ArticleFactory(authors=[author], topics=["Energy", "Oil"])
    for url in (reverse("admin:newsroom_topic_changelist"), reverse("admin:newsroom_author_changelist")):
        with CaptureQueriesContext(connection) as few:
            editor_client.get(url)
        for n in range(20):
            AuthorFactory()
            Topic.objects.create(name=f"extra {n} {url}")
        with django_assert_max_num_queries(len(few)):
            response = editor_client.get(url)
        assert response.status_code == 200
    topics = {
        t.name: t.article_count
        for t in editor_client.get(reverse("admin:newsroom_topic_changelist")).context["cl"].result_list
    }
    assert topics["Energy"] == 2
    assert topics["Oil"] == 1
    authors = editor_client.get(reverse("admin:newsroom_author_changelist")).context["cl"].result_list
    assert {a.name: a.article_count for a in authors}["Ana Pérez"] == 2


def test_author_slug_is_prefilled_and_user_is_linked(editor_client, editor_user):
    html = unescape(editor_client.get(reverse("admin:newsroom_author_add")).content.decode())
    assert '"dependency_ids": ["#id_name"]' in html
    response = editor_client.post(
        reverse("admin:newsroom_author_add"),
        {"name": "Eddie", "slug": "eddie", "bio": "", "user": str(editor_user.pk)},
    )
    assert response.status_code == 302
    assert Author.objects.get(slug="eddie").user == editor_user


def test_correction_list_shows_article_and_text(editor_client):
    CorrectionFactory(article__headline="Corrected story", text="An earlier version misspelled a name.")
    html = editor_client.get(reverse("admin:newsroom_correction_changelist")).content.decode()
    assert "Corrected story" in html
    assert "misspelled" in html


def test_editorial_events_are_a_read_only_audit_trail(editor_client, editor_user):
    article = ArticleFactory(headline="Audited story")
    services.publish(article=article, user=editor_user)
    event = EditorialEvent.objects.get()
    html = editor_client.get(reverse("admin:newsroom_editorialevent_changelist")).content.decode()
    assert "Audited story" in html
    assert "eddie" in html
    assert editor_client.get(reverse("admin:newsroom_editorialevent_add")).status_code == 403
    url = reverse("admin:newsroom_editorialevent_change", args=[event.pk])
    assert editor_client.post(url, {"action": "forged"}).status_code == 403
    assert editor_client.get(reverse("admin:newsroom_editorialevent_delete", args=[event.pk])).status_code == 403
    event.refresh_from_db()
    assert event.action == "publish"


# -- Every page, by role ---------------------------------------------------------


OUR_MODELS = sorted(
    (model._meta.app_label, model._meta.model_name)
    for model in admin.site._registry
    if model._meta.app_label in ("newsroom", "alliances")
)


@pytest.mark.parametrize(("app_label", "model_name"), OUR_MODELS)
def test_every_list_and_add_page_answers_200_for_an_editor(editor_client, app_label, model_name):
    ArticleFactory(public=True, authors=[AuthorFactory()], topics=["Energy"], country_codes=["CU"])
    AgreementFactory()
    assert editor_client.get(reverse(f"admin:{app_label}_{model_name}_changelist")).status_code == 200
    # The audit trail is written by the services only: nobody adds to it.
    # There is one front page (made by a migration): nobody adds another.
    expected = 403 if model_name in ("editorialevent", "frontpage") else 200
    assert editor_client.get(reverse(f"admin:{app_label}_{model_name}_add")).status_code == expected


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:newsroom_author_add",
        "admin:newsroom_editorialevent_changelist",
        "admin:alliances_agreement_add",
        "admin:alliances_country_add",
        "admin:alliances_sector_add",
    ],
)
def test_writer_gets_403_where_they_have_no_rights(writer_client, url_name):
    assert writer_client.get(reverse(url_name)).status_code == 403


def test_writer_cannot_change_an_author_or_delete_a_country(writer_client):
    author = AuthorFactory(name="Original")
    url = reverse("admin:newsroom_author_change", args=[author.pk])
    assert writer_client.post(url, {"name": "Renamed", "slug": author.slug}).status_code == 403
    author.refresh_from_db()
    assert author.name == "Original"
    cuba = Country.objects.get(iso2="CU")
    assert (
        writer_client.post(reverse("admin:alliances_country_delete", args=[cuba.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert Country.objects.filter(pk=cuba.pk).exists()


def test_byline_positions_order_the_authors(editor_client, admin_form_data):
    first, second = AuthorFactory(name="First"), AuthorFactory(name="Second")
    data = new_article_data(editor_client, admin_form_data)
    data.update(
        {
            "bylines-TOTAL_FORMS": "2",
            "bylines-0-author": str(second.pk),
            "bylines-0-position": "2",
            "bylines-1-author": str(first.pk),
            "bylines-1-position": "1",
        }
    )
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert Article.objects.get().ordered_authors() == [first, second]
    assert Byline.objects.count() == 2


def test_a_refused_status_change_is_a_message_not_a_500(editor_client, admin_form_data, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError("The desk is closed.")

    # Another editor's change between the form's check and the service's
    # (the service refuses): the content is kept, the state is not changed.
    monkeypatch.setattr(services, "publish", refuse)
    article = ArticleFactory(headline="Before")
    data = admin_form_data(editor_client, change_url(article))
    data.update({"headline": "After", "_action": "publish"})
    response = editor_client.post(change_url(article), data, follow=True)
    assert response.status_code == 200
    assert any("state did not change: The desk is closed." in text for text in messages_of(response))
    assert not any(text.startswith("Published") for text in messages_of(response))
    article.refresh_from_db()
    assert (article.headline, article.status) == ("After", Article.Status.DRAFT)


@pytest.mark.parametrize(
    ("app_label", "model_name", "field_name"),
    [
        ("newsroom", "author", "articles"),
        ("alliances", "country", "agreements"),
        ("alliances", "agreement", "superseded_by"),
        ("auth", "user", "author"),
    ],
)
def test_autocomplete_for_a_reverse_relation_is_refused_not_a_500(editor_client, app_label, model_name, field_name):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "a", "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 403


def test_autocomplete_still_answers_for_a_real_field(editor_client):
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": "iran", "app_label": "newsroom", "model_name": "article", "field_name": "countries"},
    )
    assert response.status_code == 200
    assert "Iran" in response.content.decode()


@pytest.mark.parametrize("bad", ["abc", "1.5", "\x00", "99999999999999999999"])
def test_action_on_ids_that_are_not_ids_is_a_400_not_a_500(editor_client, bad):
    article = ArticleFactory(headline="Untouched")
    response = editor_client.post(
        "/admin/newsroom/article/", {"action": "publish_selected", "_selected_action": [str(article.pk), bad]}
    )
    assert response.status_code == 400
    article.refresh_from_db()
    assert article.status == "draft"


@pytest.mark.parametrize(
    "query",
    ["created_at__year=0", "created_at__year=9999", "published_at__year=-1", "created_at__month=13", "x__day=²"],
)
def test_date_filter_out_of_range_is_a_400_not_a_500(editor_client, query):
    assert editor_client.get(f"/admin/newsroom/article/?{query}").status_code == 400


def test_valid_date_filter_still_works(editor_client):
    ArticleFactory(public=True)
    assert editor_client.get("/admin/newsroom/article/?published_at__year=2026").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/admin/newsroom/correction/add/?article=99999999999999999999",
        "/admin/newsroom/article/?created_by__id__exact=18446744073709551616",
    ],
)
def test_a_number_no_database_holds_is_a_400_not_a_500(editor_client, url):
    assert editor_client.get(url).status_code == 400


def test_ordinary_prefills_still_work(editor_client):
    article = ArticleFactory(public=True)
    assert editor_client.get(f"/admin/newsroom/correction/add/?article={article.pk}").status_code == 200
