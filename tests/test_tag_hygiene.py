"""Tag hygiene: case, accents and spacing never make a second topic;
editors merge and rename topics (old pages answer 301) and set up aliases
(typing one gives the canonical topic), all through services with admin
actions."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.urls import reverse

from newsroom.core.text import topic_key
from newsroom.editorial import services
from newsroom.models import Article, EditorialEvent, Redirect, TaggedTopic, Topic, TopicAlias
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

TOPIC_LIST = reverse("admin:newsroom_topic_changelist")


def topic_change(topic) -> str:
    return reverse("admin:newsroom_topic_change", args=[topic.pk])


# -- One topic per name, whatever the spelling -----------------------------------------


@pytest.mark.parametrize("typed", ["cuba", " CUBA ", "Cúba", "CÚBA", "cuba\u00a0", "  Cuba"])
def test_case_accents_and_spaces_never_make_a_second_topic(typed):
    first, second = ArticleFactory(), ArticleFactory()
    first.tags.add("Cuba")
    second.tags.add(typed)
    assert Topic.objects.count() == 1
    assert list(second.tags.names()) == ["Cuba"]


def test_inner_spaces_are_collapsed():
    article = ArticleFactory()
    article.tags.add("energy   crisis")
    article.tags.add("Energy Crisis")
    assert list(Topic.objects.values_list("name", flat=True)) == ["energy crisis"]


def test_spanish_enye_is_a_letter_not_an_accent():
    article = ArticleFactory()
    article.tags.add("Año electoral", "Ano electoral")
    assert Topic.objects.count() == 2
    assert topic_key("AÑO") == "año"
    assert topic_key("Díaz-Canel") == "diaz-canel"


def test_the_database_refuses_a_second_topic_with_the_same_key():
    Topic.objects.create(name="Cuba")
    with pytest.raises(IntegrityError):
        Topic.objects.create(name="CÚBA", slug="cuba-2")


def test_typing_an_existing_topic_in_the_article_form_adds_that_topic(editor_client, admin_form_data):
    cuba = Topic.objects.create(name="Cuba")
    article = ArticleFactory()
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    data["new_topics"] = "cúba, CUBA"
    assert editor_client.post(url, data).status_code == 302
    assert list(article.tags.all()) == [cuba]
    assert Topic.objects.count() == 1


def test_the_topic_admin_refuses_a_name_that_differs_only_in_accents(editor_client):
    Topic.objects.create(name="Cuba")
    response = editor_client.post(reverse("admin:newsroom_topic_add"), {"name": "Cúba", "slug": "cuba-accent"})
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert Topic.objects.count() == 1


# -- Aliases ---------------------------------------------------------------------------


def test_an_alias_gives_the_canonical_topic(editor_user):
    usa = Topic.objects.create(name="Estados Unidos")
    services.add_topic_alias(topic=usa, name="EE.UU.", user=editor_user)
    article = ArticleFactory()
    article.tags.add("ee.uu.")
    assert list(article.tags.all()) == [usa]
    assert Topic.objects.count() == 1


def test_an_alias_cannot_shadow_a_topic_or_another_alias(editor_user):
    usa, cuba = Topic.objects.create(name="Estados Unidos"), Topic.objects.create(name="Cuba")
    services.add_topic_alias(topic=usa, name="EEUU", user=editor_user)
    with pytest.raises(ValidationError):
        services.add_topic_alias(topic=usa, name="cúba", user=editor_user)
    with pytest.raises(ValidationError):
        services.add_topic_alias(topic=cuba, name="eeuu", user=editor_user)
    with pytest.raises(ValidationError):
        Topic(name="EEUU", slug="eeuu").full_clean()


def test_writers_cannot_add_aliases(writer_user):
    with pytest.raises(PermissionDenied):
        services.add_topic_alias(topic=Topic.objects.create(name="Cuba"), name="Kuba", user=writer_user)


def test_aliases_are_edited_on_the_topic_page(editor_client, admin_form_data):
    usa = Topic.objects.create(name="Estados Unidos")
    data = admin_form_data(editor_client, topic_change(usa))
    data.update({"aliases-TOTAL_FORMS": "1", "aliases-0-name": "EE.UU."})
    assert editor_client.post(topic_change(usa), data).status_code == 302
    assert list(usa.aliases.values_list("name", flat=True)) == ["EE.UU."]


def test_the_topic_picker_finds_a_topic_by_its_alias(editor_client, editor_user):
    usa = Topic.objects.create(name="Estados Unidos")
    services.add_topic_alias(topic=usa, name="EE.UU.", user=editor_user)
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "newsroom", "model_name": "article", "field_name": "tags", "term": "ee.uu"},
    )
    assert [r["text"] for r in response.json()["results"]] == ["Estados Unidos"]


# -- Merging -------------------------------------------------------------------------------


@pytest.fixture
def duplicates(db):
    """ "Blackouts" and "power cuts" mean the same; one article has both."""
    blackouts, power_cuts = Topic.objects.create(name="Blackouts"), Topic.objects.create(name="power cuts")
    both = ArticleFactory(public=True, topics=[blackouts, power_cuts])
    only_cuts = ArticleFactory(public=True, topics=[power_cuts])
    return blackouts, power_cuts, both, only_cuts


def test_merging_moves_every_article_once(editor_user, duplicates):
    blackouts, power_cuts, both, only_cuts = duplicates
    services.merge_topics(sources=[power_cuts], target=blackouts, user=editor_user)
    assert not Topic.objects.filter(pk=power_cuts.pk).exists()
    assert list(both.tags.all()) == [blackouts]
    assert list(only_cuts.tags.all()) == [blackouts]
    assert TaggedTopic.objects.filter(tag=blackouts).count() == 2


def test_the_merged_topics_page_answers_301_with_the_target(client, editor_user, duplicates):
    blackouts, power_cuts, _both, _only = duplicates
    old_url = power_cuts.get_absolute_url()
    assert client.get(old_url).status_code == 200
    services.merge_topics(sources=[power_cuts], target=blackouts, user=editor_user)
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == blackouts.get_absolute_url()


def test_the_merged_topics_name_becomes_an_alias(editor_user, duplicates):
    blackouts, power_cuts, _both, _only = duplicates
    old_id = power_cuts.pk
    services.merge_topics(sources=[power_cuts], target=blackouts, user=editor_user)
    article = ArticleFactory()
    article.tags.add("Power Cuts")
    assert list(article.tags.all()) == [blackouts]
    assert TopicAlias.objects.get(name="power cuts").former_topic_id == old_id


def test_merging_is_an_admin_action_with_a_choice_of_topic_to_keep(editor_client, duplicates):
    blackouts, power_cuts, both, only_cuts = duplicates
    selected = {"action": "merge_selected", "_selected_action": [blackouts.pk, power_cuts.pk]}
    response = editor_client.post(TOPIC_LIST, selected)
    assert response.status_code == 200
    assert "Which topic do you keep?" in response.content.decode()
    response = editor_client.post(TOPIC_LIST, {**selected, "apply": "1", "target": str(power_cuts.pk)})
    assert response.status_code == 302
    assert list(Topic.objects.values_list("name", flat=True)) == ["power cuts"]
    assert list(only_cuts.tags.names()) == ["power cuts"]
    event = EditorialEvent.objects.get(action="merge_topics")
    assert "“Blackouts” merged into “power cuts”" in event.detail
    assert event.user.username == "eddie"


def test_merge_action_with_a_target_outside_the_selection_changes_nothing(editor_client, duplicates):
    blackouts, power_cuts, _both, _only = duplicates
    other = Topic.objects.create(name="Other")
    selected = {"action": "merge_selected", "_selected_action": [blackouts.pk, power_cuts.pk]}
    editor_client.post(TOPIC_LIST, {**selected, "apply": "1", "target": str(other.pk)})
    editor_client.post(TOPIC_LIST, {**selected, "apply": "1", "target": "not-a-number"})
    assert Topic.objects.count() == 3


def test_writers_cannot_merge_topics(writer_user, duplicates):
    blackouts, power_cuts, _both, _only = duplicates
    with pytest.raises(PermissionDenied):
        services.merge_topics(sources=[power_cuts], target=blackouts, user=writer_user)
    assert Topic.objects.count() == 2


def test_merging_a_topic_into_itself_is_refused(editor_user, duplicates):
    blackouts, *_rest = duplicates
    with pytest.raises(ValidationError):
        services.merge_topics(sources=[blackouts], target=blackouts, user=editor_user)


def test_merged_topics_search_finds_the_articles_under_the_new_name(editor_user, duplicates):
    blackouts, power_cuts, _both, only_cuts = duplicates
    services.merge_topics(sources=[power_cuts], target=blackouts, user=editor_user)
    assert only_cuts in Article.objects.published().filter(tags__name="Blackouts")


# -- Renaming -------------------------------------------------------------------------------


def test_renaming_keeps_the_old_page_and_the_old_name_working(client, editor_user):
    topic = Topic.objects.create(name="energy crisis")
    ArticleFactory(public=True, topics=[topic])
    old_url = topic.get_absolute_url()
    services.rename_topic(topic=topic, name="Energy shortage", user=editor_user)
    topic.refresh_from_db()
    assert (topic.name, topic.slug) == ("Energy shortage", "energy-shortage")
    response = client.get(old_url)
    assert (response.status_code, response["Location"]) == (301, topic.get_absolute_url())
    article = ArticleFactory()
    article.tags.add("Energy Crisis")
    assert list(article.tags.all()) == [topic]
    assert EditorialEvent.objects.get(action="rename_topic").user == editor_user


def test_renaming_only_the_case_needs_no_alias(editor_user):
    topic = Topic.objects.create(name="cuba")
    services.rename_topic(topic=topic, name="Cuba", user=editor_user)
    assert not TopicAlias.objects.exists()
    assert not Redirect.objects.exists()


def test_renaming_from_the_topic_page_goes_through_the_service(client, editor_client, admin_form_data):
    topic = Topic.objects.create(name="sanctions")
    ArticleFactory(public=True, topics=[topic])
    old_url = topic.get_absolute_url()
    data = admin_form_data(editor_client, topic_change(topic))
    data.update({"name": "Economic sanctions", "slug": "economic-sanctions"})
    assert editor_client.post(topic_change(topic), data).status_code == 302
    topic.refresh_from_db()
    assert topic.slug == "economic-sanctions"
    assert client.get(old_url)["Location"] == "/topics/economic-sanctions/"
    assert TopicAlias.objects.get().name == "sanctions"


def test_renaming_to_another_topics_name_is_refused(editor_user):
    Topic.objects.create(name="Cuba")
    topic = Topic.objects.create(name="Venezuela")
    with pytest.raises(ValidationError):
        services.rename_topic(topic=topic, name="CUBA", user=editor_user)
    topic.refresh_from_db()
    assert topic.name == "Venezuela"


# -- The data migration that gave topics their key --------------------------------------


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_key_migration_merges_topics_that_differ_only_in_accents():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("newsroom", "0004_history_previews_redirects_aliases")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        OldTopic, OldArticle = old.get_model("newsroom", "Topic"), old.get_model("newsroom", "Article")
        OldTagged = old.get_model("newsroom", "TaggedTopic")
        cuba = OldTopic.objects.create(name="Cuba", slug="cuba")
        accented = OldTopic.objects.create(name="Cúba", slug="cúba")
        energy = OldTopic.objects.create(name="Energy", slug="energy")
        one = OldArticle.objects.create(headline="One", slug="one")
        two = OldArticle.objects.create(headline="Two", slug="two")
        for article, topic in [(one, cuba), (one, accented), (two, accented), (two, energy)]:
            OldTagged.objects.create(content_object=article, tag=topic)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(latest)
    assert sorted(Topic.objects.values_list("name", "key")) == [("Cuba", "cuba"), ("Energy", "energy")]
    assert sorted(Article.objects.get(slug="one").tags.names()) == ["Cuba"]
    assert sorted(Article.objects.get(slug="two").tags.names()) == ["Cuba", "Energy"]
