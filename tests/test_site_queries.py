"""The query budget: every public page runs a fixed number of SQL queries,
the same with one item as with thirty. Each page is measured cold (caches
cleared) with one item of everything it lists, then again with thirty."""

import itertools

import pytest
from django.test import Client

from alliances.models import AgreementParticipant, AgreementParty
from newsroom.models import FrontPage, FrontPageFeature, FrontPageLead, FrontPageTopic, Topic
from newsroom.models.front import FEATURED_SLOTS
from tests.conftest import count_queries, rolled_back
from tests.factories import (
    AgreementFactory,
    AgreementSourceFactory,
    ArticleAgreementFactory,
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    OrganizationFactory,
    PersonFactory,
    RelatedVideoFactory,
    SectorFactory,
    SourceFactory,
    country,
)

pytestmark = pytest.mark.django_db

PARTNER_CODES = ["RU", "IR", "KP", "VE", "NI", "CN", "BY", "SY", "BO", "DZ", "AO", "VN", "LA", "MZ", "ZA",
                 "BR", "MX", "IN", "TR", "EG", "ET", "ML", "NA", "UG", "ZW", "KZ", "UZ", "TM", "AZ", "GE"]  # fmt: skip


class World:
    """One article, topic, country (Cuba), agreement and author, and around
    them as many items as ``grow`` adds: topics, countries, agreements,
    authors, sources, corrections, videos, people and organisations on the
    article, and other public articles that share its topic, country, author
    and agreement (so they show on every list and as related articles)."""

    def __init__(self):
        self.partners = iter(PARTNER_CODES)
        self.serial = itertools.count()
        self.author = AuthorFactory(name="Editorial Team")
        self.agreement = AgreementFactory(title="Main agreement", party_codes=["CU", "RU"])
        self.article = ArticleFactory(public=True, headline="The article", authors=[self.author])
        self.article.tags.add("main topic")
        self.article.countries.add(country("CU"))
        self.person = PersonFactory(name="Main Person", aliases="Person\nM. Person", wikidata_id="Q1")
        self.organization = OrganizationFactory(name="Main Bank", kind="bank", wikidata_id="Q2")
        self.article.people.add(self.person)
        self.article.organizations.add(self.organization)
        FrontPageLead.objects.create(front=FrontPage.get(), article=self.article)

    def grow(self, n: int) -> None:
        for _ in range(n):
            i = next(self.serial)
            partner = country(next(self.partners))
            sector = SectorFactory(name=f"sector {i}")
            agreement = AgreementFactory(party_codes=["CU", partner.iso2])
            agreement.sectors.add(sector)
            AgreementParty.objects.create(agreement=agreement, country=country("CU"), role="lender")
            AgreementSourceFactory(agreement=agreement)
            ArticleAgreementFactory(
                article=self.article, agreement=agreement, relation="about" if i % 2 else "mentions"
            )
            self.article.tags.add(f"topic {i}")
            self.article.countries.add(partner)
            self.article.bylines.create(author=AuthorFactory(), position=i + 1)
            SourceFactory(article=self.article, outlet=f"Outlet {i}")
            CorrectionFactory(article=self.article)
            RelatedVideoFactory(article=self.article)
            self.article.people.add(PersonFactory())
            self.article.organizations.add(OrganizationFactory())

            other = ArticleFactory(
                public=True, authors=[self.author, AuthorFactory()], topics=["main topic", f"topic {i}"]
            )
            other.countries.add(country("CU"), partner)
            ArticleAgreementFactory(article=other, agreement=self.agreement)
            other.people.add(self.person)
            other.organizations.add(self.organization)
            front = FrontPage.get()
            if i < FEATURED_SLOTS:
                FrontPageFeature.objects.create(front=front, article=other, position=i)
                FrontPageTopic.objects.create(front=front, topic=Topic.objects.get(name=f"topic {i}"), position=i)
            AgreementParticipant.objects.create(agreement=agreement, person=self.person, note=f"as minister {i}")
            AgreementParticipant.objects.create(agreement=agreement, organization=self.organization, role="lender")
            AgreementParticipant.objects.create(agreement=self.agreement, person=PersonFactory(), role="negotiator")
            self.agreement.sectors.add(sector)
            AgreementSourceFactory(agreement=self.agreement)

    def urls(self) -> dict[str, str]:
        return {
            "home": "/",
            "article": self.article.get_absolute_url(),
            "topic index": "/topics/",
            "topic": "/topics/main-topic/",
            "country index": "/countries/",
            "country": "/countries/cuba/",
            "agreement index": "/agreements/",
            "agreement index, filtered": "/agreements/?country=cuba&kind=cooperation_agreement&status=signed",
            "agreement": self.agreement.get_absolute_url(),
            "author": self.author.get_absolute_url(),
            "person": self.person.get_absolute_url(),
            "organisation": self.organization.get_absolute_url(),
            "person feed": self.person.get_absolute_url() + "feed/",
        }


# The queries each page runs with cold caches, whatever it lists. Three of
# them are the header's most covered topics and countries and the time of the
# next scheduled story, which are cached between requests. A list's first page
# reads its own edition's cards and the other edition's block in one query.
BUDGET = {
    # The editors' picks (one row) and their cards with the topic blocks'.
    "home": 5,
    "article": 5,
    "topic index": 4,
    "topic": 5,
    "country index": 4,
    "country": 5,
    "agreement index": 9,
    "agreement index, filtered": 9,
    "agreement": 5,
    "author": 5,
    # The person or organisation (and whether it has a page), its roles in
    # agreements, its cards.
    "person": 6,
    "organisation": 6,
    "person feed": 4,
}


def measure(client, urls: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Each page's queries with cold caches, twice: the first request also
    pays for what the process keeps between requests, the second is what
    every later cold request costs."""
    return {page: (count_queries(client, url), count_queries(client, url, cold=False)) for page, url in urls.items()}


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, dict[str, tuple[int, int]]]:
    """Every page measured with one item of everything, then with thirty.
    The world is built once for the whole module (building it is most of
    the cost) inside a transaction that is rolled back at the end."""
    with rolled_back(django_db_blocker):
        client = Client()
        world = World()
        world.grow(1)
        one = measure(client, world.urls())
        world.grow(29)
        thirty = measure(client, world.urls())
    return {"one": one, "thirty": thirty}


@pytest.mark.parametrize("page", list(BUDGET))
def test_page_runs_the_same_queries_for_one_item_and_for_thirty(measured, page):
    for size in ("one", "thirty"):
        first, later = measured[size][page]
        assert max(first, later) <= BUDGET[page], f"{page} with {size}: {first} then {later} queries"
    one, thirty = measured["one"][page][1], measured["thirty"][page][1]
    assert thirty == one, f"{page}: {one} queries with one item, {thirty} with thirty"


@pytest.mark.usefixtures("no_page_cache")
def test_a_person_in_no_agreement_costs_no_query_about_agreements(client):
    """The page's first statement says whether any agreement lists the
    person; most people are in none, and their page asks nothing more."""
    world = World()
    world.grow(1)
    count_queries(client, world.person.get_absolute_url(), cold=False)  # the header's counts, kept in the process
    with_roles = count_queries(client, world.person.get_absolute_url(), cold=False)
    AgreementParticipant.objects.filter(person=world.person).delete()
    without = count_queries(client, world.person.get_absolute_url(), cold=False)
    assert without == with_roles - 1
