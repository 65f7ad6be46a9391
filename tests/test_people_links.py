"""The links between stories and the people and organisations they name
carry a copy of the story's state (newsroom.core.copies), so a person's
page is one index range however many stories name them (issue "People,
organisations and an edited front page", point 5). The copies follow every
way a link or a story changes: the story form, the workflow, a restore, a
version saved before the links had models of their own."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import timezone, translation

from newsroom.editorial import history, restore, services, translations
from newsroom.models import Article, ArticleOrganization, ArticlePerson
from tests.factories import ArticleFactory, OrganizationFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def copies(article: Article) -> set[tuple]:
    rows = [
        *ArticlePerson.objects.filter(article=article),
        *ArticleOrganization.objects.filter(article=article),
    ]
    return {(row.article_status, row.article_language, row.article_published_at) for row in rows}


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def test_the_story_form_saves_people_and_organisations_with_the_story_state(
    editor_client, editor_user, admin_form_data
):
    putin = PersonFactory(name="Vladimir Putin")
    bank = OrganizationFactory(name="Novikombank")
    story = ArticleFactory(language="en", headline="Credit line signed")
    data = admin_form_data(editor_client, change_url(story))
    data.update(people=[str(putin.pk)], organizations=[str(bank.pk)])
    response = editor_client.post(change_url(story), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert list(story.people.all()) == [putin] and list(story.organizations.all()) == [bank]
    assert copies(story) == {("draft", "en", None)}
    # The reopened form shows the picks.
    form = admin_form_data(editor_client, change_url(story))
    assert (form["people"], form["organizations"]) == (str(putin.pk), str(bank.pk))

    services.publish(article=story, user=editor_user)
    story.refresh_from_db()
    assert copies(story) == {("published", "en", story.published_at)}
    assert "Credit line signed" in editor_client.get("/en/people/vladimir-putin/").content.decode()

    services.unpublish(article=story, user=editor_user)
    assert copies(story) == {("draft", "en", None)}


def test_a_story_leaves_the_person_page_the_moment_it_is_unpublished(client, editor_user):
    putin = PersonFactory(name="Vladimir Putin")
    kept = ArticleFactory(public=True, language="es", headline="Sigue publicada")
    gone = ArticleFactory(public=True, language="es", headline="Retirada luego")
    for story in (kept, gone):
        story.people.add(putin)
    assert "Retirada luego" in client.get("/people/vladimir-putin/").content.decode()
    services.unpublish(article=gone, user=editor_user)
    assert copies(gone) == {("draft", "es", None)}
    html = client.get("/people/vladimir-putin/").content.decode()
    assert "Sigue publicada" in html and "Retirada luego" not in html


def test_a_stale_copy_never_shows_a_hidden_story(client):
    """The copies order and narrow the list; the cards still come through
    ``published()``, so a copy left saying "published" shows nothing."""
    putin = PersonFactory(name="Vladimir Putin")
    ArticleFactory(public=True, language="es", headline="Pública").people.add(putin)
    draft = ArticleFactory(language="es", headline="Borrador oculto")
    draft.people.add(putin)
    public = Article.objects.get(headline="Pública")
    ArticlePerson.objects.filter(article=draft).update(
        article_status="published", article_published_at=public.published_at
    )
    html = client.get("/people/vladimir-putin/").content.decode()
    assert "Pública" in html and "Borrador oculto" not in html


def test_a_stale_copy_never_opens_a_page_for_a_name_only_drafts_carry(client):
    """Whether the page exists is the articles' say: a copy wrongly saying
    "published" opens neither the page, nor its feed, nor a sitemap entry."""
    envoy = PersonFactory(name="Embargoed Envoy")
    draft = ArticleFactory(language="es", headline="Borrador")
    draft.people.add(envoy)
    ArticlePerson.objects.filter(article=draft).update(
        article_status="published", article_published_at=timezone.now() - timedelta(days=1)
    )
    for url in ("/people/embargoed-envoy/", "/en/people/embargoed-envoy/", "/people/embargoed-envoy/feed/"):
        assert client.get(url).status_code == 404, url
    assert "embargoed-envoy" not in client.get("/sitemap-people.xml").content.decode()


def test_a_link_row_saved_on_its_own_gets_the_story_state_and_search(editor_user):
    """Links made as rows (a restore does, and so may a script) rather than
    through ``article.people`` are kept as the form's are."""
    story = ArticleFactory(public=True, language="en", headline="Credit line")
    bank = OrganizationFactory(name="Novikombank", aliases="Banco Novikom")
    ArticleOrganization.objects.create(article=story, organization=bank)
    story.refresh_from_db()
    assert copies(story) == {("published", "en", story.published_at)}
    assert Article.objects.filter(pk=story.pk, search_vector__isnull=False).exists()
    assert "banco" in str(story.search_vector).lower()  # the other name, searched too


def test_translations_copy_people_with_the_state_of_the_new_draft(editor_user):
    putin = PersonFactory(name="Vladimir Putin")
    source = ArticleFactory(public=True, language="es", headline="Putin firma")
    source.people.add(putin)
    draft = translations.start_translation(source=source, user=editor_user)
    assert list(draft.people.all()) == [putin]
    assert copies(draft) == {("draft", "en", None)}


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.mark.usefixtures("english")
def test_a_version_keeps_the_people_and_a_restore_brings_them_back(editor_user):
    putin = PersonFactory(name="Vladimir Putin")
    pezeshkian = PersonFactory(name="Masoud Pezeshkian")
    irna = OrganizationFactory(name="IRNA")
    story = ArticleFactory(public=True, language="es", headline="Cumbre")
    story.people.add(putin)
    story.organizations.add(irna)
    history.record_version(story, user=editor_user)
    first = history.versions_of(story)[0]
    assert history.snapshot(first).fields["People"] == "Vladimir Putin"
    assert history.snapshot(first).fields["Organisations"] == "IRNA"

    story.people.set([pezeshkian])
    story.organizations.clear()
    history.record_version(story, user=editor_user)
    changes = history.compare(history.snapshot(first), history.snapshot(history.versions_of(story)[0]))
    assert {change.label for change in changes} >= {"People", "Organisations"}

    restore.restore_version(version=first, user=editor_user)
    story.refresh_from_db()
    assert list(story.people.all()) == [putin] and list(story.organizations.all()) == [irna]
    assert copies(story) == {("published", "es", story.published_at)}


@pytest.mark.usefixtures("english")
def test_a_version_saved_before_the_link_models_still_shows_and_restores_its_people(editor_user):
    """Versions written before migration newsroom 0020 hold the people and
    organisations as the article's own many-to-many values, and no link rows."""
    putin = PersonFactory(name="Vladimir Putin")
    irna = OrganizationFactory(name="IRNA")
    story = ArticleFactory(public=True, language="es", headline="Cumbre")
    history.record_version(story, user=editor_user)
    old = history.versions_of(story)[0]
    data = json.loads(old.serialized_data)
    data[0]["fields"].update(people=[putin.pk], organizations=[irna.pk])
    old.serialized_data = json.dumps(data)
    old.save()
    assert history.snapshot(old).fields["People"] == "Vladimir Putin"
    assert history.snapshot(old).fields["Organisations"] == "IRNA"

    story.people.add(PersonFactory(name="Someone Else"))
    restore.restore_version(version=old, user=editor_user)
    assert list(story.people.all()) == [putin] and list(story.organizations.all()) == [irna]
    assert copies(story) == {("published", "es", Article.objects.get(pk=story.pk).published_at)}


def test_a_person_deleted_since_is_left_out_of_a_restore_with_a_note(editor_user):
    gone = PersonFactory(name="Gone Person")
    story = ArticleFactory(public=True, language="es")
    story.people.add(gone)
    history.record_version(story, user=editor_user)
    version = history.versions_of(story)[0]
    gone.delete()
    with translation.override("en"):
        result = restore.restore_version(version=version, user=editor_user)
    assert not story.people.exists()
    assert any("deleted since" in note for note in result.notes)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_keeps_every_link_and_fills_its_copies():
    """Migration newsroom 0020 takes over the tables Django made for the
    plain many-to-many fields: the rows stay, with their article's state
    copied; and it can be undone without losing them."""
    before = [("newsroom", "0019_author_photo_renditions"), ("alliances", "0013_profile_photo_renditions")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old_article = apps.get_model("newsroom", "Article")
    now = timezone.now().replace(microsecond=0)
    fields = {"dek": "", "body": ""}
    public = old_article.objects.create(
        headline="a", slug="a", language="es", status="published", published_at=now, **fields
    )
    draft = old_article.objects.create(headline="b", slug="b", language="en", status="draft", **fields)
    putin = apps.get_model("alliances", "Person").objects.create(name="Vladimir Putin", slug="vladimir-putin")
    bank = apps.get_model("alliances", "Organization").objects.create(name="Novikombank", slug="novikombank")
    public.people.add(putin)
    draft.people.add(putin)
    public.organizations.add(bank)

    def forward():
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    forward()
    people = {(r.article_id, r.person_id, r.article_status, r.article_language, r.article_published_at)
              for r in ArticlePerson.objects.all()}  # fmt: skip
    assert people == {
        (public.pk, putin.pk, "published", "es", now),
        (draft.pk, putin.pk, "draft", "en", None),
    }
    assert list(ArticleOrganization.objects.values_list("article_id", "organization_id", "article_status")) == [
        (public.pk, bank.pk, "published")
    ]
    assert list(Article.objects.get(pk=public.pk).people.values_list("name", flat=True)) == ["Vladimir Putin"]

    MigrationExecutor(connection).migrate(before)
    with connection.cursor() as cursor:
        cursor.execute("SELECT article_id, person_id FROM newsroom_article_people ORDER BY article_id")
        assert cursor.fetchall() == [(public.pk, putin.pk), (draft.pk, putin.pk)]
    forward()
