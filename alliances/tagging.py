"""Country tagging that can never invent a country.

Taggit creates a tag for every unknown name it is given. For topics that is
what an editor wants; for countries it would let a typo ("Rusia ") become a
fake state. ``CountryTagManager`` resolves a name against the seeded ISO list
(English or Spanish name, alpha-2 or alpha-3 code, any case) and refuses the
rest with a ValidationError that forms show as a field error.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from taggit.managers import TaggableManager, _TaggableManager  # private-api: taggit documents subclassing it

from alliances.models import Country


def resolve_country_names(names: list[str]):
    """Map each name to a Country; raise ValidationError naming the unknown ones."""
    found, unknown = {}, []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        match = (
            Country.objects.filter(
                Q(name__iexact=name)
                | Q(name_en__iexact=name)
                | Q(name_es__iexact=name)
                | Q(iso2__iexact=name)
                | Q(iso3__iexact=name)
                | Q(slug__iexact=name)
            )
            .order_by("pk")
            .first()
        )
        if match is None:
            unknown.append(name)
        else:
            found[raw] = match
    if unknown:
        raise ValidationError(
            _("Unknown country: %(names)s. Pick countries from the list.") % {"names": ", ".join(unknown)},
            code="unknown_country",
        )
    return found


class CountryTagManager(_TaggableManager):
    def _to_tag_model_instances(self, tags, tag_kwargs):
        model = self.through.tag_model()
        resolved = resolve_country_names([t for t in tags if isinstance(t, str)])
        result, seen = [], set()
        for t in tags:
            country = t if isinstance(t, model) else resolved.get(t)
            if country is not None and country.pk not in seen:
                seen.add(country.pk)
                result.append(country)
        return result


class CountryTaggableManager(TaggableManager):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("manager", CountryTagManager)
        super().__init__(*args, **kwargs)
