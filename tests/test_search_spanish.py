"""Search, Spanish first: accents, capitals, ñ, ü and hyphens behave the same
on PostgreSQL and on SQLite, and a search finds the people, organisations,
caption and cited outlets of a story too. The table runs on whichever
database the suite runs on (CI runs both); stemming (plurals, verb forms)
is PostgreSQL's alone, and its rows say so."""

import pytest
from django.db import connection

from alliances.models import Organization
from newsroom.discovery.search import engine
from newsroom.discovery.search.query import Filters
from tests.factories import ArticleFactory, OrganizationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

POSTGRES_ONLY = "stemming"


@pytest.fixture
def archive(db):
    def story(key, headline, body="", language="es", **kwargs):
        return key, ArticleFactory(public=True, language=language, headline=headline, body=f"<p>{body}</p>", **kwargs)

    stories = dict(
        [
            story("visit", "Pezeshkián visita La Habana", "El presidente iraní llegó por la tarde."),
            story("visit_en", "Iran's president visits Cuba", "Pezeshkian arrived in the afternoon.", language="en"),
            story("debt", "Rusia y Cuba retoman la negociación de la deuda", "Las partes hablaron en Moscú."),
            story("minister", "Díaz-Canel recibe al canciller ruso", "El encuentro fue en el Palacio."),
            story("tourism", "Año récord para el turismo en Varadero", "Llegaron más turistas que nunca."),
            story("language", "Pingüinos y lingüística", "Un estudio curioso."),
            story(
                "summit",
                "Cumbre sobre energía en Kazán",
                "Los ministros firmaron tres memorandos.",
                image_caption="Vista del Kremlin al atardecer",
            ),
            story("credit", "Crédito ruso para la central eléctrica", "El banco financia la obra."),
        ]
    )
    stories["minister"].people.add(PersonFactory(name="Miguel Díaz-Canel Bermúdez"))
    stories["credit"].organizations.add(OrganizationFactory(name="Novikombank", kind=Organization.Kind.BANK))
    SourceFactory(article=stories["summit"], outlet="Prensa Latina")
    return stories


TABLE = [
    # Accents, either way round, and capitals.
    ("Pezeshkián", {"visit", "visit_en"}),
    ("Pezeshkian", {"visit", "visit_en"}),
    ("pezeshkián", {"visit", "visit_en"}),
    ("PEZESHKIAN", {"visit", "visit_en"}),
    ("negociación", {"debt"}),
    ("negociacion", {"debt"}),
    ("NEGOCIACIÓN", {"debt"}),
    ("Moscú", {"debt"}),
    ("moscu", {"debt"}),
    ("energía", {"summit"}),
    ("energia", {"summit"}),
    ("Kazán", {"summit"}),
    ("kazan", {"summit"}),
    ("récord", {"tourism"}),
    ("record", {"tourism"}),
    ("central eléctrica", {"credit"}),
    ("central electrica", {"credit"}),
    # Hyphens and names.
    ("Díaz-Canel", {"minister"}),
    ("Diaz Canel", {"minister"}),
    ("díaz canel", {"minister"}),
    ("diaz-canel", {"minister"}),
    ("DIAZ-CANEL", {"minister"}),
    ('"Díaz-Canel recibe"', {"minister"}),
    # ñ and ü.
    ("año", {"tourism"}),
    ("AÑO", {"tourism"}),
    ("pingüinos", {"language"}),
    ("pinguinos", {"language"}),
    ("lingüística", {"language"}),
    ("linguistica", {"language"}),
    # Names of the story's people and organisations, its caption and sources.
    ("Miguel Bermúdez", {"minister"}),
    ("bermudez", {"minister"}),
    ("Novikombank", {"credit"}),
    ("Kremlin", {"summit"}),
    ("vista del kremlin", {"summit"}),
    ("Prensa Latina", {"summit"}),
    ("La Habana", {"visit"}),
    # Stemming: plurals and verb forms.
    ("negociaciones", {"debt"}, POSTGRES_ONLY),
    ("eléctricas", {"credit"}, POSTGRES_ONLY),
    ("visitas", {"visit"}, POSTGRES_ONLY),
    ("firmó", {"summit"}, POSTGRES_ONLY),
]


def test_the_table_holds_at_least_thirty_queries():
    assert len(TABLE) >= 30


@pytest.mark.parametrize("row", TABLE, ids=[row[0] for row in TABLE])
def test_a_spanish_query_finds_its_stories(archive, row):
    query, expected, *only = row
    if only and connection.vendor != "postgresql":
        pytest.skip("stemming (plurals, verb forms) is PostgreSQL's alone: SQLite matches whole words")
    matches = engine().find_matches(query, Filters())
    found = {key for key, article in archive.items() if article.pk in set(matches.ranked)}
    assert found == expected


def test_a_name_or_caption_ranks_below_the_same_word_in_a_headline(archive):
    headline = ArticleFactory(public=True, language="es", headline="Kremlin anuncia una cumbre")
    ranked = engine().find_matches("Kremlin", Filters()).ranked
    assert ranked.index(headline.pk) < ranked.index(archive["summit"].pk)


def test_the_results_page_finds_an_accented_name_typed_without_accents(client, archive):
    html = client.get("/search/", {"q": "diaz canel"}).content.decode()
    assert "Díaz-Canel recibe al canciller ruso" in html


def test_each_edition_lists_its_own_language_first_then_the_other_in_a_labelled_block(client, archive):
    spanish = client.get("/search/", {"q": "Pezeshkian"}).content.decode()
    assert spanish.index("Pezeshkián visita La Habana") < spanish.index("Noticias en inglés")
    assert spanish.index("Noticias en inglés") < spanish.index("Iran&#39;s president visits Cuba")
    english = client.get("/en/search/", {"q": "Pezeshkian"}).content.decode()
    assert english.index("Iran&#39;s president visits Cuba") < english.index("Stories in Spanish")
    assert english.index("Stories in Spanish") < english.index("Pezeshkián visita La Habana")
