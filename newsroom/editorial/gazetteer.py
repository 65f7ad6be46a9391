"""The words, beyond a country's own names, by which news copy names it:
other names and abbreviations, demonyms and capitals, in Spanish and in
English. The suggestion matcher (newsroom.editorial.suggestions) adds these
to the names in the Country table; nothing here is downloaded.

Spanish demonyms are given in their base form (masculine singular) and
inflected by ``spanish_forms`` ("cubano" -> cubana, cubanos, cubanas;
"iraní" -> iraníes, iranís; "francés" -> francesa, franceses). English ones
in the singular; ``english_forms`` adds the plural ("Russians") where there
is one. Capitals count as the country (GUIDE.md in
tests/data/suggestions says why: "Moscú respondió" is Russia speaking).

Kept to the countries the outlet writes about most and their neighbours; a
country missing here is still found by its names in the Country table.
"""

from __future__ import annotations

# iso2: (other names, Spanish demonyms, English demonyms, capitals)
COUNTRY_WORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "AF": ((), ("afgano",), ("Afghan",), ("Kabul",)),
    "AL": ((), ("albanés",), ("Albanian",), ("Tirana",)),
    "DZ": (("Argelia",), ("argelino",), ("Algerian",), ("Argel", "Algiers")),
    "AO": ((), ("angoleño",), ("Angolan",), ("Luanda",)),
    "AR": ((), ("argentino",), ("Argentine", "Argentinian"), ("Buenos Aires",)),
    "AM": ((), ("armenio",), ("Armenian",), ("Ereván", "Yerevan")),
    "AU": ((), ("australiano",), ("Australian",), ("Canberra",)),
    "AT": ((), ("austriaco", "austríaco"), ("Austrian",), ("Viena", "Vienna")),
    "AZ": ((), ("azerbaiyano",), ("Azerbaijani",), ("Bakú", "Baku")),
    "BS": ((), ("bahameño",), ("Bahamian",), ("Nassau",)),
    "BD": ((), ("bangladesí",), ("Bangladeshi",), ("Daca", "Dhaka")),
    "BB": ((), ("barbadense",), ("Barbadian",), ("Bridgetown",)),
    "BY": (("Bielorrusia",), ("bielorruso",), ("Belarusian",), ("Minsk",)),
    "BE": ((), ("belga",), ("Belgian",), ("Bruselas", "Brussels")),
    "BZ": ((), ("beliceño",), ("Belizean",), ("Belmopán", "Belmopan")),
    "BO": ((), ("boliviano",), ("Bolivian",), ("La Paz",)),
    "BR": ((), ("brasileño",), ("Brazilian",), ("Brasilia", "Brasília")),
    "BG": ((), ("búlgaro",), ("Bulgarian",), ("Sofía", "Sofia")),
    "KH": ((), ("camboyano",), ("Cambodian",), ("Nom Pen", "Phnom Penh")),
    "CA": ((), ("canadiense",), ("Canadian",), ("Ottawa",)),
    "CL": ((), ("chileno",), ("Chilean",), ("Santiago de Chile",)),
    "CN": (("República Popular China",), ("chino",), ("Chinese",), ("Pekín", "Beijing")),
    "CO": ((), ("colombiano",), ("Colombian",), ("Bogotá",)),
    "CD": (("RDC", "Congo-Kinsasa"), ("congoleño",), ("Congolese",), ("Kinsasa", "Kinshasa")),
    "CR": ((), ("costarricense",), ("Costa Rican",), ("San José",)),
    "HR": ((), ("croata",), ("Croatian",), ("Zagreb",)),
    "CU": ((), ("cubano",), ("Cuban",), ("La Habana", "Havana")),
    "CZ": (("Chequia", "República Checa", "Czech Republic"), ("checo",), ("Czech",), ("Praga", "Prague")),
    "DK": ((), ("danés",), ("Danish",), ("Copenhague", "Copenhagen")),
    "DO": (("República Dominicana",), ("dominicano",), ("Dominican",), ("Santo Domingo",)),
    "EC": ((), ("ecuatoriano",), ("Ecuadorian",), ("Quito",)),
    "EG": ((), ("egipcio",), ("Egyptian",), ("El Cairo", "Cairo")),
    "SV": ((), ("salvadoreño",), ("Salvadoran",), ("San Salvador",)),
    "ET": ((), ("etíope",), ("Ethiopian",), ("Adís Abeba", "Addis Ababa")),
    "FI": ((), ("finlandés",), ("Finnish",), ("Helsinki",)),
    "FR": ((), ("francés",), ("French",), ("París", "Paris")),
    "GE": ((), ("georgiano",), ("Georgian",), ("Tiflis", "Tbilisi")),
    "DE": ((), ("alemán",), ("German",), ("Berlín", "Berlin")),
    "GH": ((), ("ghanés",), ("Ghanaian",), ("Acra", "Accra")),
    "GB": (
        ("Gran Bretaña", "Great Britain", "Britain", "UK", "U.K."),
        ("británico",),
        ("British",),
        ("Londres", "London"),
    ),
    "GR": ((), ("griego",), ("Greek",), ("Atenas", "Athens")),
    "GT": ((), ("guatemalteco",), ("Guatemalan",), ("Ciudad de Guatemala", "Guatemala City")),
    "GY": ((), ("guyanés",), ("Guyanese",), ("Georgetown",)),
    "HT": ((), ("haitiano",), ("Haitian",), ("Puerto Príncipe", "Port-au-Prince")),
    "HN": ((), ("hondureño",), ("Honduran",), ("Tegucigalpa",)),
    "HU": ((), ("húngaro",), ("Hungarian",), ("Budapest",)),
    "IN": ((), ("indio", "hindú"), ("Indian",), ("Nueva Delhi", "New Delhi")),
    "ID": ((), ("indonesio",), ("Indonesian",), ("Yakarta", "Jakarta")),
    "IR": (
        ("República Islámica de Irán", "Islamic Republic of Iran", "Persia"),
        ("iraní",),
        ("Iranian",),
        ("Teherán", "Tehran"),
    ),
    "IQ": ((), ("iraquí",), ("Iraqi",), ("Bagdad", "Baghdad")),
    "IE": ((), ("irlandés",), ("Irish",), ("Dublín", "Dublin")),
    "IL": ((), ("israelí",), ("Israeli",), ("Jerusalén", "Jerusalem", "Tel Aviv")),
    "IT": ((), ("italiano",), ("Italian",), ("Roma", "Rome")),
    "JM": ((), ("jamaicano", "jamaiquino"), ("Jamaican",), ("Kingston",)),
    "JP": ((), ("japonés",), ("Japanese",), ("Tokio", "Tokyo")),
    "JO": ((), ("jordano",), ("Jordanian",), ("Amán", "Amman")),
    "KZ": ((), ("kazajo",), ("Kazakh",), ("Astaná", "Astana")),
    "KE": ((), ("keniano",), ("Kenyan",), ("Nairobi",)),
    "KP": (
        ("Corea del Norte", "North Korea", "RPDC", "DPRK"),
        ("norcoreano",),
        ("North Korean",),
        ("Pionyang", "Pyongyang"),
    ),
    "KR": (("Corea del Sur", "South Korea"), ("surcoreano",), ("South Korean",), ("Seúl", "Seoul")),
    "KG": (("Kirguistán", "Kirguizistán"), ("kirguís", "kirguiso"), ("Kyrgyz",), ("Biskek", "Bishkek")),
    "LA": ((), ("laosiano",), ("Laotian", "Lao"), ("Vientián", "Vientiane")),
    "LB": ((), ("libanés",), ("Lebanese",), ("Beirut",)),
    "LY": ((), ("libio",), ("Libyan",), ("Trípoli", "Tripoli")),
    "LT": ((), ("lituano",), ("Lithuanian",), ("Vilna", "Vilnius")),
    "MY": ((), ("malasio",), ("Malaysian",), ("Kuala Lumpur",)),
    "ML": ((), ("maliense",), ("Malian",), ("Bamako",)),
    "MX": (("Méjico",), ("mexicano",), ("Mexican",), ("Ciudad de México", "Mexico City")),
    "MD": (("Moldova",), ("moldavo",), ("Moldovan",), ("Chisináu", "Chisinau")),
    "MN": ((), ("mongol",), ("Mongolian",), ("Ulán Bator", "Ulaanbaatar")),
    "MA": ((), ("marroquí",), ("Moroccan",), ("Rabat",)),
    "MZ": ((), ("mozambiqueño",), ("Mozambican",), ("Maputo",)),
    "MM": (("Birmania", "Burma"), ("birmano",), ("Burmese",), ("Naipyidó", "Naypyidaw")),
    "NA": ((), ("namibio",), ("Namibian",), ("Windhoek",)),
    "NL": (
        ("Holanda", "Holland", "Países Bajos", "the Netherlands"),
        ("neerlandés", "holandés"),
        ("Dutch",),
        ("Ámsterdam", "Amsterdam", "La Haya", "The Hague"),
    ),
    "NZ": ((), ("neozelandés",), ("New Zealander",), ("Wellington",)),
    "NI": ((), ("nicaragüense",), ("Nicaraguan",), ("Managua",)),
    "NG": ((), ("nigeriano",), ("Nigerian",), ("Abuya", "Abuja")),
    "NO": ((), ("noruego",), ("Norwegian",), ("Oslo",)),
    "OM": ((), ("omaní",), ("Omani",), ("Mascate", "Muscat")),
    "PK": ((), ("pakistaní", "paquistaní"), ("Pakistani",), ("Islamabad",)),
    "PS": ((), ("palestino",), ("Palestinian",), ("Ramala", "Ramallah")),
    "PA": ((), ("panameño",), ("Panamanian",), ("Ciudad de Panamá", "Panama City")),
    "PY": ((), ("paraguayo",), ("Paraguayan",), ("Asunción",)),
    "PE": ((), ("peruano",), ("Peruvian",), ("Lima",)),
    "PH": ((), ("filipino",), ("Filipino",), ("Manila",)),
    "PL": ((), ("polaco",), ("Polish",), ("Varsovia", "Warsaw")),
    "PT": ((), ("portugués",), ("Portuguese",), ("Lisboa", "Lisbon")),
    "PR": ((), ("puertorriqueño", "boricua"), ("Puerto Rican",), ("San Juan",)),
    "QA": ((), ("catarí", "qatarí"), ("Qatari",), ("Doha",)),
    "RO": ((), ("rumano",), ("Romanian",), ("Bucarest", "Bucharest")),
    "RU": (("Federación Rusa", "Russian Federation"), ("ruso",), ("Russian",), ("Moscú", "Moscow")),
    "SA": (("Arabia Saudí", "Arabia Saudita"), ("saudí", "saudita"), ("Saudi",), ("Riad", "Riyadh")),
    "RS": ((), ("serbio",), ("Serbian",), ("Belgrado", "Belgrade")),
    "SG": ((), ("singapurense",), ("Singaporean",), ("Singapur",)),
    "ZA": (("Sudáfrica",), ("sudafricano",), ("South African",), ("Pretoria",)),
    "ES": ((), ("español",), ("Spanish",), ("Madrid",)),
    "LK": ((), ("ceilandés", "esrilanqués"), ("Sri Lankan",), ("Colombo",)),
    "SD": ((), ("sudanés",), ("Sudanese",), ("Jartum", "Khartoum")),
    "SR": ((), ("surinamés",), ("Surinamese",), ("Paramaribo",)),
    "SE": ((), ("sueco",), ("Swedish",), ("Estocolmo", "Stockholm")),
    "CH": ((), ("suizo",), ("Swiss",), ("Berna", "Bern")),
    "SY": ((), ("sirio",), ("Syrian",), ("Damasco", "Damascus")),
    "TW": ((), ("taiwanés",), ("Taiwanese",), ("Taipéi", "Taipei")),
    "TJ": ((), ("tayiko",), ("Tajik",), ("Dusambé", "Dushanbe")),
    "TZ": ((), ("tanzano",), ("Tanzanian",), ("Dodoma",)),
    "TH": ((), ("tailandés",), ("Thai",), ("Bangkok",)),
    "TT": (
        ("Trinidad y Tobago", "Trinidad and Tobago"),
        ("trinitense",),
        ("Trinidadian",),
        ("Puerto España", "Port of Spain"),
    ),
    "TN": ((), ("tunecino",), ("Tunisian",), ("Túnez", "Tunis")),
    "TR": (("Turquía", "Türkiye"), ("turco",), ("Turkish",), ("Ankara",)),
    "TM": ((), ("turcomano", "turkmeno"), ("Turkmen",), ("Asjabad", "Ashgabat")),
    "UA": ((), ("ucraniano",), ("Ukrainian",), ("Kiev", "Kyiv")),
    "AE": (
        ("Emiratos Árabes Unidos", "United Arab Emirates", "EAU", "UAE", "Emiratos"),
        ("emiratí",),
        ("Emirati",),
        ("Abu Dabi", "Abu Dhabi"),
    ),
    "US": (
        ("EE. UU.", "EE.UU.", "EEUU", "EE UU", "Estados Unidos", "the United States", "US", "U.S.", "USA"),
        ("estadounidense", "norteamericano"),
        ("American",),
        ("Washington",),
    ),
    "UY": ((), ("uruguayo",), ("Uruguayan",), ("Montevideo",)),
    "UZ": ((), ("uzbeko",), ("Uzbek",), ("Taskent", "Tashkent")),
    "VE": ((), ("venezolano",), ("Venezuelan",), ("Caracas",)),
    "VN": ((), ("vietnamita",), ("Vietnamese",), ("Hanói", "Hanoi")),
    "YE": ((), ("yemení",), ("Yemeni",), ("Saná", "Sanaa")),
    "ZM": ((), ("zambiano",), ("Zambian",), ("Lusaka",)),
    "ZW": ((), ("zimbabuense",), ("Zimbabwean",), ("Harare",)),
}

# English words that are countries' names only when written with a capital
# and that are people's first names or ordinary words besides: matched as a
# country only when the next word is not capitalised too ("Jordan Peterson",
# "Chad Smith") and never in lower case ("turkey", "china").
AMBIGUOUS_NAMES = {"Jordan", "Chad", "Georgia", "Turkey", "China", "Guinea", "Niger"}

# Words just before a name (folded) that make it something else than the
# country: a US state ("Atlanta, Georgia", "state of Georgia"), a region
# ("Latin American"; "América Latina" is not a name of anything here).
NOT_THE_COUNTRY_AFTER = {
    "georgia": ("atlanta", "state of", "estado de", "savannah", "augusta"),
    "american": ("latin", "south", "central", "north", "of", "latino"),
    "americans": ("latin", "south", "central", "north", "of", "latino"),
}

# "en ruso", "in Russian": a language, not the country.
LANGUAGE_BEFORE = ("en", "in")


def spanish_forms(base: str) -> list[str]:
    """A Spanish demonym and its feminine and plural forms."""
    strip = str.maketrans("áéíóú", "aeiou")
    if base.endswith("o"):
        stem = base[:-1]
        return [base, stem + "a", stem + "os", stem + "as"]
    if base.endswith(("í", "ú")):
        return [base, base + "es", base + "s"]
    if base.endswith("e") or base.endswith("a"):
        return [base, base + "s"]
    if base.endswith(("és", "án", "ín", "ón")):
        stem = base.translate(strip)
        return [base, stem + "a", stem + "es", stem + "as"]
    if base.endswith(("l", "s", "n", "r")):
        return [base, base + "a", base + "es", base + "as"]
    return [base]


def english_forms(base: str) -> list[str]:
    """An English demonym and its plural, where it has one."""
    if base.endswith(("ese", "ish", "ch", "ss", "i", "Swiss", "Thai", "Lao")) and not base.endswith(
        ("Israeli", "Iraqi", "Pakistani", "Qatari", "Saudi", "Omani", "Emirati", "Yemeni", "Bangladeshi")
    ):
        return [base]
    if base.endswith("i"):
        return [base, base + "s"]
    return [base, base + "s"]
