"""Admin forms for articles.

Topics and countries are both taggit managers on Article, but the admin edits
them as pick lists, not as taggit's comma-separated text box:

- ``tags`` is an autocomplete over existing topics (the admin's own
  autocomplete view, fed by TopicAdmin.search_fields), so a writer finds
  "Sanctions" instead of typing a near-duplicate. A new topic goes in the
  separate ``new_topics`` text field; case-insensitive tagging (settings)
  turns "cuba" into the existing "Cuba" rather than a second topic.
- ``countries`` is an autocomplete over the seeded ISO list only. A raw POST
  with anything but the id of an existing country is a field error; no code
  path here can create a country.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from taggit.utils import parse_tags

from alliances.models import Country
from newsroom.models import Article, Topic

TOPIC_NAME_MAX = Topic._meta.get_field("name").max_length


class _KnownValuesOnly:
    """Django's autocomplete widgets look up the submitted values to label
    them when a form is shown again with errors; a raw POST carrying "abc"
    for an id makes that lookup raise (a 500). Values that cannot be ids are
    left out of the redisplay; the field's own error already names them."""

    def optgroups(self, name, value, attr=None):
        remote = self.field.remote_field
        opts = remote.model._meta
        target = opts.get_field(getattr(remote, "field_name", None) or opts.pk.name)
        return super().optgroups(name, [v for v in value if self._is_valid(target, v)], attr)

    @staticmethod
    def _is_valid(target, value) -> bool:
        try:
            target.to_python(value)
        except ValidationError:
            return False
        return True


class SafeAutocompleteSelect(_KnownValuesOnly, AutocompleteSelect):
    pass


class SafeAutocompleteSelectMultiple(_KnownValuesOnly, AutocompleteSelectMultiple):
    pass


class ArticleAdminForm(forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.all(),
        required=False,
        widget=SafeAutocompleteSelectMultiple(Article._meta.get_field("tags"), admin.site),
        help_text=_("Start typing to pick existing topics."),
    )
    new_topics = forms.CharField(
        label=_("New topics"),
        required=False,
        max_length=500,
        help_text=_(
            "Only for a topic that does not exist yet. Separate topics with commas; "
            "a name that matches an existing topic in any case is added as that topic."
        ),
    )
    countries = forms.ModelMultipleChoiceField(
        label=_("Countries"),
        queryset=Country.objects.all(),
        required=False,
        widget=SafeAutocompleteSelectMultiple(Article._meta.get_field("countries"), admin.site),
        help_text=_("Countries the story is about. Pick them from the list."),
    )

    class Meta:
        model = Article
        fields = [
            "headline",
            "slug",
            "dek",
            "body",
            "image",
            "image_alt",
            "image_caption",
            "image_credit",
            "status",
            "published_at",
            "language",
            "tags",
            "countries",
            "people",
            "organizations",
        ]
        # Headlines and deks run long; give them room to be read whole.
        widgets = {
            "headline": forms.TextInput(attrs={"size": 80}),
            "dek": forms.TextInput(attrs={"size": 80}),
        }

    def clean_new_topics(self) -> list[str]:
        names = parse_tags(self.cleaned_data.get("new_topics", ""))
        too_long = [name for name in names if len(name) > TOPIC_NAME_MAX]
        if too_long:
            raise forms.ValidationError(
                _("A topic name can have at most %(max)d characters: %(names)s"),
                params={"max": TOPIC_NAME_MAX, "names": ", ".join(too_long)},
            )
        return names

    def _save_m2m(self):
        # tags and countries are saved by the TaggableManagers' own
        # save_form_data (tags.set / countries.set with the picked rows);
        # the typed new topics are added on top.
        super()._save_m2m()
        names = self.cleaned_data.get("new_topics") or []
        if names:
            self.instance.tags.add(*names)
