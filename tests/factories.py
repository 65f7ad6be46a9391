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
