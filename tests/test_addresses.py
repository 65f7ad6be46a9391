"""Addresses are lower-case ASCII: what an editor types is folded, two slugs
that differ only by case or accent cannot coexist, and the slugs stored
before are moved with a 301 from each old address."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from alliances.models import Agreement, Country
from newsroom.core.text import ascii_slug
from newsroom.models import Article, Author, Redirect, Topic
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("Rusia abre línea de crédito a Cuba", "rusia-abre-linea-de-credito-a-cuba"),
        ("Rusia-Abre-Crédito", "rusia-abre-credito"),
        ("Año nuevo en La Habana", "ano-nuevo-en-la-habana"),
        ("Pingüino", "pinguino"),
        ("Díaz-Canel", "diaz-canel"),
        ("  --Straße__Ørsted--  ", "strasse-orsted"),
        ("Москва", ""),
    ],
)
def test_address_form(typed, stored):
    assert ascii_slug(typed) == stored


@pytest.mark.django_db
def test_a_new_story_gets_a_plain_address_from_its_headline():
    article = ArticleFactory(headline="Rusia abre línea de crédito a Cuba", language="es")
    assert article.slug == "rusia-abre-linea-de-credito-a-cuba"
    second = ArticleFactory(headline="Rusia abre LÍNEA de crédito a Cuba", language="es")
    assert second.slug == "rusia-abre-linea-de-credito-a-cuba-2"
    topic = Topic.objects.create(name="Alianzas estratégicas")
    assert topic.slug == "alianzas-estrategicas"
    assert AuthorFactory(name="Marta Núñez").slug == "marta-nunez"


@pytest.mark.django_db
def test_a_typed_slug_is_folded_whoever_saves_it():
    article = ArticleFactory(slug="Rusia-Abre-Crédito")
    assert Article.objects.get(pk=article.pk).slug == "rusia-abre-credito"


@pytest.mark.django_db
def test_two_slugs_differing_by_case_or_accent_are_one_address(editor_client, admin_form_data):
    ArticleFactory(slug="rusia-abre-credito", language="es")
    other = ArticleFactory(headline="Otra noticia", language="es")
    url = f"/admin/newsroom/article/{other.pk}/change/"
    for typed in ("Rusia-Abre-Crédito", "rusia-abre-crédito", "RUSIA-ABRE-CREDITO"):
        data = admin_form_data(editor_client, url)
        data["slug"] = typed
        response = editor_client.post(url, data)
        assert response.status_code == 200, typed
        assert "already exists" in response.content.decode(), typed
        other.refresh_from_db()
        assert other.slug != "rusia-abre-credito"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("model", "make"),
    [
        (Article, lambda: ArticleFactory()),
        (Topic, lambda: Topic.objects.create(name="energía")),
        (Author, lambda: AuthorFactory()),
        (Agreement, lambda: AgreementFactory()),
        (Country, lambda: Country.objects.get(iso2="CU")),
    ],
)
def test_the_database_refuses_a_slug_out_of_address_form(model, make):
    """Whatever writes around the ORM (which folds every slug it writes:
    the field's to_python)."""
    row = make()
    model.objects.filter(pk=row.pk).update(slug="Línea-Nueva")
    assert model.objects.get(pk=row.pk).slug == "linea-nueva"
    table = connection.ops.quote_name(model._meta.db_table)
    for bad in ("Línea", "Cuba", "a--b", "a_b", "-a"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET slug = %s WHERE id = %s", [bad, row.pk])  # noqa: S608 - our table


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_slugs_stored_before_move_to_their_address_form_with_a_301():
    """The migration: each accented or mixed-case slug moves to its address
    form; two that fold alike get a suffix; each public page's old address
    answers 301 to its new one, a hidden story's does not."""
    executor = MigrationExecutor(connection)
    before = [("newsroom", "0011_search_index_per_language"), ("alliances", "0006_agreement_page_lists")]
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old_article = apps.get_model("newsroom", "Article")
    old_topic = apps.get_model("newsroom", "Topic")
    now = timezone.now()
    fields = {"dek": "", "body": "", "status": "published", "published_at": now}
    first = old_article.objects.create(headline="a", slug="rusia-abre-crédito", language="es", **fields)
    second = old_article.objects.create(headline="b", slug="Rusia-Abre-Credito", language="es", **fields)
    english = old_article.objects.create(headline="c", slug="Línea", language="en", **fields)
    hidden = old_article.objects.create(
        headline="d", slug="Embargada", language="es", **{**fields, "status": "draft", "published_at": None}
    )
    plain = old_article.objects.create(headline="e", slug="ya-plana", language="es", **fields)
    topic = old_topic.objects.create(name="Energía", slug="energía", key="energia")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    slugs = dict(Article.objects.values_list("pk", "slug"))
    assert slugs[first.pk] == "rusia-abre-credito"
    assert slugs[second.pk] == "rusia-abre-credito-2"
    assert slugs[english.pk] == "linea"
    assert slugs[hidden.pk] == "embargada"
    assert slugs[plain.pk] == "ya-plana"
    assert Topic.objects.get(pk=topic.pk).slug == "energia"
    redirects = dict(Redirect.objects.values_list("old_path", "new_path"))
    assert redirects["/articles/rusia-abre-crédito/"] == "/articles/rusia-abre-credito/"
    assert redirects["/articles/Rusia-Abre-Credito/"] == "/articles/rusia-abre-credito-2/"
    assert redirects["/en/articles/Línea/"] == "/en/articles/linea/"
    assert not any("mbargada" in path for path in redirects)
    # No public story carries the topic: its old address leads nowhere.
    assert "/topics/energía/" not in redirects


@pytest.mark.django_db
def test_an_address_in_another_form_is_not_the_page(client):
    ArticleFactory(public=True, language="es", slug="rusia-abre")
    assert client.get("/articles/rusia-abre/").status_code == 200
    assert client.get("/articles/Rusia-Abre/").status_code == 404
