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

from alliances.models import Agreement, AgreementParty, ArticleAgreement, Organization

Kind = Agreement.Kind
Status = Agreement.Status
Role = AgreementParty.Role
ABOUT = ArticleAgreement.Relation.ABOUT
MENTIONS = ArticleAgreement.Relation.MENTIONS

# Sectors the demo agreements use, named as in SPEC.md's list. STORY.md's
# "police" is filed under security and "surveillance technology" under
# technology rather than adding sectors of one agreement each; the agreement
# summary keeps the exact wording.
SECTORS = {
    "energy": "Energy",
    "technology": "Technology",
    "security": "Security",
    "defense": "Defense",
    "transport": "Transport",
    "manufacturing": "Manufacturing",
    "infrastructure": "Infrastructure",
    "judicial": "Judicial",
    "media": "Media",
}

PEOPLE = [
    {"slug": "vladimir-putin", "name": "Vladimir Putin", "role": "Presidente de Rusia", "country": "RU"},
    {"slug": "masoud-pezeshkian", "name": "Masoud Pezeshkian", "role": "Presidente de Irán", "country": "IR"},
    {"slug": "miguel-diaz-canel", "name": "Miguel Díaz-Canel", "role": "Presidente de Cuba", "country": "CU"},
    {"slug": "ali-jafarian", "name": "Ali Jafarian", "role": "Ministro de Salud de Irán", "country": "IR"},
]

ORGANIZATIONS = [
    {"slug": "irna", "name": "IRNA", "kind": Organization.Kind.MEDIA, "country": "IR"},
    {"slug": "infobae", "name": "Infobae", "kind": Organization.Kind.MEDIA, "country": "AR"},
    {"slug": "europa-press", "name": "Europa Press", "kind": Organization.Kind.MEDIA, "country": "ES"},
    {"slug": "novikombank", "name": "Novikombank", "kind": Organization.Kind.BANK, "country": "RU"},
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
        parties=[("RU", Role.PARTY), ("IR", Role.PARTY)],
        sectors=["energy", "transport", "manufacturing"],
        sources=["Europa Press"],
        supersedes=TREATY_2001,
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
        parties=[("CU", Role.PARTY), ("RU", Role.PARTY)],
        sectors=["defense", "security", "technology", "judicial", "media"],
    ),
]

EDITORIAL_TEAM = {
    "slug": "editorial-team",
    "name": "Editorial Team",
    "bio": "Artículos escritos y revisados en conjunto por el equipo de editores de la redacción.",
}
DEMO_WRITER = {
    "slug": "demo-writer",
    "name": "Demo Writer",
    "bio": "Firma de la cuenta de demostración «writer», que redacta borradores y los envía a edición.",
}

# The four topics every demo article draws from. Draft and scheduled articles
# use only these, so no topic exists only because of a story readers cannot see.
ALLIANCES, SANCTIONS, ENERGY_CRISIS, GEOPOLITICS = (
    "alianzas estratégicas",
    "sanciones",
    "crisis energética",
    "geopolítica",
)

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
