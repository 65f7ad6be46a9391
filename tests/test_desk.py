"""The newsroom desk (the admin's start page), the article form's layout and
its publishing rules, accent-insensitive pickers and the body sanitiser, as
writers and editors meet them through real requests. The browser side is in
test_browser_desk.py."""

import re
from datetime import timedelta
from html import unescape
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from alliances.models import Country
from newsroom.editorial import desk, services, translations
from newsroom.models import Article, EditorialEvent, Topic
from tests import factories
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory
from tests.responses import change_url, messages_of

pytestmark = pytest.mark.django_db

DESK_URL = reverse("admin:index")
ADD_URL = reverse("admin:newsroom_article_add")
LIST_URL = reverse("admin:newsroom_article_changelist")


def publish_url(article) -> str:
    return reverse("admin:desk_publish", args=[article.pk])


def sections(response) -> dict:
    return {section.key: section for section in response.context["desk"]}


def headlines(section) -> list[str]:
    return [row.article.headline for row in section.rows]


def section_html(html: str, key: str) -> str:
    """The rendered HTML of one desk section."""
    match = re.search(rf'<section[^>]*id="desk-{key}".*?</section>', html, re.S)
    assert match, f"no section {key}"
    return match.group(0)


def png_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (40, 20), (30, 90, 140)).save(buffer, format="PNG")
    return buffer.getvalue()


def small_png(name: str = "hero.png") -> ContentFile:
    return ContentFile(png_bytes(), name=name)


def png_upload(name: str = "hero.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(), content_type="image/png")


# -- The desk ------------------------------------------------------------------


def test_the_desk_is_the_admin_start_page_and_keeps_every_app_below(editor_client):
    response = editor_client.get(DESK_URL)
    assert response.status_code == 200
    html = response.content.decode()
    keys = [s.key for s in response.context["desk"]]
    assert keys == ["missed", "review", "scheduled", "recent", "mine", "stale", "translations"]
    for title in (
        "Waiting for review",
        "Scheduled next",
        "Recently published",
        "My drafts",
        "Stale drafts",
        "Stale translations",
    ):
        assert f">{title}</h2>" in html
    # Only shown when a story did miss its time.
    assert 'id="desk-missed"' not in html
    assert "<title>The desk | Newsroom</title>" in html
    assert f'href="{ADD_URL}"' in html  # "Write a story"
    # The usual list of apps and models is still there, below the desk.
    apps = html.index('id="all-records"')
    assert html.index('id="desk-review"') < apps
    assert reverse("admin:alliances_agreement_changelist") in html[apps:]
    assert reverse("admin:newsroom_topic_changelist") in html[apps:]


@pytest.mark.parametrize(
    "url",
    [reverse("admin:login"), DESK_URL, LIST_URL, ADD_URL, reverse("admin:alliances_agreement_add")],
)
def test_every_admin_page_loads_the_focus_ring(editor_client, url):
    if url == reverse("admin:login"):
        editor_client.logout()
    html = editor_client.get(url).content.decode()
    assert html.count("newsroom-admin/admin.css") == 1


def test_review_queue_lists_the_longest_waiting_first_with_byline_countries_and_last_editor(editor_client, writer_user):
    author = AuthorFactory(name="Ana Pérez", user=writer_user)
    first = ArticleFactory(headline="Handed in first", authors=[author], country_codes=["IR", "CU"])
    second = ArticleFactory(headline="Handed in second", created_by=writer_user, country_codes=["RU"])
    ArticleFactory(headline="Still a draft")
    services.submit_for_review(article=first, user=writer_user)
    services.submit_for_review(article=second, user=writer_user)
    EditorialEvent.objects.filter(article=first).update(created_at=timezone.now() - timedelta(hours=3))

    response = editor_client.get(DESK_URL)
    review = sections(response)["review"]
    assert headlines(review) == ["Handed in first", "Handed in second"]
    html = section_html(response.content.decode(), "review")
    assert "Still a draft" not in html
    assert "Ana Pérez" in html
    assert "Cuba, Iran" in html  # countries, by name
    assert "wendy" in html  # who handed it in last touched it
    assert "Waiting since" in html
    assert "3\xa0hours ago" in html


def test_scheduled_section_shows_the_next_story_first_with_its_time(editor_client):
    now = timezone.now()
    later = ArticleFactory(headline="Later", status="published", published_at=now + timedelta(days=2))
    ArticleFactory(headline="Sooner", status="published", published_at=now + timedelta(hours=2))
    ArticleFactory(headline="Already out", public=True)
    response = editor_client.get(DESK_URL)
    assert headlines(sections(response)["scheduled"]) == ["Sooner", "Later"]
    html = section_html(response.content.decode(), "scheduled")
    assert "Already out" not in html
    local = timezone.localtime(later.published_at)
    assert f'<time datetime="{local.isoformat()}">{local:%a} {local.day} {local:%b, %H:%M}</time>' in html
    assert "Goes out" in html


def test_a_story_that_missed_its_planned_time_is_flagged_first(editor_client):
    now = timezone.now()
    ArticleFactory(headline="Due an hour ago", status="review", published_at=now - timedelta(hours=1))
    ArticleFactory(headline="Planned for tonight", status="review", published_at=now + timedelta(hours=5))
    ArticleFactory(headline="Out on time", public=True)
    response = editor_client.get(DESK_URL)
    assert headlines(sections(response)["missed"]) == ["Due an hour ago"]
    html = response.content.decode()
    assert html.index('id="desk-missed"') < html.index('id="desk-review"')
    assert "was due" in section_html(html, "missed")
    review = section_html(html, "review")
    assert "Missed its planned time" in review  # flagged in the queue too
    planned = re.search(r'<li class="desk-item[^"]*">(?:(?!</li>).)*Planned for tonight.*?</li>', review, re.S)
    assert planned and "Planned for" in planned.group(0) and "needs an editor" in planned.group(0)


def test_recently_published_is_newest_first_and_holds_only_public_articles(editor_client):
    now = timezone.now()
    ArticleFactory(headline="Yesterday", status="published", published_at=now - timedelta(days=1))
    ArticleFactory(headline="An hour ago", status="published", published_at=now - timedelta(hours=1))
    ArticleFactory(headline="Tomorrow", scheduled=True)
    ArticleFactory(headline="Archived piece", status="archived", published_at=now - timedelta(hours=2))
    ArticleFactory(headline="A draft")
    assert headlines(sections(editor_client.get(DESK_URL))["recent"]) == ["An hour ago", "Yesterday"]


def test_stale_drafts_are_those_untouched_for_two_weeks_oldest_first(editor_client):
    old = ArticleFactory(headline="Forgotten")
    older = ArticleFactory(headline="Long forgotten")
    ArticleFactory(headline="Fresh draft")
    in_review = ArticleFactory(headline="Old but in review", status="review")
    Article.objects.filter(pk=old.pk).update(updated_at=timezone.now() - desk.STALE_AFTER - timedelta(days=1))
    Article.objects.filter(pk__in=[older.pk, in_review.pk]).update(updated_at=timezone.now() - timedelta(days=40))
    assert headlines(sections(editor_client.get(DESK_URL))["stale"]) == ["Long forgotten", "Forgotten"]


def test_my_drafts_are_what_i_started_or_carry_the_byline_of(writer_client, writer_user):
    ArticleFactory(headline="Started by me", created_by=writer_user)
    ArticleFactory(headline="Bylined to me", authors=[AuthorFactory(user=writer_user)], status="review")
    ArticleFactory(headline="A colleague's draft")
    ArticleFactory(headline="My story, now public", created_by=writer_user, public=True)
    response = writer_client.get(DESK_URL)
    mine = sections(response)["mine"]
    assert sorted(headlines(mine)) == ["Bylined to me", "Started by me"]
    assert all(row.change_url for row in mine.rows)


def test_a_writer_sees_only_their_drafts_and_what_is_public(writer_client, writer_user):
    ArticleFactory(headline="A colleague's draft")
    ArticleFactory(headline="A colleague's story in review", status="review")
    ArticleFactory(headline="Scheduled secret", scheduled=True)
    public = ArticleFactory(headline="Out now", public=True)
    response = writer_client.get(DESK_URL)
    assert [s.key for s in response.context["desk"]] == ["mine", "recent"]
    html = response.content.decode()
    for hidden in ("colleague", "Scheduled secret"):
        assert hidden not in html
    recent = section_html(html, "recent")
    assert f'href="{public.get_absolute_url()}"' in recent
    assert change_url(public) not in html  # writers cannot edit published stories
    assert "Publish now" not in html


def test_rows_carry_the_links_to_act_on_them(editor_client):
    draft = ArticleFactory(headline="To review", status="review")
    public = ArticleFactory(headline="Public", public=True)
    scheduled = ArticleFactory(headline="Soon", scheduled=True)
    html = editor_client.get(DESK_URL).content.decode()
    review = section_html(html, "review")
    assert f'href="{change_url(draft)}"' in review
    assert f'href="{reverse("admin:newsroom_article_preview", args=[draft.pk])}"' in review
    assert f'action="{publish_url(draft)}"' in review
    recent = section_html(html, "recent")
    assert f'href="{public.get_absolute_url()}"' in recent
    assert "Publish now" not in recent
    upcoming = section_html(html, "scheduled")
    assert f'href="{change_url(scheduled)}"' in upcoming
    assert scheduled.get_absolute_url() not in upcoming  # not public yet: preview, not "view on site"
    assert reverse("admin:newsroom_article_preview", args=[scheduled.pk]) in upcoming


def test_last_editor_is_whoever_changed_the_story_most_recently(editor_client, editor_user, writer_user):
    editor_user.first_name, editor_user.last_name = "Eddie", "Editor"
    editor_user.save()
    article = ArticleFactory(headline="Handed over", created_by=writer_user)
    assert sections(editor_client.get(DESK_URL))["stale"].rows == []
    services.submit_for_review(article=article, user=writer_user)
    row = sections(editor_client.get(DESK_URL))["review"].rows[0]
    assert row.last_editor == "wendy"
    services.schedule(article=article, user=editor_user, at=timezone.now() + timedelta(hours=1))
    row = sections(editor_client.get(DESK_URL))["scheduled"].rows[0]
    assert row.last_editor == "Eddie Editor"


def test_markup_in_a_headline_or_author_is_escaped_on_the_desk(editor_client):
    ArticleFactory(
        headline='<script>alert("x")</script> Story',
        status="review",
        authors=[AuthorFactory(name="<b>Bold</b> Name")],
    )
    html = editor_client.get(DESK_URL).content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html
    assert "<b>Bold</b>" not in html


def make_everything(n: int, writer_user) -> None:
    """One article in every section of the desk, with bylines, countries and
    an audit trail."""
    author = AuthorFactory()
    now = timezone.now()
    review = ArticleFactory(status="draft", authors=[author], country_codes=["CU", "IR"], created_by=writer_user)
    services.submit_for_review(article=review, user=writer_user)
    ArticleFactory(scheduled=True, authors=[author], country_codes=["RU"])
    ArticleFactory(public=True, authors=[author, AuthorFactory()], country_codes=["VE"], topics=[f"t{n}"])
    stale = ArticleFactory(authors=[author], country_codes=["CN"])
    Article.objects.filter(pk=stale.pk).update(updated_at=now - timedelta(days=30))
    ArticleFactory(status="review", published_at=now - timedelta(hours=n + 1), authors=[author], country_codes=["MX"])
    ArticleFactory(created_by=factories.UserFactory(username="eddie"), country_codes=["KP"])
    # A translation whose source was corrected after it was made.
    translator = factories.editor(username="translator")
    source = ArticleFactory(public=True, language="es", authors=[author], country_codes=["AR"])
    translations.start_translation(source=source, user=translator)
    services.add_correction(article=source, text=f"Fix number {n}.", user=translator)


def test_the_desk_runs_the_same_queries_for_1_or_30_articles_a_section(
    editor_client, writer_user, django_assert_max_num_queries
):
    make_everything(0, writer_user)
    editor_client.get(DESK_URL)  # warm the content-type and session caches
    with CaptureQueriesContext(connection) as one:
        response = editor_client.get(DESK_URL)
    assert all(section.rows for section in response.context["desk"])
    for n in range(1, 30):
        make_everything(n, writer_user)
    with django_assert_max_num_queries(len(one)):
        response = editor_client.get(DESK_URL)
    assert response.status_code == 200
    for section in response.context["desk"]:
        assert len(section.rows) == desk.ROWS
        assert section.more_url or section.key == "mine"


# -- Publishing from the desk ------------------------------------------------------


def test_publish_now_on_the_desk_publishes_through_the_service(editor_client, editor_user):
    article = ArticleFactory(headline="Ready", status="review")
    response = editor_client.post(publish_url(article), follow=True)
    assert response.redirect_chain[-1][0] == DESK_URL
    article.refresh_from_db()
    assert article.is_public
    assert EditorialEvent.objects.get(action="publish").user == editor_user
    assert "“Ready” is published." in messages_of(response)


def test_a_story_with_a_planned_time_is_scheduled_for_it_from_the_desk(editor_client):
    planned = (timezone.now() + timedelta(hours=6)).replace(microsecond=0)
    article = ArticleFactory(headline="For tonight", status="review", published_at=planned)
    html = section_html(editor_client.get(DESK_URL).content.decode(), "review")
    local = timezone.localtime(planned)
    assert f"Schedule for {local:%a} {local.day} {local:%b, %H:%M}" in html
    response = editor_client.post(publish_url(article), {"when": "planned"}, follow=True)
    article.refresh_from_db()
    assert article.is_scheduled
    assert article.published_at == planned
    assert any("“For tonight” goes out" in text for text in messages_of(response))
    assert EditorialEvent.objects.filter(action="schedule").exists()


@pytest.mark.parametrize("planned", [None, timedelta(hours=-1)])
def test_scheduling_for_a_planned_time_that_is_missing_or_past_is_refused(editor_client, planned):
    at = timezone.now() + planned if planned else None
    article = ArticleFactory(headline="No slot", status="review", published_at=at)
    assert "Schedule for" not in section_html(editor_client.get(DESK_URL).content.decode(), "review")
    response = editor_client.post(publish_url(article), {"when": "planned"}, follow=True)
    assert any("was not published" in text for text in messages_of(response))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_a_writer_cannot_publish_from_the_desk(writer_client, writer_user):
    # Refused before the article is looked up, as for an id that does not
    # exist (tests/test_door_checks.py): no headline in a message.
    article = ArticleFactory(created_by=writer_user, status="review", headline="Waiting for the desk")
    response = writer_client.post(publish_url(article), follow=True)
    assert response.status_code == 403
    assert "Waiting for the desk" not in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_publish_now_refuses_a_photo_without_alt_text(editor_client):
    article = ArticleFactory(headline="No alt", status="review", image=small_png())
    response = editor_client.post(publish_url(article), follow=True)
    assert any("alt text" in text for text in messages_of(response))
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


@pytest.mark.parametrize("pk", [0, 999999])
def test_publish_now_for_a_missing_article_is_404_and_get_is_refused(editor_client, pk):
    assert editor_client.post(reverse("admin:desk_publish", args=[pk])).status_code == 404
    article = ArticleFactory(status="review")
    assert editor_client.get(publish_url(article)).status_code == 405
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


def test_publish_now_needs_a_login(client):
    article = ArticleFactory(status="review")
    response = client.post(publish_url(article))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    article.refresh_from_db()
    assert article.status == Article.Status.REVIEW


# -- The article form ----------------------------------------------------------------


def form_headings(html: str) -> list[str]:
    form = html[html.index('id="article_form"') :]
    return [unescape(re.sub(r"\s+", " ", h)).strip() for h in re.findall(r"<h2[^>]*>(.*?)</h2>", form, re.S)]


def test_the_article_form_follows_the_order_a_story_is_written(editor_client):
    headings = form_headings(editor_client.get(ADD_URL).content.decode())
    assert headings == [
        "Story",
        "Byline",
        "Media",
        "Related videos",
        "Topics and countries",
        "Agreement links",
        "People and organisations",
        "Cited sources",
        "Corrections",
        "Publishing",
    ]


def test_every_inline_is_on_the_form_exactly_once(editor_client):
    html = editor_client.get(change_url(ArticleFactory())).content.decode()
    for prefix in ("bylines", "videos", "agreement_links", "sources", "corrections"):
        assert html.count(f'id="{prefix}-group"') == 1
        assert html.count(f'name="{prefix}-TOTAL_FORMS"') == 1


def test_arrange_form_puts_an_unplaced_inline_last():
    class Fieldset:
        def __init__(self, name):
            self.name = name

    class Inline:
        def __init__(self, prefix):
            self.formset = type("F", (), {"prefix": prefix})

    story, publishing = Fieldset("Story"), Fieldset("Publishing")
    byline, unknown, misplaced = Inline("bylines"), Inline("new"), Inline("videos")
    layout = desk.arrange_form(
        [story, publishing], [unknown, byline, misplaced], {"bylines": "Story", "videos": "Gone"}
    )
    assert layout == [
        ("fieldset", story),
        ("inline", byline),
        ("fieldset", publishing),
        ("inline", unknown),
        ("inline", misplaced),
    ]


def test_the_form_speaks_to_journalists_and_loads_the_counters(editor_client, settings):
    html = unescape(editor_client.get(ADD_URL).content.decode())
    assert "Search engines show about 60 characters" in html
    assert "about 155 characters" in html
    assert "Needed to publish or schedule an article with a photograph" in html
    assert "newsroom-admin/article-form.js" in html
    assert "newsroom-admin/admin.css" in html
    assert f'data-article-url="{settings.SITE_URL}/articles/SLUG/"' in html
    assert 'maxlength="200"' in html  # the headline's hard limit


def test_the_form_for_a_writer_has_the_same_order_without_the_workflow_fields(writer_client):
    html = writer_client.get(ADD_URL).content.decode()
    assert form_headings(html)[0] == "Story"
    assert form_headings(html)[-1] == "Publishing"
    assert 'name="status"' not in html


def test_a_new_topic_of_two_words_stays_one_topic(editor_client, admin_form_data):
    data = admin_form_data(editor_client, ADD_URL)
    data.update({"headline": "Topics", "slug": "topics", "new_topics": "energy crisis, solar energy,  , energy crisis"})
    assert editor_client.post(ADD_URL, data).status_code == 302
    assert sorted(Article.objects.get().tags.names()) == ["energy crisis", "solar energy"]


# -- Alt text before publishing ----------------------------------------------------


def test_a_draft_with_a_photo_and_no_alt_text_saves(editor_client, admin_form_data):
    data = admin_form_data(editor_client, ADD_URL)
    data.update({"headline": "Draft with photo", "slug": "draft-with-photo", "image": png_upload()})
    assert editor_client.post(ADD_URL, data).status_code == 302
    article = Article.objects.get()
    assert article.image
    assert article.status == Article.Status.DRAFT


@pytest.mark.parametrize("when", ["now", "later"])
def test_publishing_or_scheduling_a_photo_without_alt_text_is_a_form_error(editor_client, admin_form_data, when):
    article = ArticleFactory(headline="Photo story", image=small_png(), image_alt="")
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "publish"
    if when == "later":
        data["_action"] = "schedule"
        later = timezone.localtime() + timedelta(days=1)
        data.update({"published_at_0": f"{later:%Y-%m-%d}", "published_at_1": f"{later:%H:%M:%S}"})
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    assert "image_alt" in response.context["adminform"].form.errors
    assert "Describe the hero image" in response.content.decode()
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not EditorialEvent.objects.exists()

    data["image_alt"] = "Two ministers shake hands in Havana"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.image_alt == "Two ministers shake hands in Havana"


def test_a_new_photo_uploaded_to_publish_needs_alt_text_too(editor_client, admin_form_data):
    data = admin_form_data(editor_client, ADD_URL)
    data.update({"headline": "Straight out", "slug": "straight-out", "_action": "publish", "image": png_upload()})
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "image_alt" in response.context["adminform"].form.errors
    assert not Article.objects.exists()


def test_a_published_story_cannot_lose_its_alt_text(editor_client, admin_form_data):
    article = ArticleFactory(public=True, image=small_png(), image_alt="A port at dawn")
    data = admin_form_data(editor_client, change_url(article))
    data["image_alt"] = "   "
    response = editor_client.post(change_url(article), data)
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.image_alt == "A port at dawn"


def test_a_story_without_a_photo_publishes_without_alt_text(editor_client, admin_form_data):
    article = ArticleFactory()
    data = admin_form_data(editor_client, change_url(article))
    data["_action"] = "publish"
    assert editor_client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    assert article.is_public


def test_the_services_refuse_to_publish_a_photo_without_alt_text(editor_user):
    article = ArticleFactory(image=small_png(), image_alt="")
    with pytest.raises(ValidationError) as caught:
        services.publish(article=article, user=editor_user)
    assert "image_alt" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.schedule(article=article, user=editor_user, at=timezone.now() + timedelta(hours=1))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert not EditorialEvent.objects.exists()
    # Handing it to the desk is not publishing: no alt text needed yet.
    services.submit_for_review(article=article, user=editor_user)
    article.image_alt = "The harbour of Mariel"
    article.save()
    services.publish(article=article, user=editor_user)
    assert article.is_public


def test_the_publish_action_reports_a_missing_alt_text(editor_client):
    article = ArticleFactory(headline="Photo, no alt", image=small_png())
    response = editor_client.post(
        LIST_URL, {"action": "publish_selected", "_selected_action": [article.pk], "index": 0}, follow=True
    )
    assert any("Photo, no alt" in text and "alt text" in text for text in messages_of(response))
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT


# -- Pickers that ignore accents -------------------------------------------------------

AUTOCOMPLETE = reverse("admin:autocomplete")


def pick(client, field: str, term: str, model_name: str = "article", app_label: str = "newsroom") -> list[str]:
    response = client.get(
        AUTOCOMPLETE, {"app_label": app_label, "model_name": model_name, "field_name": field, "term": term}
    )
    assert response.status_code == 200
    return [result["text"] for result in response.json()["results"]]


def public_topic(name: str) -> Topic:
    """A topic a writer can pick: one a public story carries (a writer is
    not offered topics that only others' unpublished stories carry)."""
    return ArticleFactory(public=True, topics=[name]).tags.get()


@pytest.mark.parametrize(
    ("field", "make", "name", "typed"),
    [
        ("tags", public_topic, "Irán", "iran"),
        ("tags", public_topic, "energía", "ENERGIA"),
        ("people", lambda name: factories.PersonFactory(name=name), "Miguel Díaz-Canel", "diaz-canel"),
        ("organizations", lambda name: factories.OrganizationFactory(name=name), "Unión Eléctrica", "union elec"),
        ("agreement_links-0-agreement", lambda name: AgreementFactory(title=name), "Acuerdo energético", "energetico"),
        ("tags", public_topic, "Sanctions", "sánctions"),
    ],
)
def test_pickers_ignore_accents_and_case(writer_client, field, make, name, typed):
    make(name)
    make_other = {"tags": "Economy", "people": "Ana Gómez", "organizations": "Banco Central"}
    if field in make_other:
        make(make_other[field])
    if field.endswith("agreement"):
        assert pick(writer_client, "agreement", typed, model_name="articleagreement", app_label="alliances") == [name]
    else:
        assert pick(writer_client, field, typed) == [name]


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        ("iran", "Iran"),
        ("irán", "Iran"),
        ("mexico", "Mexico"),
        ("méxico", "Mexico"),
        ("japon", "Japan"),
        ("CU", "Cuba"),
    ],
)
def test_the_countries_picker_ignores_accents_in_both_languages(writer_client, typed, first):
    assert pick(writer_client, "countries", typed)[0] == first


@pytest.mark.parametrize("typed", ["Atlantis", "Narnia", "Irán del Norte", "%", "_", "'", '"unfinished'])
def test_the_countries_picker_never_offers_a_country_that_does_not_exist(writer_client, typed):
    countries = Country.objects.count()
    names = set(Country.objects.values_list("name", flat=True))
    assert set(pick(writer_client, "countries", typed)) <= names
    assert Country.objects.count() == countries


def test_an_unknown_country_typed_in_finds_nothing(writer_client):
    assert pick(writer_client, "countries", "Atlantis") == []


def test_accent_insensitive_search_works_in_the_admin_lists_too(editor_client):
    factories.PersonFactory(name="Miguel Díaz-Canel")
    factories.PersonFactory(name="Someone Else")
    html = editor_client.get(reverse("admin:alliances_person_changelist"), {"q": "diaz"}).content.decode()
    assert "Díaz-Canel" in html
    assert "Someone Else" not in html


# -- The body: what the editor makes survives, the rest does not ---------------------

# Every element the body editor's toolbar can make (newsroom.models.BODY_EXTENSIONS).
EDITOR_MADE = (
    "<h2>Section</h2><h3>Subsection</h3><h4>Detail</h4>"
    "<p><strong>bold</strong> <em>italic</em> <s>struck</s> H<sub>2</sub>O x<sup>2</sup> "
    '<a href="https://example.org/report">a link</a> line<br>break</p>'
    "<blockquote><p>A quotation.</p></blockquote>"
    "<ul><li><p>bullet</p></li></ul>"
    '<ol start="3"><li><p>numbered</p></li></ol>'
    "<hr>"
    '<p><a href="mailto:desk@example.org">mail</a></p>'
)

# What a word processor or a web page brings along, and the editor cannot make.
FOREIGN = {
    '<p><span style="color:red">red</span></p>': ("<span", "style", "red"),
    '<p><font face="Arial">font</font></p>': ("<font", "face", "font"),
    '<p class="MsoNormal">Word<o:p></o:p></p>': ("class", "o:p", "Word"),
    "<h1>Top heading</h1>": ("<h1", None, "Top heading"),
    "<h5>Small heading</h5>": ("<h5", None, "Small heading"),
    "<div><p>div</p></div>": ("<div", None, "div"),
    "<p><u>underlined</u></p>": ("<u>", None, "underlined"),
    "<pre><code>code</code></pre>": ("<pre", "<code", "code"),
    "<table><tr><td>cell</td></tr></table>": ("<table", "<td", "cell"),
    '<p><a href="https://example.org" target="_blank" onclick="x()">link</a></p>': ("target", "onclick", "link"),
    '<p><img src="https://example.org/x.png" alt="x">image</p>': ("<img", None, "image"),
}


def save_body(client, admin_form_data, body: str) -> str:
    data = admin_form_data(client, ADD_URL)
    data.update({"headline": "Body test", "slug": "body-test", "body": body})
    assert client.post(ADD_URL, data).status_code == 302
    stored = Article.objects.get(slug="body-test").body
    Article.objects.all().delete()
    return stored


def test_everything_the_editor_makes_survives_a_save(editor_client, admin_form_data):
    assert save_body(editor_client, admin_form_data, EDITOR_MADE) == EDITOR_MADE


@pytest.mark.parametrize("html", FOREIGN.keys())
def test_anything_else_is_stripped_and_the_text_kept(editor_client, admin_form_data, html):
    gone, also_gone, kept = FOREIGN[html]
    stored = save_body(editor_client, admin_form_data, html)
    assert gone not in stored
    if also_gone:
        assert also_gone not in stored
    assert kept in stored
