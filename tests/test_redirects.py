"""A changed slug keeps the old address alive: 301 to the new one, chains
collapsed, listed and deletable by editors."""

import pytest
from django.urls import reverse

from alliances.models import Agreement
from newsroom.editorial import services
from newsroom.models import Redirect, Topic
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db


def rename(obj, slug: str):
    """Change the slug the way any edit does: load, change, save."""
    fresh = type(obj).objects.get(pk=obj.pk)
    fresh.slug = slug
    fresh.save()
    return fresh


def assert_moved(client, old: str, new: str) -> None:
    response = client.get(old)
    assert response.status_code == 301, (old, response.status_code)
    assert response["Location"] == new


@pytest.mark.parametrize(("language", "edition"), [("es", ""), ("en", "/en")])
def test_a_published_articles_old_address_answers_301(client, language, edition):
    # A story lives in its own language's edition, and so do its old addresses.
    article = ArticleFactory(public=True, slug="first-slug", language=language)
    old = article.get_absolute_url()
    assert old == f"{edition}/articles/first-slug/"
    article = rename(article, "better-slug")
    assert_moved(client, old, f"{edition}/articles/better-slug/")
    assert client.get(article.get_absolute_url()).status_code == 200


def test_renaming_from_the_admin_form_leaves_the_redirect(client, editor_client, admin_form_data):
    article = ArticleFactory(public=True, slug="first-slug")
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    data["slug"] = "from-the-form"
    assert editor_client.post(url, data).status_code == 302
    assert_moved(client, "/en/articles/first-slug/", "/en/articles/from-the-form/")


def test_a_draft_can_change_its_slug_freely(client):
    draft = ArticleFactory(slug="working-title")
    rename(draft, "final-title")
    assert not Redirect.objects.exists()
    assert client.get("/en/articles/working-title/").status_code == 404


def test_a_scheduled_article_never_had_a_public_address(client):
    scheduled = ArticleFactory(scheduled=True, slug="embargoed")
    rename(scheduled, "embargoed-2")
    assert not Redirect.objects.exists()


def test_chains_collapse_to_one_hop(client):
    article = ArticleFactory(public=True, slug="a")
    article = rename(article, "b")
    article = rename(article, "c")
    assert_moved(client, "/en/articles/a/", "/en/articles/c/")
    assert_moved(client, "/en/articles/b/", "/en/articles/c/")
    assert set(Redirect.objects.values_list("new_path", flat=True)) == {"/en/articles/c/"}


def test_renaming_back_makes_no_loop(client):
    article = ArticleFactory(public=True, slug="a")
    article = rename(article, "b")
    article = rename(article, "a")
    assert client.get("/en/articles/a/").status_code == 200
    assert_moved(client, "/en/articles/b/", "/en/articles/a/")
    assert not Redirect.objects.filter(old_path="/en/articles/a/").exists()


def test_a_live_page_wins_over_a_redirect(client):
    first = ArticleFactory(public=True, slug="taken")
    rename(first, "moved")
    ArticleFactory(public=True, slug="taken", headline="A new story at the old address")
    response = client.get("/en/articles/taken/")
    assert response.status_code == 200
    assert "A new story at the old address" in response.content.decode()


def test_unicode_slugs_redirect(client):
    # Slugs are stored in address form (lower-case ASCII); an accented
    # address from before keeps working through the redirect table, and a
    # rename carries it along to the newest address in one hop.
    article = ArticleFactory(public=True, slug="díaz-canel-viaja")
    assert article.slug == "diaz-canel-viaja"
    services.record_redirect(old_url="/en/articles/díaz-canel-viaja/", new_url=article.get_absolute_url())
    article = rename(article, "díaz-canel-en-moscú")
    assert article.slug == "diaz-canel-en-moscu"
    assert_moved(client, "/en/articles/d%C3%ADaz-canel-viaja/", "/en/articles/diaz-canel-en-moscu/")
    assert_moved(client, "/en/articles/diaz-canel-viaja/", "/en/articles/diaz-canel-en-moscu/")
    assert client.get("/en/articles/diaz-canel-en-moscu/").status_code == 200
    # The accented spelling of the live address is not the page itself.
    assert client.get("/en/articles/d%C3%ADaz-canel-en-mosc%C3%BA/").status_code == 404


def test_agreements_authors_and_topics_keep_their_old_addresses(client):
    agreement = AgreementFactory(title="Treaty", slug="treaty")
    rename(agreement, "the-treaty")
    assert_moved(client, "/agreements/treaty/", "/agreements/the-treaty/")
    author = AuthorFactory(name="Ana", slug="ana")
    ArticleFactory(public=True, authors=[author])
    rename(author, "ana-perez")
    assert_moved(client, "/authors/ana/", "/authors/ana-perez/")
    topic = Topic.objects.create(name="Energy")
    ArticleFactory(public=True, topics=[topic])
    rename(topic, "energy-crisis")
    assert_moved(client, "/topics/energy/", "/topics/energy-crisis/")
    # Recorded once, for the default edition; they hold in every edition.
    assert_moved(client, "/en/agreements/treaty/", "/en/agreements/the-treaty/")
    assert_moved(client, "/en/authors/ana/", "/en/authors/ana-perez/")
    assert_moved(client, "/en/topics/energy/", "/en/topics/energy-crisis/")
    assert Agreement.objects.filter(slug="the-treaty").exists()


def test_redirect_lookups_cost_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rename(ArticleFactory(public=True, slug="old"), "new")
    # The 301: the article lookup, then the redirect lookup; nothing else.
    with django_assert_max_num_queries(2):
        assert client.get("/en/articles/old/").status_code == 301
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/articles/nothing-here/").status_code == 404
    for n in range(50):
        services.record_redirect(old_url=f"/en/articles/gone-{n}/", new_url="/en/articles/new/")
        services.record_redirect(old_url=f"/articles/gone-{n}/", new_url="/articles/new/")
    with django_assert_max_num_queries(len(few)):
        assert client.get("/en/articles/nothing-here/").status_code == 404


def test_editors_list_and_delete_redirects(client, editor_client):
    article = ArticleFactory(public=True, slug="old-address")
    rename(article, "new-address")
    redirect = Redirect.objects.get()
    listing = editor_client.get(reverse("admin:newsroom_redirect_changelist")).content.decode()
    assert "/en/articles/old-address/" in listing
    delete = reverse("admin:newsroom_redirect_delete", args=[redirect.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert client.get("/en/articles/old-address/").status_code == 404


def test_a_hand_made_redirect_goes_through_the_service(client, editor_client):
    ArticleFactory(public=True, slug="target")
    add = reverse("admin:newsroom_redirect_add")
    response = editor_client.post(add, {"old_path": "/old-campaign/", "new_path": "/en/articles/target/"})
    assert response.status_code == 302
    response = editor_client.post(add, {"old_path": "/en/articles/target/", "new_path": "/en/articles/target/"})
    assert response.status_code == 200
    response = editor_client.post(add, {"old_path": "https://elsewhere.example/", "new_path": "/"})
    assert response.status_code == 200
    assert list(Redirect.objects.values_list("old_path", "new_path")) == [("/old-campaign/", "/en/articles/target/")]


def test_record_redirect_collapses_hand_made_chains_too():
    services.record_redirect(old_url="/x/", new_url="/y/")
    services.record_redirect(old_url="/y/", new_url="/z/")
    assert dict(Redirect.objects.values_list("old_path", "new_path")) == {"/x/": "/z/", "/y/": "/z/"}


def test_writers_cannot_see_redirects(writer_client):
    assert writer_client.get(reverse("admin:newsroom_redirect_changelist")).status_code == 403
