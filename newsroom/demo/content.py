"""The demo's records as plain data; ``newsroom.demo.loader`` writes them.

Every fact comes from STORY.md (the shared notes) and the prose is the
project's own.
Where STORY.md is silent the record says so: dates stay blank and the status
is "unknown". No URL appears anywhere: the story gives none and an invented
one would send readers to a page that does not say what we claim.

Slugs are the records' identities: the loader looks a record up by its slug
and creates it only when it is missing, so they must never change here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from alliances.models import Agreement, AgreementParticipant, AgreementParty, ArticleAgreement, Organization

Kind = Agreement.Kind
Status = Agreement.Status
Role = AgreementParty.Role
Participant = AgreementParticipant.Role
ABOUT = ArticleAgreement.Relation.ABOUT
MENTIONS = ArticleAgreement.Relation.MENTIONS

# Sectors the demo agreements use, named as in SPEC.md's list. STORY.md's
# "police" is filed under security and "surveillance technology" under
# technology rather than adding sectors of one agreement each; the agreement
# summary keeps the exact wording. By slug: (English name, Spanish name).
SECTORS = {
    "energy": ("Energy", "Energía"),
    "technology": ("Technology", "Tecnología"),
    "security": ("Security", "Seguridad"),
    "defense": ("Defense", "Defensa"),
    "transport": ("Transport", "Transporte"),
    "manufacturing": ("Manufacturing", "Industria manufacturera"),
    "infrastructure": ("Infrastructure", "Infraestructura"),
    "judicial": ("Judicial", "Justicia"),
    "media": ("Media", "Medios de comunicación"),
}

# Roles, notes and other names say only what the launch story does (STORY.md)
# or what any reader knows (who is president where). The Wikidata id is set
# only where it could be checked; the others are left for an editor.
PEOPLE = [
    {
        "slug": "vladimir-putin",
        "name": "Vladimir Putin",
        "role": "Presidente de Rusia",
        "role_en": "President of Russia",
        "country": "RU",
        "aliases": "Putin\nVladímir Putin",
        "wikidata_id": "Q7747",
        "note": "Seguimos los acuerdos de Moscú con Irán y con Cuba.",
        "note_en": "We follow Moscow's agreements with Iran and with Cuba.",
    },
    {
        "slug": "masoud-pezeshkian",
        "name": "Masoud Pezeshkian",
        "role": "Presidente de Irán",
        "role_en": "President of Iran",
        "country": "IR",
        "aliases": "Pezeshkian\nMasud Pezeshkián",
        "note": "Tenía previsto firmar en Moscú el tratado de asociación estratégica integral con Rusia.",
        "note_en": "He was due to sign the comprehensive strategic partnership treaty with Russia in Moscow.",
    },
    {
        "slug": "miguel-diaz-canel",
        "name": "Miguel Díaz-Canel",
        "role": "Presidente de Cuba",
        "role_en": "President of Cuba",
        "country": "CU",
        "aliases": "Díaz-Canel\nMiguel Díaz-Canel Bermúdez",
        "note": "Su gobierno estrecha los lazos de Cuba con Rusia y con Irán.",
        "note_en": "His government is drawing Cuba closer to Russia and to Iran.",
    },
    {
        "slug": "ali-jafarian",
        "name": "Ali Jafarian",
        "role": "Ministro de Salud de Irán",
        "role_en": "Iran's Minister of Health",
        "country": "IR",
        "aliases": "Jafarian",
        "note": "Calificó de «estratégica» la cooperación de Irán con Cuba.",
        "note_en": "He called Iran's cooperation with Cuba \u201cstrategic\u201d.",
    },
]

ORGANIZATIONS = [
    {
        "slug": "irna",
        "name": "IRNA",
        "kind": Organization.Kind.MEDIA,
        "country": "IR",
        "description": "Agencia estatal de noticias de Irán",
        "description_en": "Iran's state news agency",
        "aliases": "Agencia de Noticias de la República Islámica\nIslamic Republic News Agency",
        "note": "La agencia estatal iraní informó de las conversaciones sobre tecnología entre Irán y Cuba.",
        "note_en": "Iran's state agency reported on the technology talks between Iran and Cuba.",
    },
    {
        "slug": "infobae",
        "name": "Infobae",
        "kind": Organization.Kind.MEDIA,
        "country": "AR",
        "description": "Diario digital argentino",
        "description_en": "Argentine online newspaper",
    },
    {
        "slug": "europa-press",
        "name": "Europa Press",
        "kind": Organization.Kind.MEDIA,
        "country": "ES",
        "description": "Agencia de noticias española",
        "description_en": "Spanish news agency",
    },
    {
        "slug": "novikombank",
        "name": "Novikombank",
        "kind": Organization.Kind.BANK,
        "country": "RU",
        "description": "Banco ruso con sucursal en Cuba",
        "description_en": "Russian bank with a branch in Cuba",
        "note": "El banco ruso abrió una sucursal en Cuba.",
        "note_en": "The Russian bank opened a branch in Cuba.",
    },
]


@dataclass(frozen=True)
class AgreementSpec:
    slug: str
    title: str
    kind: str
    status: str
    summary: str
    parties: list[tuple[str, str]]  # (ISO alpha-2, role)
    sectors: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # outlets; STORY.md gives no URLs or dates
    duration_years: int | None = None
    signed_on: date | None = None
    signed_on_precision: str = ""
    part_of: str = ""  # slug of an agreement listed earlier
    supersedes: str = ""  # slug of an agreement listed earlier
    # The English edition's title and summary (the same facts, nothing more).
    title_en: str = ""
    summary_en: str = ""
    # (person slug, AgreementParticipant role, "as ..." in Spanish)
    participants: list[tuple[str, str, str]] = field(default_factory=list)


PARTNERSHIP = "asociacion-estrategica-iran-cuba"
COMMISSION = "comision-economica-iran-cuba-19"
TREATY_2001 = "acuerdo-rusia-iran-2001"
TREATY = "tratado-asociacion-estrategica-integral-rusia-iran"
CREDIT = "lineas-de-credito-rusia-cuba"
MARIEL = "modernizacion-central-termoelectrica-mariel"
PORTS = "infraestructura-portuaria-cuba-rusia"
COOPERATION = "acuerdos-cooperacion-cuba-rusia-defensa-seguridad"

# In dependency order: an agreement's part_of and supersedes come before it.
AGREEMENTS = [
    AgreementSpec(
        slug=PARTNERSHIP,
        title="Asociación estratégica Irán-Cuba a diez años",
        kind=Kind.STRATEGIC_PARTNERSHIP,
        # The two governments "took a step toward consolidating" it and met
        # to set its terms: talks, not a signature.
        status=Status.UNDER_NEGOTIATION,
        duration_years=10,
        summary=(
            "Marco de cooperación de diez años entre Irán y Cuba. Altos funcionarios de los dos gobiernos se "
            "reunieron en Teherán para definir sus términos; la agencia IRNA informó de las conversaciones sobre "
            "tecnología. No se conocen la fecha de firma ni el texto."
        ),
        title_en="Iran–Cuba ten-year strategic partnership",
        summary_en=(
            "A ten-year cooperation framework between Iran and Cuba. Senior officials of both governments met in "
            "Tehran to work out its terms, and the IRNA agency reported on the talks about technology. Neither "
            "the signing date nor the text is known."
        ),
        parties=[("IR", Role.PARTY), ("CU", Role.PARTY)],
        sectors=["technology"],
        sources=["Infobae", "IRNA"],
    ),
    AgreementSpec(
        slug=COMMISSION,
        title="19.ª sesión de la Comisión de Cooperación Económica Irán-Cuba",
        kind=Kind.COMMISSION,
        # Planned as part of the partnership; nothing says it has met yet.
        status=Status.ANNOUNCED,
        summary=(
            "Reunión de la comisión económica bilateral prevista dentro de la asociación estratégica a diez años. "
            "Fecha y sede sin confirmar."
        ),
        title_en="19th session of the Iran–Cuba Economic Cooperation Commission",
        summary_en=(
            "A meeting of the two countries' economic commission, planned as part of the ten-year strategic "
            "partnership. Its date and venue have not been confirmed."
        ),
        parties=[("IR", Role.PARTY), ("CU", Role.PARTY)],
        sources=["Infobae"],
        part_of=PARTNERSHIP,
    ),
    AgreementSpec(
        slug=TREATY_2001,
        title="Acuerdo Rusia-Irán de 2001",
        # Reported as a 20-year agreement between the two states, replaced by
        # a treaty: recorded as a treaty. Only the year of signature is known.
        kind=Kind.TREATY,
        status=Status.SUPERSEDED,
        signed_on=date(2001, 1, 1),
        signed_on_precision="year",
        duration_years=20,
        summary=(
            "Acuerdo de veinte años firmado en 2001 por Rusia e Irán, que el tratado de asociación estratégica "
            "integral viene a reemplazar. Los informes no dan el día ni el mes de la firma."
        ),
        title_en="2001 Russia–Iran agreement",
        summary_en=(
            "A twenty-year agreement that Russia and Iran signed in 2001 and that the comprehensive strategic "
            "partnership treaty is set to replace. The reports give neither the day nor the month it was signed."
        ),
        parties=[("RU", Role.SIGNATORY), ("IR", Role.SIGNATORY)],
        sources=["Europa Press"],
    ),
    AgreementSpec(
        slug=TREATY,
        title="Tratado de asociación estratégica integral Rusia-Irán",
        kind=Kind.TREATY,
        # A signing was scheduled for 17 January of a year the reports do not
        # state, so the signature date stays blank and the status "announced".
        status=Status.ANNOUNCED,
        summary=(
            "Tratado que Masoud Pezeshkian y Vladimir Putin tenían previsto firmar en Moscú un 17 de enero (los "
            "informes no indican el año). Sustituye al acuerdo de 2001 y abarca energía, transporte e industria "
            "manufacturera."
        ),
        title_en="Russia–Iran comprehensive strategic partnership treaty",
        summary_en=(
            "A treaty that Masoud Pezeshkian and Vladimir Putin were due to sign in Moscow on 17 January (the "
            "reports do not give the year). It replaces the 2001 agreement and covers energy, transport and "
            "manufacturing."
        ),
        parties=[("RU", Role.PARTY), ("IR", Role.PARTY)],
        sectors=["energy", "transport", "manufacturing"],
        sources=["Europa Press"],
        supersedes=TREATY_2001,
        # Due to sign it, not yet signed: each represents his country.
        participants=[
            ("masoud-pezeshkian", Participant.REPRESENTATIVE, "presidente de Irán"),
            ("vladimir-putin", Participant.REPRESENTATIVE, "presidente de Rusia"),
        ],
    ),
    AgreementSpec(
        slug=CREDIT,
        title="Líneas de crédito de Rusia a Cuba",
        kind=Kind.CREDIT_LINE,
        # "Opened": the credit is available to draw on, which is what
        # "in force" means for a credit line. Amounts and dates are unknown.
        status=Status.IN_FORCE,
        summary=(
            "Nuevas líneas de crédito abiertas por Rusia para proyectos cubanos de infraestructura y energía. "
            "No se han informado montos, condiciones ni fechas."
        ),
        title_en="Russia's credit lines to Cuba",
        summary_en=(
            "New lines of credit that Russia opened for Cuban infrastructure and energy projects. No amounts, "
            "terms or dates have been reported."
        ),
        parties=[("RU", Role.LENDER), ("CU", Role.BORROWER)],
        sectors=["infrastructure", "energy"],
    ),
    AgreementSpec(
        slug=MARIEL,
        title="Modernización de la central termoeléctrica de Mariel",
        kind=Kind.INVESTMENT_PROJECT,
        # "Russia invests in" says money is committed, not which stage the
        # project is at: unknown.
        status=Status.UNKNOWN,
        summary=(
            "Inversión rusa en la modernización de la central termoeléctrica de Mariel, en Cuba. Se desconocen el "
            "monto, el calendario y la etapa del proyecto."
        ),
        title_en="Modernisation of the Mariel thermal power plant",
        summary_en=(
            "Russian investment in modernising the thermal power plant at Mariel, Cuba. The amount, the timetable "
            "and the stage the project has reached are unknown."
        ),
        parties=[("RU", Role.INVESTOR), ("CU", Role.HOST)],
        sectors=["energy"],
    ),
    AgreementSpec(
        slug=PORTS,
        title="Inversión rusa en infraestructura portuaria de Cuba",
        kind=Kind.INVESTMENT_PROJECT,
        status=Status.UNKNOWN,
        summary=(
            "Rusia invierte en la modernización de infraestructura portuaria cubana. Los informes no precisan qué "
            "puertos, montos ni plazos."
        ),
        title_en="Russian investment in Cuba's port infrastructure",
        summary_en=(
            "Russia is investing in modernising Cuban port infrastructure. The reports do not say which ports, "
            "how much or by when."
        ),
        parties=[("RU", Role.INVESTOR), ("CU", Role.HOST)],
        sectors=["infrastructure", "transport"],
    ),
    AgreementSpec(
        slug=COOPERATION,
        title="Acuerdos de cooperación Cuba-Rusia en defensa, seguridad y justicia",
        kind=Kind.COOPERATION_AGREEMENT,
        # Reported as agreements that exist, so signed; when is not known.
        status=Status.SIGNED,
        summary=(
            "Acuerdos de cooperación en defensa, seguridad, policía, tecnología de vigilancia, asuntos judiciales y "
            "medios de comunicación. No se conocen sus fechas ni sus textos."
        ),
        title_en="Cuba–Russia cooperation agreements on defense, security and justice",
        summary_en=(
            "Cooperation agreements covering defense, security, policing, surveillance technology, judicial "
            "matters and the media. Their dates and texts are not known."
        ),
        parties=[("CU", Role.PARTY), ("RU", Role.PARTY)],
        sectors=["defense", "security", "technology", "judicial", "media"],
    ),
]

EDITORIAL_TEAM = {
    "slug": "editorial-team",
    "name": "Editorial Team",
    "bio": "Artículos escritos y revisados en conjunto por el equipo de editores de la redacción.",
    "bio_en": "Stories written and checked together by the newsroom's editors.",
}
DEMO_EDITOR = {
    "slug": "demo-editor",
    "name": "Demo Editor",
    "bio": "Firma de la cuenta de demostración «editor», que revisa, programa y publica.",
    "bio_en": "The byline of the demo «editor» account, which checks, schedules and publishes stories.",
}
DEMO_WRITER = {
    "slug": "demo-writer",
    "name": "Demo Writer",
    "bio": "Firma de la cuenta de demostración «writer», que redacta borradores y los envía a edición.",
    "bio_en": "The byline of the demo «writer» account, which drafts stories and sends them to the editors.",
}

# The four topics every demo article draws from. Draft and scheduled articles
# use only these, so no topic exists only because of a story readers cannot see.
ALLIANCES, SANCTIONS, ENERGY_CRISIS, GEOPOLITICS = (
    "alianzas estratégicas",
    "sanciones",
    "crisis energética",
    "geopolítica",
)
# How readers of each edition see them: (Spanish name, English name).
TOPIC_NAMES = {
    ALLIANCES: ("Alianzas estratégicas", "Strategic alliances"),
    SANCTIONS: ("Sanciones", "Sanctions"),
    ENERGY_CRISIS: ("Crisis energética", "Energy crisis"),
    GEOPOLITICS: ("Geopolítica", "Geopolitics"),
}

# The front page's topic blocks, in order.
FRONT_TOPICS = [GEOPOLITICS, SANCTIONS]

HERO_FILENAME = "iran-rusia-cuba-ilustracion.png"


@dataclass(frozen=True)
class ArticleSpec:
    slug: str
    headline: str
    dek: str
    body: str
    # "public" (published in the past), "scheduled" or "draft".
    state: str
    # Offset from the first load's time: negative for past stories.
    offset: timedelta | None
    author: str  # "editorial-team" or "demo-writer"
    tags: list[str]
    countries: list[str]
    agreements: list[tuple[str, str, str]] = field(default_factory=list)  # (slug, relation, note)
    people: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    hero: bool = False


LAUNCH_SLUG = "iran-rusia-y-cuba-estrechan-su-alianza-frente-a-las-sanciones"
DRAFT_SLUG = "empresas-iranies-mostraran-su-tecnologia-en-la-habana"
SCHEDULED_SLUG = "analisis-que-cambia-el-tratado-entre-rusia-e-iran"

# The hero image is an illustration, not the story's photo: the alt text says
# what it shows; the caption names who the story's photo showed and says it
# stands in for it; the credit is the story's photo credit.
HERO = {
    "image_alt": (
        "Ilustración abstracta: tres círculos superpuestos, rayados con los colores de las banderas de Irán, "
        "Rusia y Cuba."
    ),
    "image_caption": (
        "Miguel Díaz-Canel, Vladimir Putin y Masoud Pezeshkian encabezan los tres gobiernos que estrechan lazos. "
        "En esta demostración, una ilustración con los colores de sus banderas ocupa el lugar de la fotografía."
    ),
    "image_credit": "Cuentas de los mandatarios en redes sociales y un medio iraní",
}

LAUNCH_BODY = """
<p>Irán, Rusia y Cuba, tres gobiernos sometidos a sanciones internacionales, están ampliando los lazos que los
unen. Reuniones de alto nivel en Teherán, un viaje presidencial previsto a Moscú y nuevos créditos e inversiones
rusas en la isla responden a una misma lógica: acuerdos en energía, tecnología, seguridad y defensa entre países
que buscan unos en otros lo que las sanciones les impiden conseguir en otra parte.</p>

<h2>Irán y Cuba: una asociación a diez años</h2>
<p>Teherán y La Habana avanzaron hacia la consolidación de una asociación estratégica con una vigencia de diez
años. Según Infobae, altos funcionarios de ambos gobiernos se reunieron en la capital iraní para acordar sus
términos; la agencia estatal iraní IRNA, por su parte, dio cuenta de las conversaciones dedicadas a la
tecnología.</p>
<p>La hoja de ruta contempla la 19.ª sesión de la Comisión de Cooperación Económica que comparten los dos países.
Está prevista, además, una exposición en La Habana para que empresas iraníes den a conocer su tecnología.</p>
<blockquote><p>«Estratégica»: así definió la cooperación entre ambos países el ministro de Salud de Irán, Ali
Jafarian.</p></blockquote>
<p>Los dos gobiernos comparten también un lugar en la lista de Estados patrocinadores del terrorismo que elabora
Estados Unidos. Irán sufre una crisis energética y ve el rial en mínimos históricos; Cuba atraviesa su peor crisis
económica en más de seis décadas.</p>

<h2>Rusia e Irán: un tratado de asociación integral</h2>
<p>El presidente iraní, Masoud Pezeshkian, tenía previsto viajar a Moscú el 17 de enero para firmar con su
homólogo ruso, Vladimir Putin, un tratado de asociación estratégica integral, según Europa Press.</p>
<p>El nuevo tratado reemplaza al acuerdo de veinte años que ambos países suscribieron en 2001 y abarca la energía,
el transporte y la industria manufacturera.</p>
<p>El acercamiento se produce mientras Irán enfrenta acusaciones de haber suministrado misiles a Rusia, y poco
después de que Corea del Norte fuera presentada como socio estratégico de Moscú.</p>

<h2>Cuba y Rusia: lazos históricos, acuerdos renovados</h2>
<p>Funcionarios de ambos países aseguran que la relación ha alcanzado un «nivel cualitativo superior». Nacido en la
Guerra Fría, el vínculo se ha puesto al día con acuerdos de modernización económica, financiera y
tecnológica.</p>
<p>Rusia abrió nuevas líneas de crédito a Cuba para proyectos de infraestructura y energía, y el banco ruso
Novikombank inauguró una sucursal en la isla. Moscú invierte además en la modernización de la central
termoeléctrica de Mariel y en infraestructura portuaria.</p>
<p>La cooperación se extiende a la defensa, la seguridad, la policía, la tecnología de vigilancia, los asuntos
judiciales y los medios de comunicación, ámbitos en los que ambos gobiernos tienen acuerdos.</p>

<h2>Contexto geopolítico</h2>
<p>Lo que acerca a los tres gobiernos es, ante todo, su posición frente a las sanciones. Cada acuerdo es bilateral,
pero juntos forman una red en la que el comercio, el crédito, la energía y la tecnología circulan entre países con
acceso limitado a los mercados occidentales. Para Rusia, que ya cuenta a Corea del Norte entre sus socios
estratégicos, Irán y Cuba amplían ese círculo; para Teherán y La Habana, la cooperación llega en plena escasez
económica y energética.</p>

<h2>Perspectivas</h2>
<p>Muchos detalles siguen sin conocerse: los informes citados no fijan el calendario de la asociación entre Irán y
Cuba, no dan cifras de los créditos rusos y no confirman que el tratado entre Moscú y Teherán se haya firmado. Esta
redacción sigue cada uno de estos acuerdos en su propia ficha, donde se anotarán fechas, partes y fuentes a medida
que se confirmen.</p>
"""

ARTICLES = [
    ArticleSpec(
        slug=LAUNCH_SLUG,
        headline="Irán, Rusia y Cuba estrechan su alianza frente a las sanciones",
        dek=(
            "Tres gobiernos sancionados amplían su cooperación en energía, tecnología, seguridad y defensa mediante "
            "una red de acuerdos bilaterales."
        ),
        body=LAUNCH_BODY,
        state="public",
        offset=-timedelta(hours=2),
        author="editorial-team",
        tags=[ALLIANCES, SANCTIONS, ENERGY_CRISIS, GEOPOLITICS],
        countries=["IR", "RU", "CU", "KP"],
        agreements=[
            (PARTNERSHIP, ABOUT, "Sus términos se negociaron en Teherán"),
            (TREATY, ABOUT, "Firma prevista el 17 de enero en Moscú"),
            (CREDIT, ABOUT, "Nuevos créditos para infraestructura y energía"),
            (COMMISSION, MENTIONS, "Prevista dentro de la asociación Irán-Cuba"),
            (TREATY_2001, MENTIONS, "El acuerdo que el nuevo tratado reemplaza"),
            (MARIEL, MENTIONS, "Inversión rusa en la central"),
            (PORTS, MENTIONS, "Inversión rusa en puertos cubanos"),
            (COOPERATION, MENTIONS, "Defensa, seguridad, policía y justicia"),
        ],
        people=["miguel-diaz-canel", "vladimir-putin", "masoud-pezeshkian", "ali-jafarian"],
        organizations=["infobae", "irna", "europa-press", "novikombank"],
        sources=["Infobae", "IRNA", "Europa Press"],
        hero=True,
    ),
    ArticleSpec(
        slug="rusia-abre-nuevas-lineas-de-credito-a-cuba",
        headline="Rusia abre nuevas líneas de crédito a Cuba",
        dek=(
            "Los fondos van a infraestructura y energía; Moscú invierte además en la central de Mariel y en los "
            "puertos de la isla."
        ),
        body="""
<p>Rusia ha puesto a disposición de Cuba nuevas líneas de crédito para financiar proyectos de infraestructura y de
energía, cuando la isla vive su peor crisis económica en más de sesenta años.</p>
<p>Los créditos se suman a otras inversiones rusas en el país: la modernización de la central termoeléctrica de
Mariel y obras de infraestructura portuaria.</p>
<p>La presencia financiera rusa crece también por otra vía: el banco Novikombank abrió una sucursal en Cuba.</p>
<p>Los informes disponibles no precisan el monto de los créditos, sus condiciones ni los plazos de las obras.</p>
""",
        state="public",
        offset=-timedelta(days=1),
        author="editorial-team",
        tags=[ALLIANCES, ENERGY_CRISIS, SANCTIONS],
        countries=["RU", "CU"],
        agreements=[
            (CREDIT, ABOUT, "Apertura de los nuevos créditos"),
            (MARIEL, MENTIONS, "Otra inversión rusa en energía"),
            (PORTS, MENTIONS, "Otra inversión rusa en infraestructura"),
        ],
        organizations=["novikombank"],
    ),
    ArticleSpec(
        slug="pezeshkian-viajara-a-moscu-para-firmar-un-tratado-con-putin",
        headline="Pezeshkian viajará a Moscú para firmar un tratado con Putin",
        dek="El acuerdo de asociación estratégica integral entre Irán y Rusia sustituirá al firmado en 2001.",
        body="""
<p>El presidente de Irán, Masoud Pezeshkian, tenía prevista una visita a Moscú el 17 de enero para firmar junto a
Vladimir Putin un tratado de asociación estratégica integral, informó Europa Press.</p>
<p>El documento toma el relevo del acuerdo de veinte años que Teherán y Moscú suscribieron en 2001. Su alcance
incluye la energía, el transporte y la industria manufacturera.</p>
<p>La visita llega mientras Irán afronta acusaciones de haber enviado misiles a Rusia.</p>
""",
        state="public",
        offset=-timedelta(days=2),
        author="editorial-team",
        tags=[GEOPOLITICS, ALLIANCES],
        countries=["IR", "RU"],
        agreements=[
            (TREATY, ABOUT, "Anuncio de la firma en Moscú"),
            (TREATY_2001, MENTIONS, "El acuerdo que se sustituye"),
        ],
        people=["masoud-pezeshkian", "vladimir-putin"],
        organizations=["europa-press"],
        sources=["Europa Press"],
    ),
    ArticleSpec(
        slug="iran-y-cuba-preparan-la-19a-sesion-de-su-comision-economica",
        headline="Irán y Cuba preparan la 19.ª sesión de su comisión económica",
        dek="La reunión forma parte de la asociación estratégica a diez años cuyos términos negocian ambos gobiernos.",
        body="""
<p>Irán y Cuba se preparan para celebrar la 19.ª sesión de su Comisión de Cooperación Económica, uno de los pasos
previstos en la asociación estratégica de diez años que altos funcionarios de los dos países discutieron en
Teherán, según Infobae.</p>
<p>El plan incluye una exposición en La Habana en la que empresas iraníes mostrarán su tecnología, un terreno sobre
el que también informó la agencia estatal IRNA.</p>
<p>El ministro de Salud iraní, Ali Jafarian, calificó de «estratégica» la cooperación bilateral.</p>
<p>Los informes citados no indican la fecha ni la sede de la sesión.</p>
""",
        state="public",
        offset=-timedelta(days=3),
        author="editorial-team",
        tags=[ALLIANCES, GEOPOLITICS],
        countries=["IR", "CU"],
        agreements=[
            (COMMISSION, ABOUT, "Preparativos de la sesión"),
            (PARTNERSHIP, MENTIONS, "El marco en el que se celebra"),
        ],
        people=["ali-jafarian"],
        organizations=["infobae", "irna"],
        sources=["Infobae", "IRNA"],
    ),
    ArticleSpec(
        slug=DRAFT_SLUG,
        headline="Empresas iraníes mostrarán su tecnología en La Habana",
        dek="Borrador: faltan fechas, sede y participantes de la exposición.",
        body="""
<p>Empresas de Irán presentarán su tecnología en una exposición en La Habana, prevista dentro del acercamiento entre
ambos gobiernos.</p>
<p>Pendiente antes de enviar a edición: fechas, sede y lista de empresas participantes.</p>
""",
        state="draft",
        offset=None,
        author="demo-writer",
        tags=[ALLIANCES],
        countries=["IR", "CU"],
        agreements=[(PARTNERSHIP, MENTIONS, "La exposición acompaña a la asociación")],
    ),
    ArticleSpec(
        slug=SCHEDULED_SLUG,
        headline="Análisis: qué cambia el tratado entre Rusia e Irán",
        dek="Del acuerdo de 2001 a una asociación integral en energía, transporte e industria.",
        body="""
<p>El tratado de asociación estratégica integral que Irán y Rusia se disponen a firmar sustituye al acuerdo de veinte
años de 2001. El nuevo texto abarca tres sectores concretos: energía, transporte e industria manufacturera.</p>
<p>Quedan preguntas abiertas: los informes citados no recogen el texto íntegro ni dicen cuándo entrará en
vigor.</p>
""",
        state="scheduled",
        offset=timedelta(days=3),
        author="editorial-team",
        tags=[GEOPOLITICS, ALLIANCES],
        countries=["RU", "IR"],
        agreements=[
            (TREATY, ABOUT, "Qué abarca el nuevo tratado"),
            (TREATY_2001, MENTIONS, "El acuerdo que se sustituye"),
        ],
        people=["vladimir-putin", "masoud-pezeshkian"],
    ),
]


@dataclass(frozen=True)
class TranslationSpec:
    """A demo story in the other edition's language: the same facts, written
    afresh for its readers (not word for word). It keeps its source's
    topics, countries, agreements, people, organisations and sources; its
    words, image text and agreement notes are its own."""

    source: str  # the slug of the story it translates
    slug: str
    language: str
    headline: str
    dek: str
    body: str
    offset: timedelta  # published this long after the first load's time (negative: before)
    hero: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # agreement slug -> the context note


LAUNCH_EN_SLUG = "iran-russia-and-cuba-tighten-their-alliance-in-the-face-of-sanctions"

LAUNCH_EN_BODY = """
<p>Iran, Russia and Cuba, three governments living under international sanctions, are drawing closer together.
High-level meetings in Tehran, a presidential trip planned to Moscow and fresh Russian credit and investment on the
island all follow the same pattern: agreements on energy, technology, security and defense between countries that
look to one another for what sanctions deny them elsewhere.</p>

<h2>Iran and Cuba: a ten-year partnership</h2>
<p>Tehran and Havana moved closer to cementing a strategic partnership meant to last ten years. Senior officials of
both governments met in the Iranian capital to work out its terms, Infobae reported; Iran's state news agency, IRNA,
covered the talks on technology.</p>
<p>The plan includes the 19th session of the two countries' Economic Cooperation Commission. An exhibition in Havana,
where Iranian companies would present their technology, is planned as well.</p>
<blockquote><p>Iran's Health Minister, Ali Jafarian, called the cooperation between the two countries
"strategic".</p></blockquote>
<p>Both governments also share a place on the United States' list of state sponsors of terrorism. Iran is living
through an energy crisis, with the rial at record lows; Cuba is in its worst economic crisis in more than sixty
years.</p>

<h2>Russia and Iran: a comprehensive partnership treaty</h2>
<p>Iran's president, Masoud Pezeshkian, was due to travel to Moscow on 17 January to sign a comprehensive strategic
partnership treaty with his Russian counterpart, Vladimir Putin, Europa Press reported.</p>
<p>The new treaty takes the place of the twenty-year agreement the two countries signed in 2001, and it covers
energy, transport and manufacturing.</p>
<p>The rapprochement comes as Iran faces accusations of having supplied missiles to Russia, and shortly after North
Korea was described as a strategic partner of Moscow.</p>

<h2>Cuba and Russia: old ties, new agreements</h2>
<p>Officials of both countries say their relationship has reached a "higher qualitative level". Born in the Cold War,
the bond has been brought up to date by agreements on economic, financial and technological modernisation.</p>
<p>Russia opened new lines of credit to Cuba for infrastructure and energy projects, and the Russian bank Novikombank
opened a branch on the island. Moscow is also investing in modernising the Mariel thermal power plant and in port
infrastructure.</p>
<p>The cooperation reaches into defense, security, policing, surveillance technology, judicial matters and the media,
fields in which the two governments have agreements.</p>

<h2>The geopolitical context</h2>
<p>What brings the three governments together, above all, is where they stand on sanctions. Each agreement binds two
countries, yet together they form a network through which trade, credit, energy and technology move among states with
little access to Western markets. For Russia, which already counts North Korea among its strategic partners, Iran and
Cuba widen that circle; for Tehran and Havana, the cooperation comes in the middle of economic and energy
shortages.</p>

<h2>Outlook</h2>
<p>Much is still unknown: the reports cited set no timetable for the Iran–Cuba partnership, give no figures for the
Russian credit and do not confirm that the treaty between Moscow and Tehran has been signed. This newsroom follows each
of these agreements on a page of its own, where dates, parties and sources will be added as they are confirmed.</p>
"""

# The English edition's launch story, paired with the Spanish one (loaded
# through newsroom.editorial.translations, as "Translate into English" does).
TRANSLATIONS = [
    TranslationSpec(
        source=LAUNCH_SLUG,
        slug=LAUNCH_EN_SLUG,
        language="en",
        headline="Iran, Russia and Cuba tighten their alliance in the face of sanctions",
        dek=(
            "Three sanctioned governments are widening their cooperation on energy, technology, security and defense "
            "through a web of bilateral agreements."
        ),
        body=LAUNCH_EN_BODY,
        offset=-timedelta(hours=1, minutes=30),
        hero={
            "image_alt": (
                "Abstract illustration: three overlapping circles striped in the colours of the flags of Iran, "
                "Russia and Cuba."
            ),
            "image_caption": (
                "Miguel Díaz-Canel, Vladimir Putin and Masoud Pezeshkian lead the three governments that are drawing "
                "closer. In this demo, an illustration in the colours of their flags stands in for the photograph."
            ),
            "image_credit": "Social-media accounts of the leaders and an Iranian outlet",
        },
        notes={
            PARTNERSHIP: "Its terms were negotiated in Tehran",
            TREATY: "Signing planned for 17 January in Moscow",
            CREDIT: "New credit for infrastructure and energy",
            COMMISSION: "Planned within the Iran–Cuba partnership",
            TREATY_2001: "The agreement the new treaty replaces",
            MARIEL: "Russian investment in the plant",
            PORTS: "Russian investment in Cuban ports",
            COOPERATION: "Defense, security, policing and justice",
        },
    ),
]
