"""The calendar's filter: query-string parameters shared by every list, page and feed."""

import datetime as dt
from urllib.parse import urlencode

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import day_range, local_today, weekend_of
from quartiersnetz.events import domain
from quartiersnetz.events.models import Category, Event
from quartiersnetz.organizations.models import Organization

MAX_SEARCH_LENGTH = 200


class CalendarFilterForm(forms.Form):
    """Parses ?district=…&category=…&organization=…&from=…&to=…&free=1&step_free=1&q=…&when=…

    An invalid value makes the form invalid; views answer 400 with its errors.
    """

    WHEN_CHOICES = [("", _("Any time")), ("today", _("Today")), ("weekend", _("This weekend"))]

    q = forms.CharField(label=_("Search"), required=False, max_length=MAX_SEARCH_LENGTH)
    district = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    category = forms.ModelMultipleChoiceField(
        label=_("Categories"),
        queryset=Category.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All organisations"),
    )
    when = forms.ChoiceField(label=_("When"), choices=WHEN_CHOICES, required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    free = forms.BooleanField(label=_("Free of charge"), required=False)
    step_free = forms.BooleanField(label=_("Step-free access"), required=False)

    # The query string says from/to; the form fields cannot be named after keywords.
    PARAMETER_NAMES = {"date_from": "from", "date_to": "to"}

    def __init__(self, data=None, **kwargs):
        if data is not None:
            data = data.copy()
            for field, parameter in self.PARAMETER_NAMES.items():
                if parameter in data:
                    data.setlist(field, data.getlist(parameter))
        super().__init__(data, **kwargs)

    def add_prefix(self, field_name):
        return field_name

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", _("The end of the period must not be before its start."))
        for field in ("date_from", "date_to"):
            day = cleaned.get(field)
            if day and not dt.date(1900, 1, 1) <= day <= dt.date(2200, 12, 31):
                self.add_error(field, _("Choose a date between 1900 and 2200."))
        return cleaned

    def _options(self, name):
        """(slug, name, selected) of a choice field; the template renders them in a loop,
        which costs a fraction of Django's per-option widget templates."""
        selected = set(self.data.getlist(name)) if self.is_bound else set()
        rows = self.fields[name].queryset.values_list("slug", "name")
        return [(slug, label, slug in selected) for slug, label in rows]

    @property
    def district_options(self):
        return self._options("district")

    @property
    def category_options(self):
        return self._options("category")

    @property
    def organization_options(self):
        return self._options("organization")

    def day_span(self, today=None):
        """The first and last local day asked for; last is None for open-ended."""
        today = today or local_today()
        data = self.cleaned_data
        if data.get("when") == "today":
            return today, today
        if data.get("when") == "weekend":
            return weekend_of(today)
        return data.get("date_from") or today, data.get("date_to")

    def filter(self, queryset):
        """Apply everything but the date range to an Occurrence queryset."""
        data = self.cleaned_data
        if data.get("district"):
            # Literal ids: a subquery would keep the planner off the district index.
            queryset = queryset.filter(district_id__in=[d.pk for d in data["district"]])
        if data.get("category"):
            queryset = domain.with_categories(queryset, data["category"])
        if data.get("organization"):
            queryset = domain.with_organizers(queryset, [data["organization"]])
        if data.get("free"):
            queryset = queryset.filter(is_free=True)
        if data.get("step_free"):
            queryset = queryset.filter(step_free=True)
        if data.get("q"):
            queryset = search(queryset, data["q"])
        return queryset

    def occurrences(self, queryset, today=None):
        """Filtered occurrences within the asked-for days."""
        first, last = self.day_span(today)
        start, end = day_range(first, last) if last else (day_range(first)[0], None)
        return domain.occurrences_between(self.filter(queryset), start, end)

    # The parameters of a filter as they appear in addresses.
    QUERY_PARAMETERS = ("q", "district", "category", "organization", "when", "from", "to")
    QUERY_FLAGS = ("free", "step_free")

    def query_string(self, **overrides):
        """The current filter as a query string, for links and feeds.

        Only filter parameters are kept (no page, month or week); overrides add or,
        with None, remove parameters.
        """
        params = QueryDict(mutable=True)
        if self.is_bound:
            for name in self.data:
                values = [value for value in self.data.getlist(name) if value]
                if name in self.QUERY_PARAMETERS + self.QUERY_FLAGS and values:
                    params.setlist(name, values)
        for key, value in overrides.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = value
        return params.urlencode()

    @staticmethod
    def query_for(district=None, organization=None):
        """The query string that filters to one district or organisation."""
        params = {}
        if district is not None:
            params["district"] = district.slug
        if organization is not None:
            params["organization"] = organization.slug
        return urlencode(params)

    def error_messages(self):
        return [
            f"{self.fields[field].label}: {message}" if field in self.fields else message
            for field, messages in self.errors.items()
            for message in messages
        ]


def search(queryset, text):
    """Occurrences whose event mentions every word of text in title, teaser or description."""
    events = Event.objects.all()
    for word in text.split()[:10]:
        events = events.filter(
            Q(title__icontains=word) | Q(teaser__icontains=word) | Q(description__icontains=word)
        )
    return queryset.filter(Exists(events.filter(pk=OuterRef("event_id"))))
