"""Forms of the meetings part: a meeting, its cancellation, agenda items and attachments.

They only parse input; domain.meetings and domain.agenda decide what may be saved.
"""

import datetime as dt

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.domain.agenda import ATTACHMENT_TYPES
from quartiersnetz.conferences.models import AgendaItem
from quartiersnetz.core.timeutil import local_zone, localize
from quartiersnetz.events.forms import ErrorSummaryMixin, PlaceChoiceField, date_field, time_field
from quartiersnetz.places.models import Place

MAX_CAPACITY = 10_000
MAX_DURATION_MINUTES = 12 * 60

# Where a refusal of the domain (keyed by model field) is shown on the meeting form.
DOMAIN_FIELDS = {"start": "date", "end": "end_time", "place": "place"}


class MeetingForm(ErrorSummaryMixin, forms.Form):
    """A meeting: local date, start and end time, where, public or not, seats, note."""

    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for “Meeting of the …”."),
    )
    date = date_field(_("Date"))
    start_time = time_field(_("Start time"))
    end_time = time_field(_("End time"))
    place = PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.select_related("district"),
        required=False,
        empty_label=_("(no place from the list)"),
        help_text=_("Its address and access information are shown on the meeting's page."),
        error_messages={
            "invalid_choice": _("This place no longer exists. Choose another one or none.")
        },
    )
    room = forms.CharField(
        label=_("Room"),
        max_length=200,
        required=False,
        help_text=_("For example “Community room, ground floor”; or a place not in the list."),
    )
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("For a meeting online or with people joining from home."),
    )
    is_public = forms.BooleanField(
        label=_("Public meeting"),
        required=False,
        help_text=_(
            "Citizens are invited, may sign up and see the public agenda items; the meeting "
            "appears in the calendar once the invitations are sent."
        ),
    )
    capacity = forms.IntegerField(
        label=_("Seats for citizens"),
        min_value=1,
        max_value=MAX_CAPACITY,
        required=False,
        help_text=_("Empty: no limit. Who signs up beyond it is put on the waiting list."),
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown on the meeting's page and in the invitation. Markdown."),
    )

    error_order = (
        "title",
        "date",
        "start_time",
        "end_time",
        "place",
        "room",
        "online_url",
        "is_public",
        "capacity",
        "note",
    )

    def __init__(self, *args, meeting=None, **kwargs):
        if meeting is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(meeting)
        super().__init__(*args, **kwargs)
        self.fields["start_time"].required = True
        self.fields["end_time"].required = True
        self.fields["date"].error_messages["required"] = _("Enter the date of the meeting.")
        self.fields["start_time"].error_messages["required"] = _("Enter the start time.")
        self.fields["end_time"].error_messages["required"] = _("Enter the end time.")

    @staticmethod
    def initial_for(meeting):
        start, end = localize(meeting.start), localize(meeting.end)
        return {
            "title": meeting.title,
            "date": start.date(),
            "start_time": start.time().replace(second=0, microsecond=0),
            "end_time": end.time().replace(second=0, microsecond=0),
            "place": meeting.place_id,
            "room": meeting.room,
            "online_url": meeting.online_url,
            "is_public": meeting.is_public,
            "capacity": meeting.capacity,
            "note": meeting.note,
        }

    def meeting_data(self):
        """The cleaned input as the fields of a meeting (start and end aware)."""
        data = self.cleaned_data
        zone = local_zone()
        return {
            "title": data.get("title", ""),
            "start": dt.datetime.combine(data["date"], data["start_time"], tzinfo=zone),
            "end": dt.datetime.combine(data["date"], data["end_time"], tzinfo=zone),
            "place": data.get("place"),
            "room": data.get("room", ""),
            "online_url": data.get("online_url", ""),
            "is_public": data.get("is_public", False),
            "capacity": data.get("capacity"),
            "note": data.get("note", ""),
        }

    def add_domain_errors(self, error):
        """A refusal of domain.meetings on the fields it concerns."""
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(
                    DOMAIN_FIELDS.get(field, field if field in self.fields else None), messages
                )
        else:
            self.add_error(None, error.messages)


class CancelMeetingForm(ErrorSummaryMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason for the cancellation"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Everyone invited and every citizen who signed up reads it."),
        error_messages={"required": _("Tell the people invited why the meeting is cancelled.")},
    )


class AgendaItemForm(ErrorSummaryMixin, forms.ModelForm):
    """An agenda item; the main item to put it under is one of the meeting's main items."""

    parent = forms.ModelChoiceField(
        label=_("Under item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("(a main item)"),
        help_text=_("Choose a main item to make this one a sub-item (e.g. 2.1)."),
        error_messages={"invalid_choice": _("Choose a main item of this agenda.")},
    )
    duration_minutes = forms.IntegerField(
        label=_("Planned duration (minutes)"),
        min_value=1,
        max_value=MAX_DURATION_MINUTES,
        required=False,
    )

    class Meta:
        model = AgendaItem
        fields = ["title", "parent", "description", "presenter", "duration_minutes", "is_public"]
        labels = {"is_public": _("Public item")}
        help_texts = {
            "is_public": _(
                "Citizens see public items of a public meeting. Internal items (and the "
                "sub-items of an internal item) are shown to members only."
            ),
            "description": _("Markdown: *italic*, **bold**, lists and links."),
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        parents = AgendaItem.objects.filter(meeting=meeting, parent__isnull=True).order_by(
            "position", "pk"
        )
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        self.fields["title"].error_messages["required"] = _("Enter the title of the item.")

    def item_data(self):
        return {name: self.cleaned_data.get(name) for name in self.Meta.fields}

    def add_domain_errors(self, error):
        if hasattr(error, "error_dict"):
            for field, messages in error.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)
        else:
            self.add_error(None, error.messages)


class AttachmentForm(ErrorSummaryMixin, forms.Form):
    file = forms.FileField(
        label=_("File"),
        error_messages={"required": _("Choose a file.")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{extension}" for extension in sorted(ATTACHMENT_TYPES))}
        ),
    )
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("Empty: the file's name."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "PDF or office file (%(types)s), at most %(limit)s."
        ) % {
            "types": ", ".join(sorted(ATTACHMENT_TYPES)),
            "limit": filesizeformat(settings.CONFERENCES_MAX_ATTACHMENT_BYTES),
        }
