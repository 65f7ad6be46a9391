"""factory-boy factories for the test suite."""

from datetime import date, timedelta

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from alliances.models import Agreement, AgreementParty, Country, Organization, Person, Sector
from newsroom.models import Article, Author, Byline, Correction, Source


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*[Group.objects.get(name=name) for name in extracted])


def writer(**kwargs) -> User:
    return UserFactory(groups=["Writer"], **kwargs)


def editor(**kwargs) -> User:
    return UserFactory(groups=["Editor"], **kwargs)


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Reporter {n}")
    bio = "Covers the Caribbean."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Headline number {n}")
    dek = "A short summary of the story."
    body = "<p>The body of the story.</p>"
    language = "en"
    status = Article.Status.DRAFT

    class Params:
        public = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1)),
        )
        scheduled = factory.Trait(
            status=Article.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() + timedelta(days=1)),
        )

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for position, author in enumerate(extracted):
                Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)

    @factory.post_generation
    def country_codes(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.add(*extracted)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    article = factory.SubFactory(ArticleFactory)
    outlet = "Infobae"


class CorrectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Correction

    article = factory.SubFactory(ArticleFactory, public=True)
    text = "An earlier version misspelled a name."


def country(code: str) -> Country:
    return Country.objects.get(iso2=code)


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"sector {n}")


class AgreementFactory(factory.django.DjangoModelFactory):
    """An agreement between two countries (Iran and Cuba unless told)."""

    class Meta:
        model = Agreement
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Agreement {n}")
    kind = Agreement.Kind.COOPERATION_AGREEMENT
    status = Agreement.Status.SIGNED
    signed_on = date(2024, 5, 1)
    signed_on_precision = "day"

    @factory.post_generation
    def party_codes(self, create, extracted, **kwargs):
        if not create:
            return
        for code in extracted if extracted is not None else ["IR", "CU"]:
            AgreementParty.objects.create(agreement=self, country=country(code))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Official {n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Agency {n}")


# Reader-site helpers (issue "Reader site") ----------------------------------


class ArticleAgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "alliances.ArticleAgreement"

    article = factory.SubFactory(ArticleFactory, public=True)
    agreement = factory.SubFactory(AgreementFactory)
    relation = "about"


class AgreementSourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "alliances.AgreementSource"

    agreement = factory.SubFactory(AgreementFactory)
    outlet = "Europa Press"


class RelatedVideoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "newsroom.RelatedVideo"

    article = factory.SubFactory(ArticleFactory, public=True)
    title = "Leaders meet in Moscow"
    url = "https://video.example.org/watch/1"


def hero_image(name: str = "hero.png", size=(1200, 675)):
    """A generated picture for an article's hero image field: a dark
    gradient with three pale discs (three heads of state at a table)."""
    from io import BytesIO

    from django.core.files.base import ContentFile
    from PIL import Image, ImageDraw

    width, height = size
    image = Image.new("RGB", size, (40, 48, 60))
    draw = ImageDraw.Draw(image)
    for y in range(height):
        shade = 40 + int(60 * y / height)
        draw.line([(0, y), (width, y)], fill=(shade, shade + 8, shade + 20))
    for i in range(3):
        cx = width * (i + 1) // 4
        draw.ellipse([cx - 90, height // 3 - 90, cx + 90, height // 3 + 90], fill=(214, 196, 170))
        draw.rectangle([cx - 150, height // 3 + 110, cx + 150, height], fill=(30, 30, 36))
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    return ContentFile(buffer.getvalue(), name=name)


def launch_story():
    """The launch story of STORY.md in the test suite's own words: the
    article on Iran, Russia and Cuba with its countries, topics, sources and
    agreements (the Russia-Iran treaty that replaces the 2001 agreement), plus
    a second public story on the treaty. Returns a dict of the records."""
    team = AuthorFactory(name="Editorial Team", bio="The newsroom's desk for stories written collectively.")
    old_treaty = AgreementFactory(
        title="Russia–Iran 2001 cooperation treaty",
        kind=Agreement.Kind.TREATY,
        status=Agreement.Status.SUPERSEDED,
        signed_on=date(2001, 1, 1),
        signed_on_precision="year",
        duration_years=20,
        party_codes=["RU", "IR"],
    )
    treaty = AgreementFactory(
        title="Russia–Iran comprehensive strategic partnership treaty",
        kind=Agreement.Kind.TREATY,
        status=Agreement.Status.ANNOUNCED,
        signed_on=None,
        signed_on_precision="",
        summary="A treaty covering energy, transport and manufacturing that replaces the 2001 agreement.",
        supersedes=old_treaty,
        party_codes=["RU", "IR"],
    )
    treaty.sectors.add(SectorFactory(name="energy"), SectorFactory(name="transport"))
    AgreementSourceFactory(agreement=treaty, outlet="Europa Press")
    iran_cuba = AgreementFactory(
        title="Iran–Cuba ten-year strategic partnership",
        kind=Agreement.Kind.STRATEGIC_PARTNERSHIP,
        status=Agreement.Status.UNDER_NEGOTIATION,
        signed_on=None,
        signed_on_precision="",
        duration_years=10,
        party_codes=["IR", "CU"],
    )
    credit = AgreementFactory(
        title="Russian credit lines for Cuban energy",
        kind=Agreement.Kind.CREDIT_LINE,
        status=Agreement.Status.SIGNED,
        signed_on=date(2024, 5, 1),
        signed_on_precision="month",
        party_codes=[],
    )
    AgreementParty.objects.create(agreement=credit, country=country("RU"), role=AgreementParty.Role.LENDER)
    AgreementParty.objects.create(agreement=credit, country=country("CU"), role=AgreementParty.Role.BORROWER)

    story = ArticleFactory(
        public=True,
        headline="Iran, Russia and Cuba tighten their strategic ties",
        dek="Three governments under sanctions deepen cooperation in energy, technology, security and defence.",
        body="<h2>Iran and Cuba</h2><p>Officials met in Tehran to set the terms of a ten-year partnership.</p>"
        "<h2>Russia and Iran</h2><p>A new treaty is to replace the agreement signed in 2001.</p>",
        image=hero_image(),
        image_alt="Miguel Díaz-Canel, Vladimir Putin and Masoud Pezeshkian",
        image_caption="The three presidents, in a composite of official photographs.",
        image_credit="Officials' social-media accounts and an Iranian outlet",
        language="en",
        authors=[team],
        topics=["strategic alliances", "sanctions", "energy crisis", "geopolitics"],
        country_codes=["IR", "RU", "CU", "KP"],
    )
    for position, outlet in enumerate(["Infobae", "IRNA", "Europa Press"]):
        SourceFactory(article=story, outlet=outlet, position=position)
    ArticleAgreementFactory(article=story, agreement=treaty, relation="about")
    ArticleAgreementFactory(article=story, agreement=iran_cuba, relation="about")
    ArticleAgreementFactory(article=story, agreement=old_treaty, relation="mentions")
    story.people.add(PersonFactory(name="Masoud Pezeshkian", role="President of Iran"))
    story.organizations.add(OrganizationFactory(name="Novikombank", kind=Organization.Kind.BANK))

    follow_up = ArticleFactory(
        public=True,
        published_at=story.published_at - timedelta(hours=5),
        headline="Pezeshkian to travel to Moscow to sign the treaty",
        dek="The new text replaces a twenty-year agreement from 2001.",
        authors=[team],
        topics=["geopolitics"],
        country_codes=["IR", "RU"],
    )
    ArticleAgreementFactory(article=follow_up, agreement=treaty, relation="about")
    return {
        "author": team,
        "story": story,
        "follow_up": follow_up,
        "treaty": treaty,
        "old_treaty": old_treaty,
        "iran_cuba": iran_cuba,
        "credit": credit,
    }


def non_public_states() -> dict[str, dict]:
    """Factory arguments for each kind of article a reader must never see:
    draft, in review, archived (after having been public) and scheduled."""
    return {
        "draft": {"status": "draft", "published_at": None},
        "review": {"status": "review", "published_at": None},
        "archived": {"status": "archived", "published_at": timezone.now() - timedelta(days=1)},
        "scheduled": {"scheduled": True},
    }
