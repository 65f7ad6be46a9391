"""The story form's suggestions: what the matcher finds in a text, against
the newsroom's records (newsroom.editorial.suggestions), and its measured
precision and recall on the held-out labelled set."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from alliances.models import Country
from newsroom.editorial import suggestions
from newsroom.editorial.suggestions import Gazetteer
from tests.factories import AgreementFactory, OrganizationFactory, PersonFactory


def small_gazetteer() -> Gazetteer:
    built = Gazetteer()
    for iso2, names in {
        "CU": ["Cuba"],
        "RU": ["Rusia", "Russia"],
        "IR": ["Irán", "Iran"],
        "US": ["Estados Unidos", "United States"],
        "JO": ["Jordania", "Jordan"],
        "TD": ["Chad"],
        "GE": ["Georgia"],
        "CN": ["China"],
        "TR": ["Turquía", "Turkey"],
        "KP": ["Corea del Norte", "North Korea"],
    }.items():
        built.add_country(iso2, iso2, names)
    built.add_person("putin", "Vladimir Putin", ["Putin"])
    built.add_person("raul", "Raúl Castro", [])
    built.add_person("marrero", "Manuel Marrero Cruz", ["Manuel Marrero"])
    built.add_person("xi", "Xi Jinping", ["Xi"])
    built.add_person("maduro", "Nicolás Maduro", ["Maduro"])
    built.add_person("diaz-canel", "Miguel Díaz-Canel", ["Díaz-Canel"])
    built.add_organization("un", "Naciones Unidas", ["ONU", "United Nations", "UN"])
    built.add_organization("une", "Unión Eléctrica", ["UNE"])
    built.add_organization("bcc", "Banco Central de Cuba", ["Central Bank of Cuba"])
    built.add_organization("oas", "Organización de Estados Americanos", ["Organization of American States"])
    built.add_agreement(
        "treaty",
        "Tratado de asociación estratégica integral Rusia-Irán",
        ["Russia–Iran comprehensive strategic partnership treaty"],
        ["RU", "IR"],
    )
    return built.finish()


def found(text: str, language: str = "") -> dict[str, list]:
    result = small_gazetteer().find(text, language=language)
    return {kind: [s.record.pk for s in items] for kind, items in result.items()}


@pytest.mark.parametrize(
    ("text", "language", "countries"),
    [
        ("Los cubanos y las iraníes votaron; los rusos no.", "es", ["CU", "IR", "RU"]),
        ("Moscú respondió a Washington desde La Habana.", "es", ["RU", "US", "CU"]),
        ("El peso cubano cayó frente al dólar.", "es", ["CU"]),
        ("EE. UU. y EEUU y U.S. y the US", "", ["US"]),
        ("Let us go; the bus left.", "en", []),
        ("Jordan Peterson and Chad Smith met in Atlanta, Georgia.", "en", []),
        ("Michael Jordan visited.", "en", []),
        ("Jordan, Chad and Georgia signed.", "en", ["JO", "TD", "GE"]),
        ("We ate turkey on fine china.", "en", []),
        ("The Chinese and North Korean delegations.", "en", ["CN", "KP"]),
        ("La porcelana china del museo.", "es", ["CN"]),
        ("La entrevista se publicó en ruso y en chino.", "es", []),
        ("Latin American leaders met at the Organization of American States.", "en", []),
        ("El Banco Central de Cuba subió las tasas.", "es", ["CU"]),
    ],
)
def test_countries_by_name_demonym_capital_and_not_by_lookalikes(text, language, countries):
    assert found(text, language)["countries"] == countries


@pytest.mark.parametrize(
    ("text", "people"),
    [
        ("Putin's visit and Vladimir Putin's speech.", ["putin"]),
        ("Diaz Canel y Díaz-Canel, el mismo.", ["diaz-canel"]),
        ("Fidel Castro habló; su hermano no.", []),
        ("Según Castro, la zafra mejora.", ["raul"]),
        ("Marrero dijo, y Manuel Marrero Cruz repitió.", ["marrero"]),
        ("El XI Pleno del Partido; tabaco rubio y plátano maduro.", []),
        ("President Xi met Maduro.", ["xi", "maduro"]),
        ("El presidente ruso no dio su nombre.", []),
    ],
)
def test_people_by_name_alias_or_surname_and_not_by_lookalikes(text, people):
    assert found(text)["people"] == people


def test_acronyms_match_only_as_written():
    assert found("Un acuerdo une a la ONU y la UNE con un socio.", "es")["organizations"] == ["un", "une"]
    assert found("un acuerdo que une a dos", "es")["organizations"] == []
    assert found("The UN said so, and the un-named source too.", "en")["organizations"] == ["un"]


def test_an_agreement_by_title_or_by_a_sentence_naming_its_parties_and_kind():
    assert found("El Tratado de asociación estratégica integral Rusia-Irán entró en vigor.")["agreements"] == ["treaty"]
    described = "Russia and Iran signed the comprehensive strategic partnership treaty in Moscow."
    assert found(described, "en")["agreements"] == ["treaty"]
    # The parties alone, or the kind alone, are not enough.
    assert found("Russia and Iran met in Moscow to talk about trade.", "en")["agreements"] == []
    assert found("A comprehensive partnership treaty between two other states.", "en")["agreements"] == []


@pytest.mark.django_db
def test_the_newsrooms_gazetteer_is_built_from_its_records_and_forgets_on_save():
    cuba = Country.objects.get(iso2="CU")
    person = PersonFactory(name="Ana Pérez Gómez", aliases="La Cronista")
    organization = OrganizationFactory(name="Cubadebate", aliases="CD Noticias")
    agreement = AgreementFactory(title="Acuerdo azucarero de Matanzas", party_codes=["CU", "VN"])
    suggestions.forget()
    result = suggestions.suggest(
        headline="La Cronista en Matanzas",
        body="<p>Según <strong>Cubadebate</strong>, los cubanos y Vietnam firmaron el acuerdo azucarero.</p>",
        language="es",
    )
    assert [item["id"] for item in result["countries"]] == [cuba.pk, Country.objects.get(iso2="VN").pk]
    assert [item["id"] for item in result["people"]] == [person.pk]
    assert [item["id"] for item in result["organizations"]] == [organization.pk]
    assert [item["id"] for item in result["agreements"]] == [agreement.pk]
    assert result["people"][0] == {"id": person.pk, "label": "Ana Pérez Gómez", "found": ["La Cronista"], "count": 1}
    # A record saved is suggested by its new name at once.
    person.aliases = "La Columnista"
    person.save()
    again = suggestions.suggest(body="<p>La Columnista escribe.</p>")
    assert [item["id"] for item in again["people"]] == [person.pk]


def test_the_held_out_half_meets_the_targets():
    """The figures the issue asks for (manage.py suggestions_score
    --heldout): precision >= 0.90 and recall >= 0.85 for countries, people
    and organisations, on paragraphs labelled by someone who had not seen
    the matcher."""
    out = StringIO()
    call_command("suggestions_score", "--heldout", stdout=out)
    lines = {line.split()[0]: line.split() for line in out.getvalue().splitlines() if line.strip()}
    for kind in ("countries", "people", "organizations"):
        precision, recall = float(lines[kind][1]), float(lines[kind][2])
        assert precision >= 0.90 and recall >= 0.85, lines[kind]
        assert lines[kind][-1] == "met"


def test_the_labelled_set_is_large_enough_and_names_only_known_records():
    from pathlib import Path

    data = Path(__file__).parent / "data" / "suggestions"
    records = json.loads((data / "records.json").read_text())
    known = {
        "people": {p["name"] for p in records["people"]},
        "organizations": {o["name"] for o in records["organizations"]},
        "agreements": {a["title"] for a in records["agreements"]},
    }
    paragraphs = [*json.loads((data / "dev.json").read_text()), *json.loads((data / "heldout.json").read_text())]
    assert len(paragraphs) >= 60
    assert {p["language"] for p in paragraphs} == {"es", "en"}
    for paragraph in paragraphs:
        for kind, names in known.items():
            assert set(paragraph[kind]) <= names, (paragraph["id"], kind)


# -- The panel's door ----------------------------------------------------------------

SUGGEST_URL = "/admin/newsroom/article/suggest/"


@pytest.mark.django_db
def test_the_panel_asks_the_server_and_gets_the_records_the_text_names(editor_client):
    person = PersonFactory(name="Masoud Pezeshkian", aliases="Pezeshkian")
    response = editor_client.post(
        SUGGEST_URL,
        {"headline": "Pezeshkian en La Habana", "dek": "", "body": "<p>Los iraníes llegaron.</p>", "language": "es"},
    )
    assert response.status_code == 200
    found = response.json()
    assert [item["label"] for item in found["countries"]] == ["Cuba", "Iran"]
    assert [item["id"] for item in found["people"]] == [person.pk]
    assert found["organizations"] == [] and found["agreements"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"body": "x" * 400_001}, 400),
        ({"body": "Cuba", "language": "fr"}, 400),
    ],
)
def test_bad_input_to_the_panel_is_a_clear_400(editor_client, data, status):
    response = editor_client.post(SUGGEST_URL, data)
    assert response.status_code == status
    assert response.json()["error"]


@pytest.mark.django_db
def test_the_panel_answers_only_a_post(editor_client):
    assert editor_client.get(SUGGEST_URL).status_code == 405


@pytest.mark.django_db
def test_the_panel_answers_only_someone_who_writes_stories(client, django_user_model):
    assert client.post(SUGGEST_URL, {"body": "Cuba"}).status_code == 302  # to the login page
    reader = django_user_model.objects.create_user("staff-reader", password="x", is_staff=True)
    client.force_login(reader)
    assert client.post(SUGGEST_URL, {"body": "Cuba"}).status_code == 403


@pytest.mark.django_db
def test_a_dismissed_suggestion_is_saved_with_the_story(editor_client, admin_form_data):
    from django.urls import reverse

    from tests.factories import ArticleFactory

    article = ArticleFactory()
    url = reverse("admin:newsroom_article_change", args=[article.pk])
    data = admin_form_data(editor_client, url)
    cuba = Country.objects.get(iso2="CU").pk
    data["suggestions_dismissed"] = f"countries:{cuba}\npeople:7\ncountries:{cuba}"
    assert editor_client.post(url, data).status_code == 302
    article.refresh_from_db()
    assert article.dismissed_suggestions == [f"countries:{cuba}", "people:7"]
    # The form carries them back to the panel.
    assert f"countries:{cuba}\npeople:7" in editor_client.get(url).content.decode()
    data = admin_form_data(editor_client, url)
    data["suggestions_dismissed"] = "countries:<script>"
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "The list of dismissed suggestions is not valid" in response.content.decode()
