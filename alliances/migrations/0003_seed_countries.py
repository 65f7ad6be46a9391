"""Seed every ISO 3166-1 country from pycountry, with English and Spanish names.

Names: pycountry's common name where it has one ("Iran", "Syria"), else its
short name. A few states that news copy never calls by their ISO name get
the name newsrooms use. Reversing removes what this migration added.
"""

import gettext

from django.db import migrations
from django.utils.text import slugify

# Where the ISO short name is not what a reader expects to see.
NAME_OVERRIDES = {
    "RU": ("Russia", "Rusia"),
    "IR": ("Iran", "Irán"),
    "KP": ("North Korea", "Corea del Norte"),
    "KR": ("South Korea", "Corea del Sur"),
    "SY": ("Syria", "Siria"),
    "VE": ("Venezuela", "Venezuela"),
    "BO": ("Bolivia", "Bolivia"),
    "LA": ("Laos", "Laos"),
    "TW": ("Taiwan", "Taiwán"),
    "MD": ("Moldova", "Moldavia"),
    "TZ": ("Tanzania", "Tanzania"),
    "VN": ("Vietnam", "Vietnam"),
    "BN": ("Brunei", "Brunéi"),
    "CD": ("DR Congo", "República Democrática del Congo"),
    "FM": ("Micronesia", "Micronesia"),
    "PS": ("Palestine", "Palestina"),
    "VA": ("Vatican City", "Ciudad del Vaticano"),
}

WIKIDATA = {"CU": "Q241", "IR": "Q794", "RU": "Q159", "KP": "Q423", "US": "Q30", "VE": "Q717", "CN": "Q148"}


def country_rows():
    import pycountry

    spanish = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["es"], fallback=True)
    for c in pycountry.countries:
        name_en = getattr(c, "common_name", None) or c.name
        name_es = spanish.gettext(c.name)
        if c.alpha_2 in NAME_OVERRIDES:
            name_en, name_es = NAME_OVERRIDES[c.alpha_2]
        yield {
            "iso2": c.alpha_2,
            "iso3": c.alpha_3,
            "name": name_en,
            "name_en": name_en,
            "name_es": name_es,
            "slug": slugify(name_en),
            "wikidata_id": WIKIDATA.get(c.alpha_2, ""),
        }


def seed(apps, schema_editor):
    Country = apps.get_model("alliances", "Country")
    existing = set(Country.objects.values_list("iso2", flat=True))
    Country.objects.bulk_create(Country(**row) for row in country_rows() if row["iso2"] not in existing)


def unseed(apps, schema_editor):
    Country = apps.get_model("alliances", "Country")
    Country.objects.filter(iso2__in=[row["iso2"] for row in country_rows()]).delete()


class Migration(migrations.Migration):
    dependencies = [("alliances", "0002_article_links")]

    operations = [migrations.RunPython(seed, unseed)]
