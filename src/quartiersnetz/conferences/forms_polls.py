"""Forms of finding a date: proposing dates (one row per date, no JavaScript needed) and
a member's answers (yes, if need be or no per date)."""

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quartiersnetz.conferences.domain import polls
from quartiersnetz.conferences.models import DatePoll, PollAnswer
from quartiersnetz.events.forms import (
    DATE_INPUT_FORMATS,
    TIME_INPUT_FORMATS,
    DateInput,
    ErrorSummaryMixin,
    PlaceChoiceField,
    TimeInput,
    local_datetime,
)
from quartiersnetz.events.templatetags.calendar_format import local_datetime as datetime_text
from quartiersnetz.events.templatetags.calendar_format import local_time as time_text
from quartiersnetz.places.models import Place

# Rows the form shows at first; "more rows" shows up to the most a poll may have.
ROWS = 10
# The conferences meet on weekday evenings, 17–19 h.
DEFAULT_START = dt.time(17)
DEFAULT_END = dt.time(19)


def row_count(value):
    """The number of date rows asked for (?rows=15 or the form's hidden field)."""
    try:
        rows = int(str(value)[:3])
    except (TypeError, ValueError):
        return ROWS
    return min(max(rows, ROWS), polls.MAX_OPTIONS)


class PollForm(ErrorSummaryMixin, forms.Form):
    """Title, place, note and one row (day, from, until) per proposed date. Empty rows
    are left out; the dates are checked by domain.polls.option_errors."""

    title = forms.CharField(
        label=_("Title"),
        max_length=DatePoll._meta.get_field("title").max_length,
        required=False,
        help_text=_("For example “Autumn meeting 2026”. It becomes the meeting's title."),
    )
    place = PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.select_related("district").order_by("name"),
        empty_label=_("(choose a place)"),
        help_text=_(
            "Where the meeting will be; it becomes the meeting's place. Another event there "
            "at the same time is shown beside the date."
        ),
        error_messages={
            "required": _("Choose the place of the meeting."),
            "invalid_choice": _("This place no longer exists. Choose another one."),
        },
    )
    note = forms.CharField(
        label=_("Note for the members"),
        max_length=DatePoll._meta.get_field("note").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the dates, e.g. what the meeting is about."),
    )
    rows = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, rows=ROWS, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            rows = row_count(self.data.get("rows"))
        self.row_count = rows
        self.initial["rows"] = rows
        for number in range(1, rows + 1):
            self.fields[f"day_{number}"] = forms.DateField(
                label=gettext("Date %(number)s, day") % {"number": number},
                required=False,
                widget=DateInput(),
                input_formats=DATE_INPUT_FORMATS,
            )
            self.fields[f"start_{number}"] = forms.TimeField(
                label=gettext("Date %(number)s, from") % {"number": number},
                required=False,
                widget=TimeInput(),
                input_formats=TIME_INPUT_FORMATS,
            )
            self.fields[f"end_{number}"] = forms.TimeField(
                label=gettext("Date %(number)s, until") % {"number": number},
                required=False,
                widget=TimeInput(),
                input_formats=TIME_INPUT_FORMATS,
            )
            self.initial.setdefault(f"start_{number}", DEFAULT_START)
            self.initial.setdefault(f"end_{number}", DEFAULT_END)

    def date_rows(self):
        """(number, day, from, until) bound fields, for the template."""
        return [
            (number, self[f"day_{number}"], self[f"start_{number}"], self[f"end_{number}"])
            for number in range(1, self.row_count + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        options, numbers = [], []
        for number in range(1, self.row_count + 1):
            names = (f"day_{number}", f"start_{number}", f"end_{number}")
            if any(name in self.errors for name in names):
                continue
            day, start, end = (cleaned.get(name) for name in names)
            if day is None:
                if start not in (None, DEFAULT_START) or end not in (None, DEFAULT_END):
                    self.add_error(names[0], gettext("Enter the day of this date."))
                continue
            if start is None:
                self.add_error(names[1], gettext("Enter the time the meeting starts."))
                continue
            if end is None:
                self.add_error(names[2], gettext("Enter the time the meeting ends."))
                continue
            options.append((local_datetime(day, start), local_datetime(day, end)))
            numbers.append(number)
        if self.errors:
            return cleaned
        for position, message in polls.option_errors(options):
            if position is None:
                self.add_error(None, message)
                continue
            number = numbers[position]
            start, end = options[position]
            name = f"end_{number}" if end <= start else f"day_{number}"
            self.add_error(name, message)
        cleaned["options"] = options
        return cleaned


class AnswerForm(ErrorSummaryMixin, forms.Form):
    """Yes, if need be or no for each proposed date; dates left out keep their answer."""

    def __init__(self, *args, options, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = options
        for option in options:
            self.fields[f"option_{option.pk}"] = forms.ChoiceField(
                label=f"{datetime_text(option.start)}–{time_text(option.end)}",
                choices=PollAnswer.Answer.choices,
                widget=forms.RadioSelect,
                required=False,
                error_messages={
                    "invalid_choice": _("Answer this date with yes, if need be or no.")
                },
            )

    def answer_rows(self, conflicts=None):
        """(option, bound field, its conflicts) for the template."""
        conflicts = conflicts or {}
        return [
            (option, self[f"option_{option.pk}"], conflicts.get(option.pk, ()))
            for option in self.options
        ]

    def clean(self):
        cleaned = super().clean()
        answers = {
            option.pk: cleaned[f"option_{option.pk}"]
            for option in self.options
            if cleaned.get(f"option_{option.pk}")
        }
        if not answers and not self.errors:
            raise ValidationError(gettext("Answer at least one of the dates."), code="empty")
        cleaned["answers"] = answers
        return cleaned


def initial_answers(given):
    """The form's initial values from {option id: answer}."""
    return {f"option_{option_id}": answer for option_id, answer in given.items()}
