"""Forms for the cooperation projects: the filters of the public list and the project
form."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.domain.projects import upcoming_public_events
from quartiersnetz.conferences.models import Concern, Conference, Meeting, Project, Role
from quartiersnetz.conferences.rules import current_memberships, is_coordinator
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events.forms import ErrorSummaryMixin, date_field
from quartiersnetz.events.models import Event
from quartiersnetz.organizations.models import Organization

# Words of the addresses after "projekte/": no project may take them as its short name.
RESERVED_PROJECT_SLUGS = frozenset({"neu"})


class ProjectFilterForm(forms.Form):
    """The public list's filters (GET); an unknown value filters nothing."""

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *Project.Status.choices],
    )
    district = forms.ModelChoiceField(
        label=_("District"),
        required=False,
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("All districts"),
    )

    def filters(self):
        """{"status": ..., "district": District} of the valid, filled-in values."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {
            name: cleaned[name]
            for name in ("status", "district")
            if name not in self.errors and cleaned.get(name)
        }


class DatedChoiceField(forms.ModelMultipleChoiceField):
    """Events and meetings with their (first) day: many have the same title."""

    def label_from_instance(self, obj):
        return f"{obj} ({localize(obj.start):%d.%m.%Y})"


class ProjectForm(ErrorSummaryMixin, forms.ModelForm):
    """A cooperation project. The events, concerns and meetings offered depend on the
    partners, districts and conferences chosen (the button "Update the choices" shows
    them without saving, so the form works without JavaScript)."""

    start_date = date_field(_("Start"), required=False)
    end_date = date_field(_("End"), required=False)
    conferences = forms.ModelMultipleChoiceField(
        label=_("Conferences"),
        queryset=Conference.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("The conferences that carry the project; their moderators may edit it."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organization.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    districts = forms.ModelMultipleChoiceField(
        label=_("Districts"),
        queryset=District.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    events = DatedChoiceField(
        label=_("Related events"),
        queryset=Event.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Upcoming published events of the partner organisations."),
    )
    concerns = forms.ModelMultipleChoiceField(
        label=_("Related concerns"),
        queryset=Concern.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Public concerns of the chosen districts."),
    )
    meetings = DatedChoiceField(
        label=_("Related meetings"),
        queryset=Meeting.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Meetings of the chosen conferences."),
    )

    class Meta:
        model = Project
        fields = [
            "title",
            "slug",
            "status",
            "start_date",
            "end_date",
            "description",
            "conferences",
            "partners",
            "districts",
            "events",
            "concerns",
            "meetings",
        ]
        help_texts = {
            "slug": _("Lower-case letters, digits and hyphens, for example “ruhrufer”."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        linked = self.instance.pk is not None
        conferences = Q(is_active=True)
        if linked:
            conferences |= Q(projects=self.instance)
        self.fields["conferences"].queryset = Conference.objects.filter(conferences).distinct()
        partners = self._chosen("partners")
        districts = self._chosen("districts")
        chosen_conferences = self._chosen("conferences")

        events = upcoming_public_events().filter(organizers__in=partners)
        concerns = Q(status__in=Concern.PUBLIC_STATUSES, district__in=districts)
        meetings = Q(conference__in=chosen_conferences)
        if linked:
            # What is linked stays choosable (and is kept) even when it no longer fits.
            events = Event.objects.filter(Q(pk__in=events.values("pk")) | Q(projects=self.instance))
            concerns |= Q(projects=self.instance)
            meetings |= Q(projects=self.instance)
        self.fields["events"].queryset = Event.objects.filter(pk__in=events.values("pk")).order_by(
            "start", "title"
        )
        self.fields["concerns"].queryset = (
            Concern.objects.filter(concerns).distinct().select_related("district")
        )
        self.fields["meetings"].queryset = (
            Meeting.objects.filter(meetings)
            .distinct()
            .select_related("conference")
            .order_by("-start")
        )

    def _chosen(self, name):
        """The ids chosen in the field: from the sent data, the initial values given,
        or the saved project."""
        if self.is_bound:
            values = self.data.getlist(self.add_prefix(name))
        elif name in self.initial:
            values = [getattr(value, "pk", value) for value in self.initial[name]]
        else:
            return []
        return [int(value) for value in values if str(value).isdigit()]

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if slug in RESERVED_PROJECT_SLUGS:
            raise ValidationError(
                _("“%(slug)s” is a word of the site's addresses. Choose another short name."),
                params={"slug": slug},
                code="reserved",
            )
        return slug

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end cannot be before the start."))
        conferences = cleaned.get("conferences")
        if conferences is not None and not is_coordinator(self.user):
            moderated = current_memberships(self.user).filter(role=Role.MODERATOR)
            if not moderated.filter(conference__in=conferences).exists():
                self.add_error(
                    "conferences",
                    _("Choose at least one of the conferences you moderate."),
                )
        return cleaned
