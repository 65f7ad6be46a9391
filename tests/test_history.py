"""History (django-reversion): every admin save is a version with who and
when; editors compare two versions and restore one in a click; deleted
articles and agreements come back. Restores go through
restore.restore_version and its rules."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from reversion.models import Version

from alliances.models import Agreement, AgreementParty, ArticleAgreement, Country, Person
from newsroom.editorial import history, restore, services
from newsroom.models import Article, EditorialEvent, Topic
from tests import factories
from tests.factories import AgreementFactory, ArticleFactory, AuthorFactory, PersonFactory, country
from tests.responses import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english_messages():
    """Versions, snapshots and restores are read as in the (English) admin:
    outside a request the site's language is Spanish."""
    with translation.override("en"):
        yield


ADD_URL = reverse("admin:newsroom_article_add")


def change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


def restore_url(obj, version) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history_restore", args=[obj.pk, version.pk])


def compare_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history_compare", args=[obj.pk])


def versions(obj) -> list[Version]:
    return list(history.versions_of(obj))


def save(client, admin_form_data, obj, **changes) -> None:
    """Open ``obj``'s change form as an editor would, change fields, save."""
    data = admin_form_data(client, change_url(obj))
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    response = client.post(change_url(obj), data)
    assert response.status_code == 302, response.context["adminform"].form.errors


@pytest.fixture
def linked_article(editor_client, admin_form_data):
    """An article added through the admin with topics, countries, a byline
    and an agreement link, all in one save."""
    treaty = AgreementFactory(title="Russia–Iran treaty", party_codes=["RU", "IR"])
    author = AuthorFactory(name="Ana Pérez")
    data = admin_form_data(editor_client, ADD_URL)
    data.update(
        {
            "headline": "Iran and Russia sign",
            "slug": "iran-and-russia-sign",
            "body": "<p>First paragraph.</p><p>Second paragraph.</p>",
            "new_topics": "Sanctions, Energy",
            "countries": [str(country("IR").pk), str(country("RU").pk)],
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-author": str(author.pk),
            "bylines-0-position": "0",
            "agreement_links-TOTAL_FORMS": "1",
            "agreement_links-0-agreement": str(treaty.pk),
            "agreement_links-0-relation": "about",
            "agreement_links-0-note": "the signing",
        }
    )
    response = editor_client.post(ADD_URL, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return Article.objects.get(slug="iran-and-russia-sign")


# -- Versions ------------------------------------------------------------------------


def test_every_admin_save_is_one_version_with_who_and_what(editor_client, editor_user, admin_form_data, linked_article):
    [first] = versions(linked_article)
    assert first.revision.user == editor_user
    save(editor_client, admin_form_data, linked_article, headline="Iran and Russia sign a treaty")
    latest, previous = versions(linked_article)[:2]
    assert previous == first
    assert latest.revision.user == editor_user
    assert "Headline" in latest.revision.get_comment()
    assert latest.field_dict["headline"] == "Iran and Russia sign a treaty"


def test_a_version_holds_the_tags_countries_and_links_saved_with_it(linked_article):
    snapshot = history.snapshot(versions(linked_article)[0])
    assert snapshot.fields["Topics"].splitlines() == ["Energy", "Sanctions"]
    assert snapshot.fields["Countries"].splitlines() == ["Iran", "Russia"]
    assert snapshot.fields["Agreements"] == "About: Russia–Iran treaty (the signing)"
    assert snapshot.fields["Authors"] == "Ana Pérez"


def test_a_removed_inline_row_is_not_in_the_new_version(editor_client, admin_form_data, linked_article):
    save(editor_client, admin_form_data, linked_article, **{"agreement_links-0-DELETE": "on"})
    assert history.snapshot(versions(linked_article)[0]).fields["Agreements"] == ""


def test_a_workflow_change_from_the_list_is_a_version_too(editor_user, linked_article):
    services.publish(article=linked_article, user=editor_user)
    latest = versions(linked_article)[0]
    assert latest.field_dict["status"] == "published"
    assert latest.revision.get_comment() == "Published"


def test_publishing_from_the_form_makes_a_single_version(editor_client, admin_form_data, linked_article):
    before = len(versions(linked_article))
    save(editor_client, admin_form_data, linked_article, _action="publish", headline="Signed")
    assert len(versions(linked_article)) == before + 1
    latest = versions(linked_article)[0]
    assert latest.field_dict["status"] == "published"
    assert latest.field_dict["headline"] == "Signed"


def test_an_invalid_form_makes_no_version(editor_client, admin_form_data, linked_article):
    before = len(versions(linked_article))
    data = admin_form_data(editor_client, change_url(linked_article))
    data["headline"] = ""
    assert editor_client.post(change_url(linked_article), data).status_code == 200
    assert len(versions(linked_article)) == before


# -- The history page and the comparison --------------------------------------------------


def test_history_page_lists_versions_with_who_and_restore_buttons(editor_client, admin_form_data, linked_article):
    save(editor_client, admin_form_data, linked_article, headline="Second headline")
    response = editor_client.get(history_url(linked_article))
    assert response.status_code == 200
    page = page_text(response)
    assert page.count("eddie") >= 2
    assert "Restore this version" in page
    assert "Changed Headline" in page


def test_comparison_shows_what_changed_line_by_line(editor_client, admin_form_data, linked_article):
    old, new = versions(linked_article)[0], None
    save(
        editor_client,
        admin_form_data,
        linked_article,
        body="<p>First paragraph.</p><p>A rewritten second paragraph.</p>",
        new_topics="Geopolitics",
    )
    new = versions(linked_article)[0]
    response = editor_client.get(compare_url(linked_article), {"a": old.pk, "b": new.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>Second paragraph.</del>" in page
    assert "<ins>A rewritten second paragraph.</ins>" in page
    assert "<ins>Geopolitics</ins>" in page
    # Unchanged fields are not listed.
    assert "<h2>Headline</h2>" not in page


def test_comparison_escapes_what_editors_typed(editor_client, admin_form_data, linked_article):
    save(editor_client, admin_form_data, linked_article, headline="<script>alert(1)</script> & co")
    page = editor_client.get(compare_url(linked_article)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"a": "x", "b": "y"}, (200, 404)),
        ({"a": "999999", "b": "1"}, (200, 404)),
        # A number no database integer holds: the admin's input guard says so.
        ({"a": "1" * 30, "b": "2"}, (400,)),
    ],
)
def test_comparison_with_odd_ids_is_not_a_500(editor_client, linked_article, query, expected):
    assert editor_client.get(compare_url(linked_article), query).status_code in expected


def as_user(user) -> Client:
    """A client of its own (the editor_client and writer_client fixtures
    share one Client object)."""
    client = Client()
    client.force_login(user)
    return client


def test_history_of_someone_elses_draft_is_closed_to_a_writer(writer_user, linked_article):
    response = as_user(writer_user).get(history_url(linked_article))
    # The same answer as for an article that does not exist.
    assert response.status_code == 404
    assert "Iran and Russia sign" not in page_text(response)


# -- Restoring ---------------------------------------------------------------------------


def test_restore_brings_back_tags_countries_agreement_links_and_bylines(
    editor_client, editor_user, admin_form_data, linked_article
):
    original = versions(linked_article)[0]
    newcomer = AuthorFactory(name="Luis Gómez")
    save(
        editor_client,
        admin_form_data,
        linked_article,
        headline="Rewritten",
        tags=None,
        new_topics="Diplomacy",
        countries=str(country("CU").pk),
        **{"agreement_links-0-DELETE": "on", "bylines-0-author": str(newcomer.pk)},
    )
    linked_article.refresh_from_db()
    assert sorted(linked_article.tags.names()) == ["Diplomacy"]

    response = editor_client.post(restore_url(linked_article, original))
    assert response.status_code == 302
    assert response["Location"] == change_url(linked_article)

    article = Article.objects.get(pk=linked_article.pk)
    assert article.headline == "Iran and Russia sign"
    assert sorted(article.tags.names()) == ["Energy", "Sanctions"]
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["IR", "RU"]
    link = ArticleAgreement.objects.get(article=article)
    assert (link.agreement.title, link.note) == ("Russia–Iran treaty", "the signing")
    assert [a.name for a in article.ordered_authors()] == ["Ana Pérez"]
    event = EditorialEvent.objects.get(action="restore")
    assert (event.article, event.user) == (article, editor_user)
    # The restore is itself a version: it can be undone the same way.
    assert "Version restored" in versions(article)[0].revision.get_comment()


def test_restore_leaves_the_workflow_state_alone(editor_user, linked_article):
    draft_version = versions(linked_article)[0]
    services.publish(article=linked_article, user=editor_user)
    published_at = Article.objects.get(pk=linked_article.pk).published_at
    restore.restore_version(version=draft_version, user=editor_user)
    article = Article.objects.get(pk=linked_article.pk)
    assert (article.status, article.published_at) == ("published", published_at)
    assert article.is_public


def test_restoring_a_published_version_never_publishes_a_draft(writer_user, editor_user):
    article = ArticleFactory(created_by=writer_user, headline="Draft text")
    services.publish(article=article, user=editor_user)
    published_version = versions(article)[0]
    services.unpublish(article=article, user=editor_user)
    # The writer may edit the draft again and restores the published text.
    result = restore.restore_version(version=published_version, user=writer_user)
    article.refresh_from_db()
    assert result.obj.pk == article.pk
    assert (article.status, article.published_at) == ("draft", None)
    assert not Article.objects.published().exists()


def test_a_writer_cannot_restore_an_article_they_may_not_edit(writer_user, editor_user, linked_article):
    services.publish(article=linked_article, user=editor_user)
    with pytest.raises(PermissionDenied):
        restore.restore_version(version=versions(linked_article)[-1], user=writer_user)
    response = as_user(writer_user).post(restore_url(linked_article, versions(linked_article)[-1]))
    assert response.status_code == 404
    assert Article.objects.get(pk=linked_article.pk).status == "published"


def test_a_restore_that_breaks_a_rule_is_refused_and_changes_nothing(editor_client, editor_user, linked_article):
    original = versions(linked_article)[0]
    linked_article.slug = "a-new-address"
    linked_article.save()
    # Another article took the old address in the meantime.
    ArticleFactory(slug="iran-and-russia-sign")
    with pytest.raises(ValidationError):
        restore.restore_version(version=original, user=editor_user)
    response = editor_client.post(restore_url(linked_article, original), follow=True)
    assert "was not restored" in page_text(response)
    assert Article.objects.get(pk=linked_article.pk).slug == "a-new-address"
    assert not EditorialEvent.objects.filter(action="restore").exists()


def test_restore_needs_a_post(editor_client, linked_article):
    version = versions(linked_article)[0]
    assert editor_client.get(restore_url(linked_article, version)).status_code == 405


def test_a_version_of_another_record_cannot_be_restored_here(editor_client, linked_article):
    other = ArticleFactory()
    history.record_version(other)
    response = editor_client.post(restore_url(linked_article, versions(other)[0]))
    assert response.status_code == 404


def test_restore_after_a_topic_merge_uses_the_topic_it_was_merged_into(editor_user, linked_article):
    original = versions(linked_article)[0]
    energy, sanctions = Topic.objects.get(name="Energy"), Topic.objects.get(name="Sanctions")
    services.merge_topics(sources=[energy], target=sanctions, user=editor_user)
    linked_article.tags.set([])
    restore.restore_version(version=original, user=editor_user)
    assert list(Article.objects.get(pk=linked_article.pk).tags.names()) == ["Sanctions"]


def test_a_restored_link_to_a_deleted_agreement_is_left_out_and_said_so(editor_user, linked_article):
    original = versions(linked_article)[0]
    link = ArticleAgreement.objects.get(article=linked_article)
    agreement = link.agreement
    link.delete()
    AgreementParty.objects.filter(agreement=agreement).delete()
    agreement.delete()
    result = restore.restore_version(version=original, user=editor_user)
    assert not ArticleAgreement.objects.filter(article=linked_article).exists()
    assert any("agreement" in note for note in result.notes)
    assert sorted(Article.objects.get(pk=linked_article.pk).tags.names()) == ["Energy", "Sanctions"]


# -- Agreements and reference records ------------------------------------------------------


def test_agreement_restore_brings_back_parties_and_checks_them(editor_client, editor_user, admin_form_data):
    agreement = AgreementFactory(title="Credit line", party_codes=["RU", "CU"])
    history.record_version(agreement, user=editor_user)
    original = versions(agreement)[0]
    AgreementParty.objects.filter(agreement=agreement, country=country("CU")).update(country=country("VE"))
    agreement.title = "Credit line for Venezuela"
    agreement.save()
    response = editor_client.post(restore_url(agreement, original))
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.title == "Credit line"
    assert sorted(agreement.parties.values_list("country__iso2", flat=True)) == ["CU", "RU"]


def test_an_agreement_version_with_fewer_than_two_parties_is_refused(editor_user):
    agreement = AgreementFactory(title="Odd one", party_codes=["RU"])
    history.record_version(agreement, user=editor_user)
    lonely = versions(agreement)[0]
    AgreementParty.objects.create(agreement=agreement, country=country("CU"))
    with pytest.raises(ValidationError):
        restore.restore_version(version=lonely, user=editor_user)
    assert agreement.parties.count() == 2


@pytest.mark.parametrize(
    ("make", "field", "old", "new"),
    [
        (lambda: PersonFactory(name="Masoud Pezeshkian"), "name", "Masoud Pezeshkian", "M. Pezeshkian"),
        (lambda: factories.OrganizationFactory(name="Novikombank"), "name", "Novikombank", "Novikom"),
        (lambda: Country.objects.get(iso2="CU"), "name_es", "Cuba", "Kuba"),
    ],
)
def test_people_organisations_and_countries_have_history_too(editor_client, admin_form_data, make, field, old, new):
    record = make()
    save(editor_client, admin_form_data, record, **{field: new})
    assert editor_client.get(history_url(record)).status_code == 200
    first = [v for v in versions(record) if v.field_dict[field] == new][-1]
    save(editor_client, admin_form_data, record, **{field: new + "!"})
    response = editor_client.post(restore_url(record, first))
    assert response.status_code == 302
    record.refresh_from_db()
    assert getattr(record, field) == new
    assert getattr(record, field) != old


# -- Deleted records -------------------------------------------------------------------


def test_a_deleted_article_is_recovered_as_a_draft_with_its_links(editor_client, editor_user, linked_article):
    services.publish(article=linked_article, user=editor_user)
    pk = linked_article.pk
    delete = reverse("admin:newsroom_article_delete", args=[pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Article.objects.filter(pk=pk).exists()

    recover_list = reverse("admin:newsroom_article_recover_list")
    page = page_text(editor_client.get(recover_list))
    assert "Iran and Russia sign" in page
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    response = editor_client.post(reverse("admin:newsroom_article_recover", args=[version.pk]))
    assert response.status_code == 302

    article = Article.objects.get(pk=pk)
    assert (article.status, article.published_at) == ("draft", None)
    assert sorted(article.tags.names()) == ["Energy", "Sanctions"]
    assert sorted(article.countries.values_list("iso2", flat=True)) == ["IR", "RU"]
    assert ArticleAgreement.objects.filter(article=article).count() == 1
    assert [e.action for e in EditorialEvent.objects.filter(subject="Iran and Russia sign").order_by("pk")][-2:] == [
        "delete",
        "recover",
    ]


def test_a_recovered_article_whose_address_was_taken_gets_a_new_one(editor_user, linked_article):
    pk = linked_article.pk
    restore.delete_with_history(instance=linked_article, user=editor_user)
    ArticleFactory(slug="iran-and-russia-sign")
    version = Version.objects.get_deleted(Article).get(object_id=str(pk))
    result = restore.restore_version(version=version, user=editor_user)
    assert result.obj.slug != "iran-and-russia-sign"
    assert result.notes


def test_a_deleted_agreement_is_recovered_with_its_parties(editor_client, editor_user):
    agreement = AgreementFactory(title="Short-lived MoU", party_codes=["IR", "CU"])
    pk = agreement.pk
    delete = reverse("admin:alliances_agreement_delete", args=[pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Agreement.objects.filter(pk=pk).exists()
    version = Version.objects.get_deleted(Agreement).get(object_id=str(pk))
    page = page_text(editor_client.get(reverse("admin:alliances_agreement_recover_list")))
    assert "Short-lived MoU" in page
    assert editor_client.post(reverse("admin:alliances_agreement_recover", args=[version.pk])).status_code == 302
    agreement = Agreement.objects.get(pk=pk)
    assert sorted(agreement.parties.values_list("country__iso2", flat=True)) == ["CU", "IR"]


def test_writers_cannot_recover_deleted_articles(writer_client, editor_user):
    article = ArticleFactory()
    restore.delete_with_history(instance=article, user=editor_user)
    version = Version.objects.get_deleted(Article).get()
    assert writer_client.get(reverse("admin:newsroom_article_recover_list")).status_code == 403
    assert writer_client.post(reverse("admin:newsroom_article_recover", args=[version.pk])).status_code in (302, 403)
    assert not Article.objects.exists()


def test_bulk_delete_keeps_a_version_of_each(editor_client):
    first, second = ArticleFactory(headline="One"), ArticleFactory(headline="Two")
    response = editor_client.post(
        reverse("admin:newsroom_article_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Article.objects.exists()
    assert sorted(v.object_repr for v in Version.objects.get_deleted(Article)) == ["One", "Two"]


def test_a_snapshot_names_related_records_not_ids(editor_user):
    person = PersonFactory(name="Official", country=country("CU"))
    history.record_version(person, user=editor_user)
    assert Person.objects.filter(pk=person.pk).exists()
    assert history.snapshot(versions(person)[0]).fields["Country"] == "Cuba"


def test_versions_are_listed_newest_first_even_when_saved_in_the_same_second(editor_user):
    article = ArticleFactory()
    for headline in ("one", "two", "three"):
        article.headline = headline
        article.save()
        history.record_version(article, user=editor_user)
    assert [v.field_dict["headline"] for v in versions(article)] == ["three", "two", "one"]
    assert timezone.now() - versions(article)[0].revision.date_created < timedelta(minutes=1)
