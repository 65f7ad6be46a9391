"""Person and organisation pages (issue "People, organisations and an edited
front page", point 1): who they are, the agreements they took part in, the
public stories that name them, in both editions, with a feed, structured
data, sitemap entries, and the other names search and the story form know."""

import json
import re
from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation

from alliances.models import WIKIDATA_ID, AgreementParticipant, Organization, Person
from newsroom.models import Article
from newsroom.pagecache import tags as page_tags
from tests.factories import AgreementFactory, ArticleFactory, OrganizationFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("no_page_cache")]


def json_ld(response) -> list[dict]:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S)
    return [json.loads(text) for text in found]


def both_languages(message) -> set[str]:
    """``message`` in each language the admin may speak to its user."""
    found = set()
    for language in ("es", "en"):
        with translation.override(language):
            found.add(str(message))
    return found


@pytest.fixture
def putin():
    person = PersonFactory(
        name="Vladimir Putin",
        role="Presidente de Rusia",
        role_en="President of Russia",
        aliases="Putin\nVladímir Putin\n\n putin ",
        note="Seguimos sus acuerdos.",
        note_en="We follow his agreements.",
        wikidata_id="Q7747",
    )
    return person


def test_a_person_page_shows_who_they_are_and_the_public_stories_naming_them(client, putin):
    story = ArticleFactory(public=True, language="es", headline="Putin recibe a Pezeshkian")
    story.people.add(putin)
    draft = ArticleFactory(language="es", headline="Borrador secreto")
    draft.people.add(putin)
    later = ArticleFactory(
        language="es",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now() + timedelta(hours=2),
        headline="Programada para luego",
    )
    later.people.add(putin)
    response = client.get("/people/vladimir-putin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Presidente de Rusia" in html
    assert "Seguimos sus acuerdos." in html
    assert "Putin recibe a Pezeshkian" in html
    assert "Borrador secreto" not in html
    assert "Programada para luego" not in html
    # The other names, each once, without the blank line or the repeat.
    assert putin.alias_list == ["Putin", "Vladímir Putin"]


def test_the_english_edition_prints_the_english_role_and_note(client, putin):
    ArticleFactory(public=True, language="en", headline="Putin meets Pezeshkian").people.add(putin)
    html = client.get("/en/people/vladimir-putin/").content.decode()
    assert "President of Russia" in html
    assert "We follow his agreements." in html
    assert "Putin meets Pezeshkian" in html


def test_a_person_named_only_in_unpublished_stories_has_no_page_nor_feed(client):
    secret = PersonFactory(name="Embargoed Envoy")
    ArticleFactory(headline="Draft").people.add(secret)
    ArticleFactory(
        status=Article.Status.PUBLISHED, published_at=timezone.now() + timedelta(days=1), headline="Scheduled"
    ).people.add(secret)
    for url in (
        "/people/embargoed-envoy/",
        "/people/embargoed-envoy/?page=2",
        "/en/people/embargoed-envoy/",
        "/people/embargoed-envoy/feed/",
    ):
        assert client.get(url).status_code == 404, url
    assert "embargoed-envoy" not in client.get("/sitemap-people.xml").content.decode()


def test_a_person_in_an_agreement_has_a_page_listing_the_role(client, putin):
    treaty = AgreementFactory(title="Tratado Rusia-Irán", title_en="Russia-Iran treaty", party_codes=["RU", "IR"])
    AgreementParticipant.objects.create(
        agreement=treaty, person=putin, role=AgreementParticipant.Role.REPRESENTATIVE, note="presidente de Rusia"
    )
    response = client.get("/en/people/vladimir-putin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Russia-Iran treaty" in html
    assert "Represents a party" in html
    assert treaty.get_absolute_url() in html
    assert "No published stories name this person yet." in html
    # The agreement's page names the person, with the role, and links back.
    agreement_page = client.get(treaty.get_absolute_url()).content.decode()
    assert 'href="/people/vladimir-putin/"' in agreement_page
    assert "presidente de Rusia" in agreement_page


def test_the_stories_are_paginated_like_a_topic(client, putin):
    now = timezone.now()
    for i in range(25):
        story = ArticleFactory(
            public=True, language="es", headline=f"Historia {i:02d}", published_at=now - timedelta(minutes=i + 1)
        )
        story.people.add(putin)
    first = client.get("/people/vladimir-putin/")
    second = client.get("/people/vladimir-putin/", {"page": 2})
    headlines = [a.headline for a in first.context["page"].object_list]
    assert headlines[0] == "Historia 00" and len(headlines) == 20
    assert [a.headline for a in second.context["page"].object_list] == [f"Historia {i}" for i in range(20, 25)]
    assert client.get("/people/vladimir-putin/", {"page": 9}).status_code == 404


def test_an_organisation_page_feed_and_structured_data(client):
    bank = OrganizationFactory(
        name="Novikombank",
        kind=Organization.Kind.BANK,
        description="Banco ruso",
        description_en="Russian bank",
        wikidata_id="Q123",
        aliases="Novikom",
    )
    ArticleFactory(public=True, language="es", headline="Novikombank abre en La Habana").organizations.add(bank)
    response = client.get("/organizations/novikombank/")
    assert response.status_code == 200
    assert "Banco ruso" in response.content.decode()
    (data,) = [d for d in json_ld(response) if d.get("@type") == "ProfilePage"]
    entity = data["mainEntity"]
    assert entity["@type"] == "BankOrCreditUnion"
    assert entity["name"] == "Novikombank"
    assert entity["sameAs"] == "https://www.wikidata.org/wiki/Q123"
    assert entity["alternateName"] == ["Novikom"]
    feed = client.get("/organizations/novikombank/feed/")
    assert feed.status_code == 200
    assert b"Novikombank abre en La Habana" in feed.content


def test_person_structured_data_names_the_wikidata_item_only_when_set(client, putin):
    ArticleFactory(public=True, language="es").people.add(putin)
    other = PersonFactory(name="Ali Jafarian", role="Ministro de Salud de Irán")
    ArticleFactory(public=True, language="es").people.add(other)
    (putin_data,) = [d for d in json_ld(client.get("/people/vladimir-putin/")) if d["@type"] == "ProfilePage"]
    assert putin_data["mainEntity"]["@type"] == "Person"
    assert putin_data["mainEntity"]["sameAs"] == "https://www.wikidata.org/wiki/Q7747"
    assert putin_data["mainEntity"]["jobTitle"] == "Presidente de Rusia"
    (other_data,) = [d for d in json_ld(client.get("/people/ali-jafarian/")) if d["@type"] == "ProfilePage"]
    assert "sameAs" not in other_data["mainEntity"]


def test_the_article_page_lists_its_people_and_organisations_with_links(client, putin):
    bank = OrganizationFactory(name="Novikombank", description="Banco ruso")
    story = ArticleFactory(public=True, language="es")
    story.people.add(putin)
    story.organizations.add(bank)
    response = client.get(story.get_absolute_url())
    html = response.content.decode()
    assert "People in this story" in html or "Personas en esta noticia" in html
    assert 'href="/people/vladimir-putin/"' in html
    assert 'href="/organizations/novikombank/"' in html
    (article,) = [d for d in json_ld(response) if d["@type"] == "NewsArticle"]
    mentioned = {m["name"]: m for m in article["mentions"]}
    assert mentioned["Vladimir Putin"]["sameAs"] == "https://www.wikidata.org/wiki/Q7747"
    assert mentioned["Vladimir Putin"]["url"].endswith("/people/vladimir-putin/")


def test_sitemaps_list_people_and_organisations_with_pages_in_both_editions(client, putin):
    ArticleFactory(public=True, language="es").people.add(putin)
    bank = OrganizationFactory(name="Novikombank")
    AgreementParticipant.objects.create(agreement=AgreementFactory(), organization=bank, role="lender")
    PersonFactory(name="Nobody Listed")
    index = client.get("/sitemap.xml").content.decode()
    assert "sitemap-people.xml" in index and "sitemap-organizations.xml" in index
    people = client.get("/sitemap-people.xml").content.decode()
    assert "/people/vladimir-putin/" in people and "/en/people/vladimir-putin/" in people
    assert "nobody-listed" not in people
    assert "/organizations/novikombank/" in client.get("/sitemap-organizations.xml").content.decode()


def test_search_finds_stories_by_a_persons_other_names(client):
    person = PersonFactory(name="Miguel Díaz-Canel", aliases="Miguel Díaz-Canel Bermúdez")
    story = ArticleFactory(public=True, language="es", headline="Visita oficial", body="<p>Sin nombres.</p>")
    story.people.add(person)
    ArticleFactory(public=True, language="es", headline="Otra cosa")
    response = client.get("/search/", {"q": "Bermúdez"})
    assert [a.headline for a in response.context["page"].object_list] == ["Visita oficial"]
    # Added later, an alias reaches the stories already linked.
    person.aliases += "\nPresidente Canel"
    person.save()
    response = client.get("/search/", {"q": "Canel Bermudez"})
    assert [a.headline for a in response.context["page"].object_list] == ["Visita oficial"]


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "expected"),
    [
        ("article", "people", "Bermudez", "Miguel Díaz-Canel"),
        ("article", "organizations", "república islámica", "IRNA"),
        ("agreementparticipant", "person", "bermúdez", "Miguel Díaz-Canel"),
    ],
)
def test_the_editors_autocomplete_finds_other_names(editor_client, model_name, field_name, term, expected):
    PersonFactory(name="Miguel Díaz-Canel", aliases="Díaz-Canel\nMiguel Díaz-Canel Bermúdez")
    OrganizationFactory(name="IRNA", aliases="Agencia de Noticias de la República Islámica")
    app_label = "newsroom" if model_name == "article" else "alliances"
    response = editor_client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert [r["text"] for r in response.json()["results"]] == [expected]


def test_a_participant_is_a_person_or_an_organisation_never_both_nor_neither():
    agreement = AgreementFactory()
    person, bank = PersonFactory(), OrganizationFactory()
    for fields in ({}, {"person": person, "organization": bank}):
        with pytest.raises(IntegrityError), transaction.atomic():
            AgreementParticipant.objects.create(agreement=agreement, **fields)
    AgreementParticipant.objects.create(agreement=agreement, person=person)
    with pytest.raises(IntegrityError), transaction.atomic():
        AgreementParticipant.objects.create(agreement=agreement, person=person)


def test_the_agreement_form_says_what_is_wrong_with_a_participant_row(editor_client, admin_form_data):
    agreement = AgreementFactory()
    person = PersonFactory()
    url = reverse("admin:alliances_agreement_change", args=[agreement.pk])
    data = admin_form_data(editor_client, url)
    prefix = "participants"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-person": "",
            f"{prefix}-0-organization": "",
            f"{prefix}-0-role": "signatory",
            f"{prefix}-0-note": "como nadie",
        }
    )
    response = editor_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert any(m in html for m in both_languages(AgreementParticipant._meta.constraints[0].violation_error_message))
    assert not AgreementParticipant.objects.exists()
    data[f"{prefix}-0-person"] = str(person.pk)
    assert editor_client.post(url, data).status_code == 302
    assert AgreementParticipant.objects.get().person == person


def test_a_bad_wikidata_id_is_a_form_error(editor_client, admin_form_data):
    person = PersonFactory(name="Someone")
    url = reverse("admin:alliances_person_change", args=[person.pk])
    data = admin_form_data(editor_client, url)
    data["wikidata_id"] = "wiki/Q1"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["wikidata_id"]
    assert error in both_languages(WIKIDATA_ID.message)
    person.refresh_from_db()
    assert person.wikidata_id == ""


def test_a_person_who_took_part_in_an_agreement_cannot_be_deleted_silently(editor_client):
    person = PersonFactory()
    AgreementParticipant.objects.create(agreement=AgreementFactory(), person=person)
    response = editor_client.post(reverse("admin:alliances_person_delete", args=[person.pk]), {"post": "yes"})
    assert response.status_code == 200  # Django's "cannot delete" page
    assert Person.objects.filter(pk=person.pk).exists()


def test_a_renamed_person_page_moves_with_a_redirect(client, putin):
    ArticleFactory(public=True, language="es").people.add(putin)
    putin.slug = "vladimir-v-putin"
    putin.save()
    response = client.get("/people/vladimir-putin/")
    assert response.status_code == 301
    assert response["Location"].endswith("/people/vladimir-v-putin/")


def test_a_renamed_person_without_a_page_leaves_no_redirect(client):
    secret = PersonFactory(name="Secret Source")
    ArticleFactory(headline="Draft").people.add(secret)
    secret.slug = "renamed-secret"
    secret.save()
    assert client.get("/people/secret-source/").status_code == 404


def test_what_a_change_marks_reaches_the_person_and_organisation_pages():
    person, bank = PersonFactory(), OrganizationFactory()
    story = ArticleFactory(public=True)
    story.people.add(person)
    story.organizations.add(bank)
    # Publishing, editing or pulling the story: the pages listing it.
    assert {f"person-{person.pk}", f"organization-{bank.pk}"} <= page_tags.tags_for_change(story)
    # A role in an agreement: the agreement's page and the person's.
    agreement = AgreementFactory()
    role = AgreementParticipant.objects.create(agreement=agreement, person=person)
    assert page_tags.tags_for_change(role) == {f"agreement-{agreement.pk}", f"person-{person.pk}"}
    # Renamed: its own page (the stories and agreements naming it follow
    # when their stored copies are rewritten).
    assert page_tags.tags_for_change(person) == {f"person-{person.pk}"}


def test_a_renamed_person_reaches_the_agreement_page_and_the_story(client, putin):
    treaty = AgreementFactory(title="Tratado")
    AgreementParticipant.objects.create(agreement=treaty, person=putin)
    story = ArticleFactory(public=True, language="es")
    story.people.add(putin)
    putin.name = "Vladimir V. Putin"
    putin.save()
    assert "Vladimir V. Putin" in client.get(treaty.get_absolute_url()).content.decode()
    assert "Vladimir V. Putin" in client.get(story.get_absolute_url()).content.decode()


def test_the_agreements_are_listed_newest_first_each_with_its_role(client, putin):
    older = AgreementFactory(title="Acuerdo de 2001", party_codes=["RU", "IR"], signed_on=date(2001, 3, 12))
    newer = AgreementFactory(title="Tratado de 2025", party_codes=["RU", "IR"], signed_on=date(2025, 1, 17))
    AgreementParticipant.objects.create(agreement=older, person=putin, role=AgreementParticipant.Role.SIGNATORY)
    AgreementParticipant.objects.create(
        agreement=newer, person=putin, role=AgreementParticipant.Role.REPRESENTATIVE, note="presidente de Rusia"
    )
    AgreementParticipant.objects.create(agreement=newer, person=putin, role=AgreementParticipant.Role.ANNOUNCER)
    html = client.get("/en/people/vladimir-putin/").content.decode()
    roles = re.findall(r'<span class="role">([^<]+)</span>.*?<a href="([^"]+)"', html, re.S)
    assert roles == [
        ("Represents a party", f"/en{newer.get_absolute_url()}"),
        ("Announced it", f"/en{newer.get_absolute_url()}"),
        ("Signed it", f"/en{older.get_absolute_url()}"),
    ]
    assert html.count("presidente de Rusia") == 1
