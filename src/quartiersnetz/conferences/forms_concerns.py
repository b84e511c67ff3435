"""Forms of the concerns board: raising a concern, following it, the filters of the
lists and the moderators' steps."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from quartiersnetz.conferences.forms_signup import trap_field
from quartiersnetz.conferences.models import Concern
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events.forms import ErrorSummaryMixin
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

Status = Concern.Status


def _max(name):
    return Concern._meta.get_field(name).max_length


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place):
        return f"{place.name} ({place.district.name})"


class ConcernForm(ErrorSummaryMixin, forms.Form):
    """A concern; name and email only for people without an account (anonymous=True)."""

    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.order_by("name"),
        to_field_name="slug",
        empty_label=_("Choose a district"),
    )
    title = forms.CharField(
        label=_("What is it about?"),
        max_length=_max("title"),
        help_text=_("A short title, for example “No bench at the bus stop”."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=Concern._meta.get_field("description").max_length,
        help_text=_(
            "What is the problem, who does it concern, what would help? "
            "You may use Markdown. At most 10,000 characters."
        ),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    topic = forms.ChoiceField(label=_("Topic"), choices=Concern.Topic.choices)
    place = PlaceChoiceField(
        label=_("Place (optional)"),
        queryset=Place.objects.none(),
        required=False,
        empty_label=_("No particular place"),
    )
    location_text = forms.CharField(
        label=_("Where exactly (optional)"),
        max_length=_max("location_text"),
        required=False,
        help_text=_("For example a street corner or a square."),
    )
    name = forms.CharField(
        label=_("Your name"),
        max_length=_max("author_name"),
        help_text=_("It is not published."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_(
            "We send you a link to confirm; the concern is published after that. "
            "You are told by mail of every step. It is not published."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    homepage = trap_field()

    def __init__(self, *args, anonymous=True, district=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            del self.fields["name"]
            del self.fields["email"]
        places = Place.objects.select_related("district").order_by("district__name", "name")
        if district is not None:
            places = places.filter(district=district)
        self.fields["place"].queryset = places

    def clean(self):
        cleaned = super().clean()
        district, place = cleaned.get("district"), cleaned.get("place")
        if district is not None and place is not None and place.district_id != district.pk:
            self.add_error("place", _("Choose a place in the district of the concern."))
        return cleaned


class FollowForm(ErrorSummaryMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        help_text=_("We send you a link to confirm. Every mail has a link to stop them."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    homepage = trap_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "follow-%s")
        super().__init__(*args, **kwargs)


class FilterForm(forms.Form):
    """The lists' filters, in the address (GET)."""

    status = forms.MultipleChoiceField(
        label=_("Status"),
        required=False,
        choices=[(value, Status(value).label) for value in Concern.PUBLIC_STATUSES],
        widget=forms.CheckboxSelectMultiple,
    )
    topic = forms.MultipleChoiceField(
        label=_("Topic"),
        required=False,
        choices=Concern.Topic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    district = forms.MultipleChoiceField(
        label=_("Districts"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, with_districts=True, **kwargs):
        kwargs.setdefault("auto_id", "filter-%s")
        super().__init__(*args, **kwargs)
        if with_districts:
            self.fields["district"].choices = list(
                District.objects.order_by("name").values_list("slug", "name")
            )
        else:
            del self.fields["district"]

    def error_messages(self):
        return [
            f"{self.fields[name].label}: {message}"
            for name, messages in self.errors.items()
            for message in messages
        ]


class TriageForm(ErrorSummaryMixin, forms.Form):
    """One step of the moderators: the target state and what it needs."""

    ACTIONS = (
        ("in_discussion", _("Put it on an agenda (in discussion)")),
        ("taken_up", _("An organisation takes it up")),
        ("done", pgettext_lazy("concern step", "Mark it done")),
        ("declined", _("Decline it (with a public reason)")),
        ("new", _("Back to “new”")),
    )

    action = forms.ChoiceField(label=_("Next step"), widget=forms.RadioSelect)
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"),
        queryset=None,
        required=False,
        empty_label=_("Choose an agenda item"),
        help_text=_("Only for “in discussion”."),
    )
    new_item = forms.BooleanField(
        label=_("Instead, add a new item with the concern's title to the next meeting"),
        required=False,
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.order_by("name"),
        required=False,
        empty_label=_("Choose an organisation"),
        help_text=_("Only for “taken up”."),
    )
    message = forms.CharField(
        label=_("Message or reason"),
        required=False,
        max_length=5000,
        help_text=_(
            "Shown publicly in the concern's history and mailed to its followers. "
            "Required when you decline it."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, actions, agenda_items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [
            (value, label) for value, label in self.ACTIONS if value in actions
        ]
        self.fields["agenda_item"].queryset = agenda_items
        self.fields["agenda_item"].label_from_instance = _agenda_label

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == "in_discussion" and not (
            cleaned.get("agenda_item") or cleaned.get("new_item")
        ):
            self.add_error("agenda_item", _("Choose an agenda item or add a new one."))
        if action == "taken_up" and not cleaned.get("organization"):
            self.add_error("organization", _("Choose the organisation that takes it up."))
        if action == "declined" and not (cleaned.get("message") or "").strip():
            self.add_error("message", _("Please give the reason: it is shown with the concern."))
        return cleaned


def _agenda_label(item):
    day = formats.date_format(localize(item.meeting.start), "SHORT_DATE_FORMAT")
    return f"{item.meeting.conference.name}, {day}: {item.title}"


class TakeUpForm(ErrorSummaryMixin, forms.Form):
    """A member of an organisation says that it takes the concern up."""

    organization = forms.ModelChoiceField(
        label=_("Our organisation"), queryset=None, empty_label=None
    )
    message = forms.CharField(
        label=_("What you plan (optional)"),
        required=False,
        max_length=5000,
        help_text=_("Shown publicly in the concern's history."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organizations, **kwargs):
        kwargs.setdefault("auto_id", "takeup-%s")
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
