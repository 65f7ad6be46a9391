"""Generate a large, realistic archive for the benchmark (issue "Newsroom scale").

    manage.py bench_data                      # 100,000 articles, 5,000 agreements, 500 authors
    manage.py bench_data --articles 2000 --clear

Every row it creates has a slug starting with "bench-", so ``--clear`` removes
exactly what an earlier run made. Countries are never created: they come from
the seeded ISO table. Topics that already exist under the same name are reused
(and so survive ``--clear``).

Speed: rows are built as plain tuples and written with PostgreSQL's COPY (one
round trip per batch and table); other databases get ``bulk_create``. Both
bypass ``Article.save()``, so bodies are generated as plain ``<p>`` paragraphs
from a fixed vocabulary: nothing in them needs sanitising.

Stored copies: the rows go in around the ORM's signals, so the command runs
the bulk form of the refresh table (newsroom.stored.refresh): the listing
copies are written with the link rows (the values ``listings.sync`` would
copy), search vectors by the app's ``refresh_search_vector`` batch by batch,
article documents, agreement pages and related lists (``related.rank_bulk``)
once the whole archive is in, and the country overviews by
``overview.refresh_all``. tests/test_bench_data.py
checks each against what the app itself computes.
"""

from __future__ import annotations

import itertools
import random
import time
import uuid
from bisect import bisect_left
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, connection, connections, models, transaction
from django.utils import timezone

from alliances import agreement_page, overview
from alliances.models import (
    Agreement,
    AgreementParty,
    AgreementSource,
    ArticleAgreement,
    Country,
    Organization,
    Person,
    Sector,
)
from newsroom.core.text import ascii_slug
from newsroom.models import (
    Article,
    ArticleOrganization,
    ArticlePerson,
    Author,
    Byline,
    TaggedCountry,
    TaggedTopic,
    Topic,
)
from newsroom.stored import documents, related
from newsroom.stored.search_vector import refresh_search_vector

PREFIX = "bench-"

# The vocabularies below are data, kept compact for reading.
# fmt: off

# Place names that only a few articles mention (about one in 700 at any size):
# the search benchmark queries them as its "selective term". No accents, so
# the term means the same with or without unaccent.
SELECTIVE_TERMS = [
    "Baracoa", "Cienfuegos", "Mariel", "Nuevitas", "Bayamo", "Jaruco", "Gibara", "Varadero", "Yaguajay",
    "Manzanillo", "Caibarien", "Jovellanos", "Camajuani", "Contramaestre", "Mayari", "Niquero", "Jatibonico",
    "Florencia", "Chambas", "Majagua", "Cabaiguan", "Fomento", "Sagua", "Corralillo", "Quemado", "Ranchuelo",
    "Manicaragua", "Cumanayagua", "Aguada", "Abreus", "Rodas", "Lajas", "Cruces", "Palmira", "Yateras",
    "Maisi", "Imias", "Sibanicu", "Najasa", "Minas", "Esmeralda", "Sierra Cubitas", "Vertientes", "Amancio",
    "Colombia Tunas", "Jobabo", "Majibacoa", "Puerto Padre", "Jesus Menendez", "Banes", "Antilla", "Rafael Freyre",
    "Sagua de Tanamo", "Frank Pais", "Cacocum", "Urbano Noris", "Mella", "Songo", "Palma Soriano", "Guama",
    "Buey Arriba", "Yara", "Campechuela", "Pilon", "Bartolome Maso", "Guisa", "Jiguani", "Cauto Cristo",
    "Alquizar", "Bauta", "Caimito", "Guanajay", "Mariel Bay", "Bejucal", "Madruga", "Nueva Paz", "Batabano",
    "Melena", "Quivican", "Guira", "Artemisa", "Candelaria", "Bahia Honda", "Consolacion", "Minas de Matahambre",
    "Vinales", "Mantua", "Sandino", "Guane", "Guanahacabibes", "Colon", "Perico", "Marti", "Calimete",
    "Cardenas", "Limonar", "Pedro Betancourt", "Union de Reyes", "Cienaga de Zapata",
]
SELECTIVE_SHARE = 0.15
# The share of English stories that translate a Spanish one (a pair shares its
# translation_key): list pages then meet the other-edition block's check for
# stories already listed in their own edition, as the site will.
TRANSLATED_SHARE = 0.2

# Countries a Cuba-focused outlet names most, in rough order of frequency.
PROMINENT_COUNTRIES = [
    "CU", "US", "RU", "CN", "VE", "IR", "MX", "NI", "BR", "ES", "CA", "BY", "VN", "KP", "TR", "IN", "DZ", "AO",
    "ZA", "BO", "CO", "AR", "DO", "HT", "JM", "FR", "DE", "IT", "GB", "JP", "QA", "SA", "AE", "EG", "SY", "LA",
]
# Cuba's draw weight, as a share of what first place in the skew would give.
# Cuba reaches an article's search text through its country tags and through
# the titles of the agreements it cites; at full weight that made "Cuba" a
# match for half the archive, at this weight about a third, as in the real one.
CUBA_WEIGHT = 0.5

TOPIC_SUBJECTS = [
    "sanctions", "energy", "oil", "electricity", "tourism", "remittances", "migration", "elections", "human rights",
    "trade", "foreign debt", "agriculture", "sugar", "nickel", "public health", "vaccines", "food security",
    "inflation", "currency", "diplomacy", "defense", "cybersecurity", "telecommunications", "internet access",
    "press freedom", "protests", "hurricanes", "climate", "ports", "shipping", "railways", "mining", "banking",
    "cryptocurrency", "foreign investment", "BRICS", "the embargo", "biotechnology", "education", "culture",
    "baseball", "religion", "corruption", "courts", "housing", "water supply", "fisheries", "tobacco", "rum",
    "nuclear power", "space", "arms deals", "military exercises", "refugees", "private business", "wages",
    "pensions", "transport", "aviation", "construction", "solar power", "wind power", "fuel shortages",
]
TOPIC_QUALIFIERS = [
    "", " policy", " crisis", " reform", " talks", " in the Caribbean", " in Latin America", " and China",
    " and Russia", " and the United States",
]

SECTOR_NAMES = [
    "Energy", "Technology", "Security", "Defense", "Transport", "Manufacturing", "Health", "Finance",
    "Infrastructure", "Media", "Judicial", "Agriculture", "Tourism", "Mining", "Education",
]

PEOPLE_ROLES = [
    "Presidente", "Canciller", "Ministro de Economía", "Ministra de Energía", "Embajador", "Viceprimer ministro",
    "Ministro de Defensa", "Portavoz del gobierno", "Gobernador del banco central", "Ministra de Comercio",
]  # fmt: skip
ORGANIZATION_WORDS = ["Banco", "Agencia", "Corporación", "Instituto", "Compañía", "Consejo", "Fondo"]

FIRST_NAMES = [
    "Ana", "Luis", "María", "Carlos", "Yanet", "Jorge", "Elena", "Raúl", "Dayana", "Ernesto", "Lucía", "Pedro",
    "Marta", "Yoandy", "Claudia", "Alejandro", "Laura", "Osvaldo", "Isabel", "Reinaldo", "Sarah", "David",
    "Emily", "Michael", "Olga", "Ivan", "Wei", "Li", "Farah", "Omar",
]
LAST_NAMES = [
    "García", "Rodríguez", "Pérez", "Fernández", "López", "Martínez", "González", "Hernández", "Díaz", "Morales",
    "Castro", "Álvarez", "Ramos", "Cabrera", "Suárez", "Valdés", "Smith", "Johnson", "Petrova", "Ivanov",
    "Zhang", "Wang", "Karimi", "Hosseini", "Silva", "Santos", "Torres", "Rivera", "Acosta", "Benítez",
]
OUTLETS = ["Prensa Latina", "Reuters", "AP", "EFE", "TASS", "Xinhua", "Granma", "Cubadebate", "AFP", "Bloomberg"]

# Sentence parts (subject, verb, object, ending); a paragraph is four to
# seven sentences drawn from them.
PHRASES = {
    "es": (
        ["El gobierno", "La delegación oficial", "El ministro de Economía", "Los analistas consultados",
         "La cancillería", "Una fuente diplomática", "El Banco Central", "Los empresarios extranjeros",
         "La oposición", "El embajador", "La empresa estatal", "Los economistas independientes",
         "El viceprimer ministro", "La agencia de noticias", "Los vecinos del barrio"],
        ["anunció", "confirmó", "negó", "criticó", "defendió", "propuso", "firmó", "aplazó", "revisó",
         "celebró", "cuestionó", "presentó"],
        ["un nuevo acuerdo de cooperación", "la ampliación de la línea de crédito", "las sanciones vigentes",
         "el suministro de petróleo", "la inversión en el puerto", "un plan de modernización eléctrica",
         "la reestructuración de la deuda", "la entrega de alimentos", "el proyecto de energía solar",
         "la apertura de una ruta aérea", "el programa de becas", "las cifras de inflación del trimestre",
         "la compra de locomotoras", "el calendario de pagos", "las obras de la refinería"],
        ["durante una reunión en La Habana", "según medios oficiales", "tras meses de negociación",
         "a pesar de las críticas", "en un comunicado", "ante la prensa extranjera", "sin dar más detalles",
         "para el próximo año", "en una cumbre regional", "con un costo de {n} millones de dólares",
         "después de {n} rondas de conversaciones", "en plena crisis energética"],
    ),
    "en": (
        ["The government", "The official delegation", "The economy minister", "Analysts", "The foreign ministry",
         "A diplomatic source", "The central bank", "Foreign investors", "The opposition", "The ambassador",
         "The state company", "Independent economists", "The deputy prime minister", "The news agency",
         "Residents"],
        ["announced", "confirmed", "denied", "criticised", "defended", "proposed", "signed", "postponed",
         "reviewed", "welcomed", "questioned", "presented"],
        ["a new cooperation agreement", "the extension of the credit line", "the sanctions in force",
         "the oil deliveries", "the investment in the port", "a plan to modernise the grid",
         "the debt restructuring", "the food shipments", "the solar power project", "a new direct flight",
         "the scholarship programme", "the quarterly inflation figures", "the purchase of locomotives",
         "the payment schedule", "the refinery works"],
        ["at a meeting in Havana", "according to state media", "after months of talks", "despite criticism",
         "in a statement", "before the foreign press", "without giving details", "for next year",
         "at a regional summit", "at a cost of {n} million dollars", "after {n} rounds of talks",
         "in the middle of the energy crisis"],
    ),
}

HEADLINES = {
    "es": [
        "{c1} y {c2} firman un acuerdo sobre {topic}",
        "{c1} anuncia nuevas medidas de {topic}",
        "Lo que se sabe de {topic} entre {c1} y {c2}",
        "{c2} ofrece a {c1} ayuda en {topic}",
        "{topic}: {c1} responde a {c2}",
        "Crece la tensión entre {c1} y {c2} por {topic}",
    ],
    "es-one": [
        "{c1} anuncia nuevas medidas de {topic}",
        "{topic}: las claves del debate en {c1}",
        "Qué cambia en {c1} con la nueva política de {topic}",
    ],
    "en": [
        "{c1} and {c2} sign a deal on {topic}",
        "{c1} announces new {topic} measures",
        "What we know about {topic} between {c1} and {c2}",
        "{c2} offers {c1} help with {topic}",
        "{topic}: {c1} answers {c2}",
        "Tension grows between {c1} and {c2} over {topic}",
    ],
    "en-one": [
        "{c1} announces new {topic} measures",
        "{topic}: what is at stake in {c1}",
        "What changes in {c1} with the new {topic} policy",
    ],
}

AGREEMENT_KINDS = [
    (Agreement.Kind.COOPERATION_AGREEMENT, 25, "cooperation agreement on {sector}"),
    (Agreement.Kind.MOU, 20, "memorandum of understanding on {sector}"),
    (Agreement.Kind.INVESTMENT_PROJECT, 15, "{sector} investment project"),
    (Agreement.Kind.CREDIT_LINE, 12, "credit line for {sector}"),
    (Agreement.Kind.TREATY, 10, "treaty on {sector}"),
    (Agreement.Kind.COMMISSION, 10, "intergovernmental commission on {sector}"),
    (Agreement.Kind.STRATEGIC_PARTNERSHIP, 8, "strategic partnership"),
]
# Status, weight, and how many of the dates (announced, signed, in force,
# expires) a status implies.
STATUS_DATES = [
    (Agreement.Status.ANNOUNCED, 10, 1),
    (Agreement.Status.UNDER_NEGOTIATION, 10, 1),
    (Agreement.Status.SIGNED, 25, 2),
    (Agreement.Status.RATIFIED, 8, 2),
    (Agreement.Status.IN_FORCE, 25, 3),
    (Agreement.Status.EXPIRED, 8, 4),
    (Agreement.Status.SUSPENDED, 4, 3),
    (Agreement.Status.UNKNOWN, 10, 0),
]

# fmt: on


class SkewedPool:
    """Draw items with a Zipf-like skew: the first items come up far more often
    than the last, as a few topics and countries dominate real coverage."""

    def __init__(self, items: list, rng: random.Random, exponent: float = 1.0, first_weight: float = 1.0):
        self.items = items
        self.rng = rng
        weights = [1 / (rank + 1) ** exponent for rank in range(len(items))]
        if weights:
            weights[0] *= first_weight
        self.cum = list(itertools.accumulate(weights))

    def one(self):
        return self.items[bisect_left(self.cum, self.rng.random() * self.cum[-1])]

    def distinct(self, n: int) -> list:
        n = min(n, len(self.items))
        picked: dict = {}
        # Bounded: with a skewed pool a few extra rounds always fill n slots.
        for _ in range(50):
            for item in self.rng.choices(self.items, cum_weights=self.cum, k=n * 2):
                picked.setdefault(item, None)
                if len(picked) == n:
                    return list(picked)
        return list(picked) + [i for i in self.items if i not in picked][: n - len(picked)]


class RowWriter:
    """Insert rows given as tuples of attribute values: COPY on PostgreSQL,
    bulk_create elsewhere. Fields the caller does not name (added by later
    migrations) get their model default, so the generator keeps working as
    the models grow."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self._next_id: dict[type[models.Model], int] = {}

    def reserve_ids(self, model: type[models.Model], n: int) -> list[int]:
        if self.postgres:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [model._meta.db_table, model._meta.pk.column, n],
                )
                return [row[0] for row in cursor.fetchall()]
        start = self._next_id.get(model) or (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        self._next_id[model] = start + n
        return list(range(start, start + n))

    def insert(self, model: type[models.Model], columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        fields = {f.attname: f for f in model._meta.concrete_fields}
        extras = [f for f in fields.values() if f.attname not in columns and not f.primary_key]
        if self.postgres:
            # A callable default (a uuid, a timestamp) is called per row; any
            # other default is prepared once.
            per_row = [f for f in extras if callable(f.default)]
            constant = [f for f in extras if not callable(f.default)]
            tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in constant)
            names = [*columns, *(f.attname for f in constant), *(f.attname for f in per_row)]
            sql = "COPY {} ({}) FROM STDIN".format(
                connection.ops.quote_name(model._meta.db_table),
                ", ".join(connection.ops.quote_name(fields[name].column) for name in names),
            )
            with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
                for row in rows:
                    fresh = tuple(f.get_db_prep_save(f.get_default(), connection) for f in per_row)
                    copy.write_row(row + tail + fresh)
        else:
            model.objects.bulk_create([model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500)


def delete_without_signals(model: type[models.Model], prefix: str) -> int:
    """Delete the rows of ``model`` whose slug starts with ``prefix``, and
    what cascades from them, with one DELETE per table. Django's own
    delete() would load every row and send signals per object (cache
    invalidation, search refresh): minutes for filler that nobody reads.
    Relations are found through _meta, so tables added later are cleared
    too; a PROTECT link from outside the benchmark still stops the delete
    (IntegrityError)."""
    quote = connection.ops.quote_name
    meta = model._meta
    ids = (
        f"SELECT {quote(meta.pk.column)} FROM {quote(meta.db_table)} "  # noqa: S608 - names from _meta; prefix a parameter
        f"WHERE substr({quote(meta.get_field('slug').column)}, 1, %s) = %s"
    )
    id_params = [len(prefix), prefix]

    def run(sql: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, id_params)
            return cursor.rowcount

    for rel in meta.get_fields(include_hidden=True):
        if rel.many_to_many and not rel.concrete and rel.through._meta.auto_created:
            through = rel.through  # another model's plain M2M to this one
            fk = next(f for f in through._meta.fields if f.is_relation and f.related_model is model)
            run(f"DELETE FROM {quote(through._meta.db_table)} WHERE {quote(fk.column)} IN ({ids})")  # noqa: S608
        elif rel.many_to_many and rel.concrete and rel.remote_field.through._meta.auto_created:
            through = rel.remote_field.through  # this model's own plain M2M
            fk = through._meta.get_field(rel.m2m_field_name())
            run(f"DELETE FROM {quote(through._meta.db_table)} WHERE {quote(fk.column)} IN ({ids})")  # noqa: S608
        elif rel.one_to_many or (rel.one_to_one and not rel.concrete):
            if rel.related_model is model or rel.related_model._meta.auto_created:
                continue  # self links are cleared by the caller; M2M tables above
            table, column = quote(rel.related_model._meta.db_table), quote(rel.field.column)
            if rel.on_delete is models.CASCADE:
                run(f"DELETE FROM {table} WHERE {column} IN ({ids})")  # noqa: S608
            elif rel.on_delete is models.SET_NULL:
                run(f"UPDATE {table} SET {column} = NULL WHERE {column} IN ({ids})")  # noqa: S608
    # The rows themselves last (the id subquery reads the table it deletes
    # from, which both databases allow).
    return run(f"DELETE FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} IN ({ids})")  # noqa: S608


def normalise(day: date, precision: str) -> date:
    """Store a date the way an editor would enter it at that precision."""
    if precision == "year":
        return day.replace(month=1, day=1)
    if precision == "month":
        return day.replace(day=1)
    return day


class Command(BaseCommand):
    help = "Generate a large benchmark archive (rows marked with the slug prefix 'bench-')."

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--agreements", type=int, default=5_000)
        parser.add_argument("--authors", type=int, default=500)
        parser.add_argument("--topics", type=int, default=400)
        parser.add_argument("--people", type=int, default=1_000)
        parser.add_argument("--organizations", type=int, default=300)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--batch-size", type=int, default=2_000)
        parser.add_argument("--clear", action="store_true", help="Delete earlier benchmark rows first.")

    def handle(self, *args, **options):
        # Reproducible fake data, not security: a seeded generator is the point.
        self.rng = random.Random(options["seed"])  # noqa: S311
        self.writer = RowWriter()
        self.started = time.monotonic()
        if options["clear"]:
            self.clear()
        countries = list(Country.objects.order_by("pk"))
        if len(countries) < 10:
            raise CommandError("The country table is empty: run `manage.py migrate` first (it seeds the countries).")
        self.countries = self.country_pool(countries)
        self.paragraphs = {lang: self.paragraph_pool(lang, 3_000) for lang in PHRASES}

        topics = self.make_topics(options["topics"])
        authors = self.make_authors(options["authors"])
        # People and organisations draw from a generator of their own, so the
        # rest of the archive is the same as before they were added.
        self.people_rng = random.Random(options["seed"] + 1)  # noqa: S311
        self.people = self.make_people(options["people"])
        self.organizations = self.make_organizations(options["organizations"])
        agreements = self.make_agreements(options["agreements"])
        # The agreements and parties went in around the ORM's signals.
        self.log(f"country overviews: {overview.refresh_all()}")
        self.make_articles(options["articles"], options["batch_size"], topics, authors, agreements)
        self.finish()

    def log(self, message: str) -> None:
        self.stdout.write(f"[{time.monotonic() - self.started:7.1f}s] {message}")

    # -- clean-up -------------------------------------------------------------

    def clear(self) -> None:
        """Delete earlier benchmark rows: articles first (their links protect
        authors and agreements), then agreements, authors and topics."""
        try:
            with transaction.atomic():
                removed = delete_without_signals(Article, PREFIX)
                Agreement.objects.filter(slug__startswith=PREFIX).update(supersedes=None, part_of=None)
                delete_without_signals(Agreement, PREFIX)
                delete_without_signals(Author, PREFIX)
                delete_without_signals(Topic, PREFIX)
                delete_without_signals(Person, PREFIX)
                delete_without_signals(Organization, PREFIX)
        except IntegrityError as exc:
            raise CommandError(
                f"Cannot clear: rows outside the benchmark still point at benchmark rows ({exc})."
            ) from exc
        self.log(f"cleared {removed} articles and their agreements, authors and topics")

    # -- vocabularies ---------------------------------------------------------

    def country_pool(self, countries: list[Country]) -> SkewedPool:
        by_iso = {c.iso2: c for c in countries}
        head = [by_iso[code] for code in PROMINENT_COUNTRIES if code in by_iso]
        tail = [c for c in countries if c.iso2 not in PROMINENT_COUNTRIES]
        self.rng.shuffle(tail)
        return SkewedPool(head + tail, self.rng, exponent=1.1, first_weight=CUBA_WEIGHT)

    def sentence(self, lang: str) -> str:
        subjects, verbs, objects, tails = PHRASES[lang]
        rng = self.rng
        tail = rng.choice(tails).replace("{n}", str(rng.randint(2, 900)))
        return f"{rng.choice(subjects)} {rng.choice(verbs)} {rng.choice(objects)} {tail}."

    def paragraph_pool(self, lang: str, size: int) -> list[str]:
        return [
            "<p>" + " ".join(self.sentence(lang) for _ in range(self.rng.randint(4, 7))) + "</p>" for _ in range(size)
        ]

    def body(self, lang: str, opening: str) -> str:
        """Nine to seventeen paragraphs of about 70 words: 600-1,200 words."""
        paragraphs = self.rng.sample(self.paragraphs[lang], self.rng.randint(9, 17))
        return f"<p>{opening}</p>" + "".join(paragraphs)

    # -- topics, authors, agreements -----------------------------------------

    def make_topics(self, count: int) -> SkewedPool:
        names = [s + q for q in TOPIC_QUALIFIERS for s in TOPIC_SUBJECTS][:count]
        # Topics compare case-insensitively (TAGGIT_CASE_INSENSITIVE), so does the reuse.
        existing = {name.lower() for name in Topic.objects.values_list("name", flat=True)}
        new = [Topic(name=name, slug=f"{PREFIX}{ascii_slug(name)}") for name in names if name.lower() not in existing]
        Topic.objects.bulk_create(new, batch_size=500)
        by_name = {t.name.lower(): t for t in Topic.objects.all()}
        topics = [by_name[name.lower()] for name in names]
        self.log(f"topics: {len(new)} new, {len(topics) - len(new)} reused")
        # Broad subjects first, so "sanctions" outranks "sanctions talks". The
        # skew gives a dozen or so topics 200 pages at 100,000 articles.
        return SkewedPool(topics, self.rng, exponent=0.8)

    def make_authors(self, count: int) -> SkewedPool:
        authors = []
        for i in range(count):
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
            authors.append(
                Author(
                    name=name,
                    slug=f"{PREFIX}{i}-{ascii_slug(name)}",
                    bio=f"{name} covers {self.rng.choice(TOPIC_SUBJECTS)} for the newsroom.",
                )
            )
        authors = Author.objects.bulk_create(authors, batch_size=500)
        self.log(f"authors: {len(authors)}")
        # Staff writers file most stories; contributors a few each.
        return SkewedPool(authors, self.rng, exponent=0.8)

    def make_people(self, count: int) -> SkewedPool:
        """Officials with a role: a few (a president, a foreign minister) in
        a tenth of the stories each, most in a handful, as in a real archive."""
        rng = self.people_rng
        people = [
            Person(
                name=(name := f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"),
                slug=f"{PREFIX}{i}-{ascii_slug(name)}",
                role=rng.choice(PEOPLE_ROLES),
                aliases=name.split()[-1],
            )
            for i in range(count)
        ]
        people = Person.objects.bulk_create(people, batch_size=500)
        self.log(f"people: {len(people)}")
        return SkewedPool(people, rng, exponent=1.0)

    def make_organizations(self, count: int) -> SkewedPool:
        rng = self.people_rng
        organizations = [
            Organization(
                name=(name := f"{rng.choice(ORGANIZATION_WORDS)} {rng.choice(LAST_NAMES)} {i}"),
                slug=f"{PREFIX}{i}-{ascii_slug(name)}",
                kind=rng.choice(Organization.Kind.values),
            )
            for i in range(count)
        ]
        organizations = Organization.objects.bulk_create(organizations, batch_size=500)
        self.log(f"organisations: {len(organizations)}")
        return SkewedPool(organizations, rng, exponent=1.0)

    def agreement_dates(self, status_dates: int) -> dict:
        rng, today = self.rng, timezone.now().date()
        values: dict = {}
        current = today - timedelta(days=rng.randint(30, 25 * 365))
        previous = None
        for index, field in enumerate(("announced_on", "signed_on", "in_force_on", "expires_on")):
            if index >= status_dates:
                break
            if index == 3:
                years = rng.choice([1, 2, 3, 5, 10, 15, 20, 25])
                current = current.replace(year=current.year + years, day=min(current.day, 28))
                values["duration_years"] = years
            elif index:
                current += timedelta(days=rng.randint(0, 540))
            precision = rng.choices(["day", "month", "year"], weights=[60, 25, 15])[0]
            stored = normalise(current, precision)
            if previous is not None and stored <= previous[0]:
                # Rounding down must never put a later step before an earlier
                # one (the check constraints); fall back to the earlier date,
                # or the next day for the strict expiry rule.
                stored, precision = (previous[0] + timedelta(days=1), "day") if index == 3 else previous
            if index == 0 and status_dates > 1 and rng.random() < 0.2:
                continue  # often nobody reported the announcement, only the signing
            values[field], values[f"{field}_precision"] = stored, precision
            previous = (stored, precision)
        if status_dates == 0 and rng.random() < 0.6:
            values["signed_on"], values["signed_on_precision"] = date(current.year, 1, 1), "year"
        return values

    def make_agreements(self, count: int) -> dict:
        rng = self.rng
        sectors = self.ensure_sectors()
        kinds, kind_weights = zip(*[(k, w) for k, w, _t in AGREEMENT_KINDS], strict=True)
        titles = {k: t for k, _w, t in AGREEMENT_KINDS}
        statuses, status_weights, status_dates = zip(*STATUS_DATES, strict=True)
        agreements, parties, sector_names = [], [], []
        for i in range(count):
            kind = rng.choices(kinds, weights=kind_weights)[0]
            s = rng.choices(range(len(statuses)), weights=status_weights)[0]
            members = self.countries.distinct(rng.choice([2, 2, 2, 3]))
            sector = rng.choice(sectors)
            what = titles[kind].format(sector=sector.name.lower())
            title = f"{members[0].name}-{members[1].name} {what}"[:190]
            agreements.append(
                Agreement(
                    title=title,
                    slug=f"{PREFIX}{i}-{ascii_slug(title, 150)}",
                    kind=kind,
                    status=statuses[s],
                    summary=f"{title}. {self.sentence('en')} {self.sentence('en')}",
                    **self.agreement_dates(status_dates[s]),
                )
            )
            roles = {
                Agreement.Kind.CREDIT_LINE: ["lender", "borrower", "party"],
                Agreement.Kind.INVESTMENT_PROJECT: ["investor", "host", "investor"],
            }.get(kind, [rng.choice(["party", "signatory"])] * 3)
            parties.append(list(zip(members, roles, strict=False)))
            sector_names.append({sector, rng.choice(sectors)})
        agreements = Agreement.objects.bulk_create(agreements, batch_size=1_000)

        # Links only ever point at an earlier agreement, so neither chain can loop.
        earlier_of_kind: dict[str, list[Agreement]] = {}
        changed = []
        for i, agreement in enumerate(agreements):
            roll = rng.random()
            same_kind = earlier_of_kind.setdefault(agreement.kind, [])
            if roll < 0.05 and same_kind:
                # Each agreement is replaced at most once: take it off the list.
                earlier = same_kind.pop(rng.randrange(len(same_kind)))
                agreement.supersedes = earlier
                earlier.status = Agreement.Status.SUPERSEDED
                changed += [agreement, earlier]
            elif roll < 0.15 and i:
                parent = agreements[rng.randrange(i)]
                if parent.part_of_id is None:
                    agreement.part_of = parent
                    changed.append(agreement)
            same_kind.append(agreement)
        Agreement.objects.bulk_update(set(changed), ["supersedes", "part_of", "status"], batch_size=1_000)

        self.writer.insert(
            AgreementParty,
            ["agreement_id", "country_id", "role"],
            [(a.pk, c.pk, role) for a, members in zip(agreements, parties, strict=True) for c, role in members],
        )
        through = Agreement.sectors.through
        self.writer.insert(
            through,
            ["agreement_id", "sector_id"],
            [(a.pk, s.pk) for a, chosen in zip(agreements, sector_names, strict=True) for s in chosen],
        )
        self.writer.insert(
            AgreementSource,
            ["agreement_id", "outlet", "url", "published_on"],
            [
                (a.pk, rng.choice(OUTLETS), f"https://example.org/news/{a.pk}", a.signed_on or a.announced_on)
                for a in agreements
                if rng.random() < 0.7
            ],
        )
        # Articles about a country mostly cite that country's agreements.
        by_country: dict[int, list[int]] = {}
        for a, members in zip(agreements, parties, strict=True):
            for c, _role in members:
                by_country.setdefault(c.pk, []).append(a.pk)
        self.log(f"agreements: {len(agreements)}, {len(changed)} with supersedes/part_of links")
        return {"all": SkewedPool([a.pk for a in agreements], rng, exponent=0.6), "by_country": by_country}

    def ensure_sectors(self) -> list[Sector]:
        for name in SECTOR_NAMES:
            if not Sector.objects.filter(name__iexact=name).exists():
                Sector.objects.create(name=name)
        return list(Sector.objects.all())

    # -- articles -------------------------------------------------------------

    def article_state(self, now) -> tuple[str, object]:
        """About 95% public; the rest drafts, in review, scheduled or archived."""
        roll = self.rng.random()
        if roll < 0.95:
            return Article.Status.PUBLISHED, now - timedelta(seconds=self.rng.randint(60, 5 * 365 * 86_400))
        if roll < 0.965:
            return Article.Status.PUBLISHED, now + timedelta(seconds=self.rng.randint(3_600, 30 * 86_400))
        if roll < 0.985:
            return Article.Status.DRAFT, None
        if roll < 0.993:
            return Article.Status.REVIEW, None
        return Article.Status.ARCHIVED, now - timedelta(seconds=self.rng.randint(86_400, 5 * 365 * 86_400))

    def make_articles(self, count: int, batch_size: int, topics, authors, agreements) -> None:
        # Building a search vector costs PostgreSQL more than generating a
        # batch costs Python, so one thread (with its own connection) indexes
        # the previous batch while the next one is generated.
        indexer = ThreadPoolExecutor(max_workers=1)
        try:
            self.article_batches(count, batch_size, topics, authors, agreements, indexer)
        finally:
            indexer.submit(connections.close_all).result()
            indexer.shutdown()

    def article_batches(self, count: int, batch_size: int, topics, authors, agreements, indexer) -> None:
        columns = [
            "id", "headline", "slug", "dek", "body", "image", "image_alt", "image_caption", "image_credit",
            "status", "published_at", "created_at", "updated_at", "language", "created_by_id", "related",
            "translation_key",
        ]  # fmt: skip
        has_search_vector = any(f.name == "search_vector" for f in Article._meta.get_fields())
        rng, now = self.rng, timezone.now()
        pending: Future | None = None
        # A second connection sees only committed rows (so not inside a caller's
        # transaction, as in a test), and SQLite allows one writer at a time.
        background = self.writer.postgres and not connection.in_atomic_block
        for start in range(0, count, batch_size):
            n = min(batch_size, count - start)
            ids = self.writer.reserve_ids(Article, n)
            articles, tag_rows, country_rows, byline_rows, link_rows = [], [], [], [], []
            people_rows, organization_rows = [], []
            # Spanish stories of this batch not yet translated (row indexes).
            untranslated: list[int] = []
            for offset, pk in enumerate(ids):
                i = start + offset
                lang = "es" if rng.random() < 0.7 else "en"
                chosen_countries = self.countries.distinct(rng.choices([1, 2, 3, 4], weights=[25, 35, 25, 15])[0])
                chosen_topics = topics.distinct(rng.randint(3, 6))
                names = [c.name_es if lang == "es" and c.name_es else c.name for c in chosen_countries]
                templates = HEADLINES[lang if len(names) > 1 else f"{lang}-one"]
                c1, c2 = names[0], names[-1]
                headline = rng.choice(templates).format(c1=c1, c2=c2, topic=chosen_topics[0].name)
                headline = headline[0].upper() + headline[1:]
                opening = f"{c1}. {self.sentence(lang)}"
                if rng.random() < SELECTIVE_SHARE:
                    opening += f" {rng.choice(SELECTIVE_TERMS)}."
                status, published_at = self.article_state(now)
                created = (published_at or now) - timedelta(hours=rng.randint(1, 72))
                updated = published_at + timedelta(minutes=rng.randint(0, 600)) if published_at else created
                links: set[int] = set()
                for _ in range(rng.choices([0, 1, 2, 3], weights=[55, 25, 13, 7])[0]):
                    near = agreements["by_country"].get(chosen_countries[0].pk)
                    links.add(rng.choice(near) if near and rng.random() < 0.7 else agreements["all"].one())
                key = None
                if lang == "es":
                    untranslated.append(len(articles))
                elif untranslated and rng.random() < TRANSLATED_SHARE:
                    key = uuid.UUID(int=rng.getrandbits(128))
                    source = untranslated.pop(rng.randrange(len(untranslated)))
                    articles[source][-1] = key
                articles.append(
                    [
                        pk, headline[:200], f"{PREFIX}{i}-{ascii_slug(headline, 120)}",
                        self.sentence(lang), self.body(lang, opening), "", "", "", "",
                        status, published_at, created, min(updated, now), lang, None,
                        "[]" if self.writer.postgres else [],  # ranked once all are in
                        key,
                    ]
                )  # fmt: skip
                # The links carry the article's status, time and language (newsroom.core.copies).
                tag_rows += [(pk, t.pk, status, published_at, lang) for t in chosen_topics]
                country_rows += [(pk, c.pk, status, published_at, lang) for c in chosen_countries]
                byline_rows += [
                    (pk, a.pk, position)
                    for position, a in enumerate(authors.distinct(rng.choices([1, 2, 3], weights=[80, 18, 2])[0]))
                ]
                link_rows += [
                    (pk, agreement_id, rng.choice(["about", "mentions", "mentions"]), "", status, published_at, lang)
                    for agreement_id in links
                ]
                named = self.people_rng.choices([0, 1, 2, 3], weights=[35, 35, 20, 10])[0]
                people_rows += [(pk, person.pk, status, published_at, lang) for person in self.people.distinct(named)]
                named = self.people_rng.choices([0, 1, 2], weights=[60, 30, 10])[0]
                organization_rows += [
                    (pk, organization.pk, status, published_at, lang)
                    for organization in self.organizations.distinct(named)
                ]
            with transaction.atomic():
                self.writer.insert(Article, columns, [tuple(row) for row in articles])
                copies = ["article_status", "article_published_at", "article_language"]
                self.writer.insert(TaggedTopic, ["content_object_id", "tag_id", *copies], tag_rows)
                self.writer.insert(TaggedCountry, ["content_object_id", "tag_id", *copies], country_rows)
                self.writer.insert(Byline, ["article_id", "author_id", "position"], byline_rows)
                self.writer.insert(
                    ArticleAgreement, ["article_id", "agreement_id", "relation", "note", *copies], link_rows
                )
                self.writer.insert(ArticlePerson, ["article_id", "person_id", *copies], people_rows)
                self.writer.insert(ArticleOrganization, ["article_id", "organization_id", *copies], organization_rows)
            if has_search_vector and not background:
                self.refresh_search_vectors(ids)
            elif has_search_vector:
                if pending is not None:
                    pending.result()  # at most one batch waits: memory stays flat
                pending = indexer.submit(self.refresh_search_vectors, ids)
            self.log(f"articles: {start + n}/{count}")
        if pending is not None:
            pending.result()
            self.log("search vectors: done")
        # Planner statistics for the tables just filled: without them the
        # document refresh's plans went from 5 to over 100 s per 5,000
        # articles as the tables grew.
        self.analyze("ANALYZE")
        self.refresh_stored()

    def refresh_stored(self) -> None:
        """The copies the app keeps on write, now that the whole archive is
        in: each article's card and page documents (newsroom.stored.documents)
        and related list, ranked by the app's own rule (related.rank_bulk:
        the bulk form of what a save does), and every agreement's page."""
        ids = list(Article.objects.filter(slug__startswith=PREFIX).order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), 5_000):
            documents.refresh(ids[start : start + 5_000])
            self.log(f"article documents: {min(start + 5_000, len(ids))}/{len(ids)}")
        self.log(f"agreement pages: {agreement_page.refresh_all()}")
        related.rank_bulk(ids)  # in one call: it reads the link tables once
        self.log(f"related lists: {len(ids)}")

    def refresh_search_vectors(self, ids: list[int]) -> None:
        """Fill the search column of one batch with the search module's own
        expression (one UPDATE), so benchmark articles are indexed exactly as
        an article saved in the admin would be."""
        refresh_search_vector(ids)

    def finish(self) -> None:
        # Fresh planner statistics, so the benchmark measures the plans a
        # settled production database would choose. VACUUM (which also
        # clears the dead rows the search update left) cannot run inside a
        # caller's transaction; ANALYZE can.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Each article row was written four times (the row, its search
            # vector, its documents, its related list), which left the table
            # four times the size of its rows (650 MB for 160 MB at 100,000
            # articles). An archive that grew story by story, or was restored
            # from a dump, is compact: so is the benchmark's. Plain VACUUM
            # afterwards sets the visibility map that index-only scans read.
            with connection.cursor() as cursor:
                for model in (Article, Agreement):
                    cursor.execute(f"VACUUM FULL {connection.ops.quote_name(model._meta.db_table)}")
        self.analyze("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        self.log("done")

    def analyze(self, command: str) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for model in (
                    Article,
                    TaggedTopic,
                    TaggedCountry,
                    Byline,
                    ArticleAgreement,
                    Agreement,
                    AgreementParty,
                    ArticlePerson,
                    ArticleOrganization,
                ):
                    cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")
