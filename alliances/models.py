"""Countries, agreements between them, and the people and bodies involved.

Integrity that one row can state is a database constraint; what needs other
rows (two distinct parties, no cycles, a lender unlike its borrower) is
checked in ``clean()``. Both reach editors as form errors.
"""

from __future__ import annotations

import functools

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from taggit.models import TagBase

from newsroom.core.addresses import KeepsOldAddresses
from newsroom.core.converters import slug_path
from newsroom.core.copies import COPY_FIELDS, ArticleStateCopy
from newsroom.core.editions import InLanguage, in_edition
from newsroom.core.formats import format_string
from newsroom.core.text import AddressSlugField, FillsSlug, ascii_slug, slug_form_constraint


@functools.lru_cache(maxsize=4096)
def day_text(value, name: str, language: str | None) -> str:
    """A day in the named format ("day", "month": newsroom.core.formats) in
    ``language``, the active one. Lists print the same days over and over;
    formatting one reads Django's locale settings each time. Also used by
    the reader templates' date filter."""
    return date_format(value, format_string(name))


class Country(TagBase):
    """A country from ISO 3166-1. ``name`` (from TagBase) is the English short
    name that editors see; the list is seeded by a data migration."""

    iso2 = models.CharField(_("ISO alpha-2"), max_length=2, unique=True)
    iso3 = models.CharField(_("ISO alpha-3"), max_length=3, unique=True)
    name_en = models.CharField(_("English name"), max_length=100)
    name_es = models.CharField(_("Spanish name"), max_length=100)
    wikidata_id = models.CharField(_("Wikidata id"), max_length=20, blank=True, help_text=_("For example Q241."))
    slug = AddressSlugField(_("slug"), max_length=100, unique=True)
    # Optional: most countries need none. The English edition falls back to
    # the Spanish text, marked as Spanish, like an agreement's summary.
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("A few sentences at the top of the country page: why the newsroom follows it. In Spanish."),
    )
    introduction_en = models.TextField(_("English introduction"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            slug_form_constraint("country_slug_form"),
            models.CheckConstraint(condition=Q(iso2__regex=r"^[A-Z]{2}$"), name="country_iso2_format"),
            models.CheckConstraint(condition=Q(iso3__regex=r"^[A-Z]{3}$"), name="country_iso3_format"),
        ]

    def get_absolute_url(self) -> str:
        return slug_path("alliances:country-detail", self.slug)

    def localized_name(self, language: str) -> str:
        return self.name_es if language == "es" and self.name_es else self.name

    @property
    def display_name(self) -> str:
        """The name in the active language: what reader pages print."""
        return self.localized_name(get_language())

    @property
    def display_introduction(self) -> InLanguage:
        return in_edition({"es": self.introduction, "en": self.introduction_en})


class CountryOverview(models.Model):
    """What a country's first page shows beside its stories (agreements by
    status, the latest few, partner countries), stored because counting it
    for every view cost more than the rest of the page. Derived data:
    alliances.overview writes it whenever what it shows changes."""

    country = models.OneToOneField(Country, on_delete=models.CASCADE, primary_key=True, related_name="overview")
    data = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("country overview")
        verbose_name_plural = _("country overviews")

    def __str__(self) -> str:
        return str(self.country_id)


class Sector(models.Model):
    # ``name`` is the English name (as Country.name is); reader pages print
    # ``display_name``.
    name = models.CharField(_("name"), max_length=80, unique=True)
    name_es = models.CharField(_("Spanish name"), max_length=80, blank=True)
    slug = AddressSlugField(_("slug"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        constraints = [slug_form_constraint("sector_slug_form")]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> InLanguage:
        return in_edition({"es": self.name_es, "en": self.name})

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = ascii_slug(self.name, 80)
        super().save(*args, **kwargs)


class Precision(models.TextChoices):
    DAY = "day", _("Day")
    MONTH = "month", _("Month")
    YEAR = "year", _("Year")


def _date_pair_constraint(field: str) -> models.CheckConstraint:
    """A date and its precision are set together or not at all."""
    return models.CheckConstraint(
        condition=(Q(**{f"{field}__isnull": True}) & Q(**{f"{field}_precision": ""}))
        | (Q(**{f"{field}__isnull": False}) & ~Q(**{f"{field}_precision": ""})),
        name=f"agreement_{field}_with_precision",
        violation_error_message=_("Give a date and how precise it is (day, month or year) together."),
    )


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The label of ``value`` among ``choices`` in the active language, or
    the value itself when it is not one of them (as Django's
    get_FOO_display() does)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


WIKIDATA_ID = RegexValidator(r"^Q[1-9][0-9]*$", _("A Wikidata id is a Q followed by digits, for example Q57382."))


def _wikidata_form(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
        name=name,
        violation_error_message=WIKIDATA_ID.message,
    )


class Agreement(FillsSlug, KeepsOldAddresses, models.Model):
    # The rows each version carries with it (reversion.register below).
    HISTORY_FOLLOW = ("parties", "sources", "participants")
    slug_source = "title"

    class Kind(models.TextChoices):
        TREATY = "treaty", _("Treaty")
        STRATEGIC_PARTNERSHIP = "strategic_partnership", _("Strategic partnership")
        MOU = "mou", _("Memorandum of understanding")
        CREDIT_LINE = "credit_line", _("Credit line")
        INVESTMENT_PROJECT = "investment_project", _("Investment project")
        COMMISSION = "commission", _("Commission")
        COOPERATION_AGREEMENT = "cooperation_agreement", _("Cooperation agreement")

    class Status(models.TextChoices):
        ANNOUNCED = "announced", _("Announced")
        UNDER_NEGOTIATION = "under_negotiation", _("Under negotiation")
        SIGNED = "signed", _("Signed")
        RATIFIED = "ratified", _("Ratified")
        IN_FORCE = "in_force", _("In force")
        EXPIRED = "expired", _("Expired")
        SUPERSEDED = "superseded", _("Superseded")
        SUSPENDED = "suspended", _("Suspended")
        # Nobody has reported it yet: said in plain words, never "Unknown".
        UNKNOWN = "unknown", _("Status not reported")

    # The Spanish title is required: it is the newsroom's working language,
    # the address is made from it and editors find agreements by it. The
    # English title and either summary may be empty; the English edition
    # then shows the Spanish text, marked lang="es".
    title = models.CharField(_("title"), max_length=200, help_text=_("In Spanish."))
    title_en = models.CharField(_("English title"), max_length=200, blank=True)
    slug = AddressSlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.UNKNOWN)
    announced_on = models.DateField(_("announced on"), null=True, blank=True)
    announced_on_precision = models.CharField(_("precision"), max_length=5, choices=Precision.choices, blank=True)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_on_precision = models.CharField(_("precision"), max_length=5, choices=Precision.choices, blank=True)
    in_force_on = models.DateField(_("in force from"), null=True, blank=True)
    in_force_on_precision = models.CharField(_("precision"), max_length=5, choices=Precision.choices, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    expires_on_precision = models.CharField(_("precision"), max_length=5, choices=Precision.choices, blank=True)
    duration_years = models.PositiveSmallIntegerField(
        _("duration (years)"), null=True, blank=True, help_text=_("Leave blank if the reports do not say.")
    )
    summary = models.TextField(_("summary"), blank=True, help_text=_("In Spanish."))
    summary_en = models.TextField(_("English summary"), blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"),
        max_length=20,
        blank=True,
        validators=[WIKIDATA_ID],
        help_text=_("Its Wikidata item: a Q followed by digits."),
    )
    sectors = models.ManyToManyField(Sector, related_name="agreements", blank=True)
    countries = models.ManyToManyField(Country, through="AgreementParty", related_name="agreements", blank=True)
    supersedes = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        help_text=_("The earlier agreement this one replaces."),
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="parts",
        help_text=_("The wider agreement this one belongs to."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Optimistic locking, as on articles (newsroom.editorial.services.claim_edit).
    lock_version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("last edited by"),
    )

    # What the agreement's page prints from other rows (parties, sectors,
    # sources, the agreements it is linked with), written on change by
    # alliances.agreement_page; NULL until first written.
    page_lists = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["title"]
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        constraints = [
            slug_form_constraint("agreement_slug_form"),
            models.CheckConstraint(
                condition=~Q(supersedes=F("pk")),
                name="agreement_not_superseding_itself",
                violation_error_message=_("An agreement cannot supersede itself."),
            ),
            models.CheckConstraint(
                condition=~Q(part_of=F("pk")),
                name="agreement_not_part_of_itself",
                violation_error_message=_("An agreement cannot be part of itself."),
            ),
            models.CheckConstraint(
                condition=Q(signed_on__isnull=True)
                | Q(announced_on__isnull=True)
                | Q(signed_on__gte=F("announced_on")),
                name="agreement_signed_after_announced",
                violation_error_message=_("The signing date cannot be before the announcement."),
            ),
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True) | Q(signed_on__isnull=True) | Q(in_force_on__gte=F("signed_on")),
                name="agreement_in_force_after_signed",
                violation_error_message=_("An agreement cannot enter into force before it is signed."),
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True) | Q(in_force_on__isnull=True) | Q(expires_on__gt=F("in_force_on")),
                name="agreement_expires_after_in_force",
                violation_error_message=_("The expiry date must come after entry into force."),
            ),
            models.CheckConstraint(
                condition=Q(duration_years__isnull=True) | Q(duration_years__gte=1, duration_years__lte=99),
                name="agreement_duration_1_to_99",
                violation_error_message=_("The duration must be between 1 and 99 years."),
            ),
            _date_pair_constraint("announced_on"),
            _date_pair_constraint("signed_on"),
            _date_pair_constraint("in_force_on"),
            _date_pair_constraint("expires_on"),
            _wikidata_form("agreement_wikidata_form"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return slug_path("alliances:agreement-detail", self.slug)

    @property
    def display_title(self) -> InLanguage:
        """The title in the active edition's language, else the Spanish one
        (marked as such by the page)."""
        return in_edition({"es": self.title, "en": self.title_en})

    @property
    def display_summary(self) -> InLanguage:
        return in_edition({"es": self.summary, "en": self.summary_en})

    # Django's generated get_FOO_display() hashes every choice's (lazy,
    # translated) label on each call, dear for these long lists, and a busy
    # country's page prints dozens of agreement cards.
    def get_kind_display(self) -> str:
        return choice_label(self.Kind, self.kind)

    def get_status_display(self) -> str:
        return choice_label(self.Status, self.status)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.leave_redirect()

    def clean(self):
        super().clean()
        errors = {}
        for field, message in (
            ("supersedes", _("This would make a loop: the chosen agreement already follows from this one.")),
            ("part_of", _("This would make a loop: the chosen agreement is already part of this one.")),
        ):
            if self._leads_back(field):
                errors[field] = message
        if errors:
            raise ValidationError(errors)

    def _leads_back(self, field: str) -> bool:
        """True if following ``field`` from this agreement comes back to it."""
        if self.pk is None:
            return False
        seen = {self.pk}
        current_id = getattr(self, f"{field}_id")
        while current_id is not None:
            if current_id in seen:
                return True
            seen.add(current_id)
            current_id = Agreement.objects.filter(pk=current_id).values_list(f"{field}_id", flat=True).first()
        return False

    def check_parties(self, parties: list[tuple[int | None, str]]) -> None:
        """Rules that need every party at once. ``parties`` is a list of
        (country id, role). Raises ValidationError for the form to show."""
        countries = {c for c, _role in parties if c is not None}
        if len(countries) < 2:
            raise ValidationError(_("An agreement needs at least two different countries among its parties."))
        lenders = {c for c, role in parties if role == AgreementParty.Role.LENDER}
        borrowers = {c for c, role in parties if role == AgreementParty.Role.BORROWER}
        if lenders & borrowers:
            raise ValidationError(_("A country cannot be both the lender and the borrower."))

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""

    def display_date(self, field: str) -> str:
        """The date as precisely as it is known: "2001", "January 2025", "17 January 2025"."""
        value = getattr(self, field)
        if value is None:
            return ""
        precision = getattr(self, f"{field}_precision")
        if precision == Precision.YEAR:
            return str(value.year)
        return day_text(value, "month" if precision == Precision.MONTH else "day", get_language())

    def date_iso(self, field: str) -> str:
        """Machine-readable date at its precision, for <time datetime>."""
        value = getattr(self, field)
        if value is None:
            return ""
        precision = getattr(self, f"{field}_precision")
        if precision == Precision.YEAR:
            return f"{value.year:04d}"
        if precision == Precision.MONTH:
            return f"{value.year:04d}-{value.month:02d}"
        return value.isoformat()


class AgreementParty(models.Model):
    class Role(models.TextChoices):
        PARTY = "party", _("Party")
        SIGNATORY = "signatory", _("Signatory")
        LENDER = "lender", _("Lender")
        BORROWER = "borrower", _("Borrower")
        INVESTOR = "investor", _("Investor")
        HOST = "host", _("Host")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agreement_parties")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.PARTY)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "country", "role"],
                name="unique_party_role_per_agreement",
                violation_error_message=_("This country already has this role in the agreement."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.country} ({self.get_role_display()})"

    # As Agreement's: an agreement page prints a role for every party.
    def get_role_display(self) -> str:
        return choice_label(self.Role, self.role)


class AgreementSource(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="sources")
    outlet = models.CharField(_("outlet"), max_length=200)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    published_on = models.DateField(_("date"), null=True, blank=True)

    class Meta:
        ordering = ["published_on", "pk"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.outlet


class Profile(FillsSlug, KeepsOldAddresses, models.Model):
    """What a person's and an organisation's page print besides the name:
    the names they also go by (``aliases``, one per line, which search and
    the admin's autocomplete know too), an editor's note in each edition, a
    photo with its credit and a Wikidata id (``sameAs`` in structured
    data).

    A page exists while a public story names the record or an agreement
    lists it (newsroom.site.selectors.profile_for_page): a name typed for
    an embargoed story is not given away by its page, nor by a redirect
    from its old address."""

    route = ""
    aliases = models.TextField(
        _("also known as"),
        blank=True,
        help_text=_("Other names and spellings, one per line. Search and the story form find the record by them too."),
    )
    note = models.TextField(
        _("note"), blank=True, help_text=_("A few sentences at the top of the page: who this is. In Spanish.")
    )
    note_en = models.TextField(_("English note"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    # The photo's copies at the widths pages need (as an article image's:
    # newsroom.stored.renditions); NULL until made.
    photo_renditions = models.JSONField(null=True, blank=True, editable=False)
    photo_credit = models.CharField(_("photo credit"), max_length=200, blank=True)
    wikidata_id = models.CharField(
        _("Wikidata id"), max_length=20, blank=True, validators=[WIKIDATA_ID], help_text=_("For example Q57382.")
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return slug_path(self.route, self.slug)

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.leave_redirect()

    def old_address_was_public(self) -> bool:
        return self.agreement_roles.exists() or self.articles.published().exists()

    @property
    def alias_list(self) -> list[str]:
        """The other names, cleaned: one per line, blanks and repeats gone."""
        seen, names = {self.name.casefold()}, []
        for line in self.aliases.splitlines():
            name = " ".join(line.split())
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names

    @property
    def display_note(self) -> InLanguage:
        return in_edition({"es": self.note, "en": self.note_en})

    @property
    def wikidata_url(self) -> str:
        return f"https://www.wikidata.org/wiki/{self.wikidata_id}" if self.wikidata_id else ""


class Person(Profile):
    slug_max_length = 160
    route = "alliances:person-detail"
    name = models.CharField(_("name"), max_length=150)
    slug = AddressSlugField(_("slug"), max_length=160, unique=True)
    role = models.CharField(_("role"), max_length=200, blank=True, help_text=_("For example: President of Iran."))
    role_en = models.CharField(_("English role"), max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="people")

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [slug_form_constraint("person_slug_form"), _wikidata_form("person_wikidata_form")]

    @property
    def display_role(self) -> InLanguage:
        return in_edition({"es": self.role, "en": self.role_en})


class Organization(Profile):
    route = "alliances:organization-detail"

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government body")
        MEDIA = "media", _("News outlet")
        BANK = "bank", _("Bank")
        COMPANY = "company", _("Company")
        INTERNATIONAL = "international", _("International organisation")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = AddressSlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.CharField(
        _("description"), max_length=200, blank=True, help_text=_("For example: Russian state bank. In Spanish.")
    )
    description_en = models.CharField(_("English description"), max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations")

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [slug_form_constraint("organization_slug_form"), _wikidata_form("organization_wikidata_form")]

    def get_kind_display(self) -> str:
        return choice_label(self.Kind, self.kind)

    @property
    def display_role(self) -> InLanguage:
        """What the page says the organisation is: its description in the
        edition's language, else its kind."""
        return in_edition({"es": self.description, "en": self.description_en}) or self.get_kind_display()


class AgreementParticipant(models.Model):
    """A person or an organisation in an agreement, and how: who signed it,
    who negotiated it, the bank that lends under it. Exactly one of
    ``person`` and ``organization`` is set. A person or organisation that
    took part in an agreement cannot be deleted (the record of who signed
    stays); remove the row first."""

    class Role(models.TextChoices):
        SIGNATORY = "signatory", _("Signed it")
        REPRESENTATIVE = "representative", _("Represents a party")
        NEGOTIATOR = "negotiator", _("Negotiated it")
        ANNOUNCER = "announcer", _("Announced it")
        LENDER = "lender", _("Lends under it")
        OPERATOR = "operator", _("Carries it out")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_roles",
        verbose_name=_("person"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreement_roles",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.SIGNATORY)
    note = models.CharField(
        _("as"),
        max_length=200,
        blank=True,
        help_text=_("The capacity they acted in, for example: presidente de Irán. In Spanish."),
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("person or organisation")
        verbose_name_plural = _("people and organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organization__isnull=True)
                | Q(person__isnull=True, organization__isnull=False),
                name="participant_is_person_or_organization",
                violation_error_message=_("Choose a person or an organisation (one of the two)."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "person", "role"],
                condition=Q(person__isnull=False),
                name="unique_person_role_per_agreement",
                violation_error_message=_("This person already has this role in the agreement."),
            ),
            models.UniqueConstraint(
                fields=["agreement", "organization", "role"],
                condition=Q(organization__isnull=False),
                name="unique_organization_role_per_agreement",
                violation_error_message=_("This organisation already has this role in the agreement."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.organization} ({self.get_role_display()})"

    def get_role_display(self) -> str:
        return choice_label(self.Role, self.role)

    @property
    def who(self) -> Person | Organization | None:
        return self.person or self.organization


class ArticleAgreement(ArticleStateCopy):
    """An article's link to an agreement: is the story about it, or does it
    only mention it? Deleting an agreement that articles still link to is
    refused. The row carries a copy of its article's state, so an
    agreement's stories in one edition are one index range
    (newsroom.core.copies)."""

    class Relation(models.TextChoices):
        ABOUT = "about", _("About")
        MENTIONS = "mentions", _("Mentions")

    article = models.ForeignKey("newsroom.Article", on_delete=models.CASCADE, related_name="agreement_links")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="article_links")
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices, default=Relation.ABOUT)
    note = models.CharField(
        _("context"), max_length=200, blank=True, help_text=_("A short note, e.g. 'announces the signing date'.")
    )

    class Meta:
        ordering = ["relation", "pk"]
        verbose_name = _("agreement link")
        verbose_name_plural = _("agreement links")
        constraints = [
            models.UniqueConstraint(
                fields=["article", "agreement"],
                name="unique_agreement_per_article",
                violation_error_message=_("This agreement is already linked to the article."),
            )
        ]
        indexes = [
            models.Index(
                fields=["agreement", "article_language", "article_status", "-article_published_at", "-article"],
                name="agreement_edition_listing_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article} {self.relation} {self.agreement}"


# -- History (django-reversion) ------------------------------------------------
# An agreement's version holds its parties and sources; sectors are a plain
# many-to-many field saved inside the agreement's own version. Article links
# are part of the article's version (newsroom.models).

for _model in (AgreementParty, AgreementSource, AgreementParticipant, Country):
    reversion.register(_model)
for _model in (Person, Organization):
    reversion.register(_model, exclude=["photo_renditions"])  # derived from the photo
# The link's copies of its article's state are derived (newsroom.core.copies).
reversion.register(ArticleAgreement, exclude=COPY_FIELDS)
reversion.register(Agreement, follow=Agreement.HISTORY_FOLLOW, exclude=["page_lists"])
