"""Forms of the organisers' pages: the event form with its recurrence builder and new
place, the anonymous submission, cancelling and postponing."""

import datetime as dt
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils.dates import WEEKDAYS
from django.utils.text import capfirst, slugify
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_zone, localize, start_of_day
from quartiersnetz.events import images, recurrence
from quartiersnetz.events.models import Event, Report
from quartiersnetz.organizations.models import Membership, Organization
from quartiersnetz.places.models import Place

DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d.%m.%Y", "%d.%m.%y"]
TIME_INPUT_FORMATS = ["%H:%M", "%H:%M:%S", "%H.%M"]
KEEP_RULE = "keep"
# Enough for a year of excluded dates in either spelling.
MAX_EXCEPTIONS_LENGTH = 4000


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=DateInput(), input_formats=DATE_INPUT_FORMATS, **kwargs
    )


def time_field(label, **kwargs):
    return forms.TimeField(
        label=label,
        required=False,
        widget=TimeInput(),
        input_formats=TIME_INPUT_FORMATS,
        **kwargs,
    )


def local_datetime(day, time):
    return dt.datetime.combine(day, time, tzinfo=local_zone())


def date_initial(start, end, all_day):
    """The date and time fields of a stored start and end (end is exclusive when all day)."""
    start, end = localize(start), localize(end)
    if all_day:
        last_day = localize(end - dt.timedelta(microseconds=1)).date()
        return {"all_day": True, "start_date": start.date(), "end_date": last_day}
    return {
        "all_day": False,
        "start_date": start.date(),
        "start_time": start.time().replace(second=0, microsecond=0),
        "end_date": end.date(),
        "end_time": end.time().replace(second=0, microsecond=0),
    }


class ErrorSummaryMixin:
    """The list of errors at the top of a form page, each linked to its field."""

    # The fields in the order the page shows them; by default the form's order.
    error_order = ()

    def error_summary(self):
        """Every error with a link target, in the order of the form."""
        order = list(self.error_order or self.fields)
        summary = [
            {"message": message, "anchor": "", "label": ""} for message in self.non_field_errors()
        ]
        for name in sorted(
            (name for name in self.errors if name != NON_FIELD_ERRORS),
            key=lambda name: order.index(name) if name in order else len(order),
        ):
            field = self[name]
            anchor = field.auto_id
            if field.use_fieldset:
                anchor = f"{field.auto_id}_0"
            if field.is_hidden:
                anchor = ""
            for message in self.errors[name]:
                summary.append({"message": message, "anchor": anchor, "label": field.label})
        return summary


class DateRangeMixin:
    """Start and end as date and time inputs (dates only when all day)."""

    def clean_date_range(self, all_day):
        """(start, end) as aware datetimes, or None after adding errors to the fields."""
        data = self.cleaned_data
        start_date = data.get("start_date")
        end_date = data.get("end_date") or start_date
        if start_date is None or "end_date" in self.errors:
            return None
        if all_day:
            if end_date < start_date:
                self.add_error("end_date", _("The last day cannot be before the first day."))
                return None
            return start_of_day(start_date), start_of_day(end_date + dt.timedelta(days=1))
        start_time, end_time = data.get("start_time"), data.get("end_time")
        if start_time is None and "start_time" not in self.errors:
            self.add_error("start_time", _("Enter the time the event starts, or choose “all day”."))
        if end_time is None and "end_time" not in self.errors:
            self.add_error("end_time", _("Enter the time the event ends, or choose “all day”."))
        if start_time is None or end_time is None:
            return None
        start, end = local_datetime(start_date, start_time), local_datetime(end_date, end_time)
        if end_date < start_date:
            self.add_error("end_date", _("The end date cannot be before the start date."))
            return None
        if end <= start:
            self.add_error(
                "end_time",
                _(
                    "The end must be after the start. If the event ends after midnight, "
                    "set the end date to the next day."
                ),
            )
            return None
        return start, end


def _weekday_choices():
    return [(code, WEEKDAYS[index]) for index, code in enumerate(recurrence.WEEKDAY_CODES)]


WEEK_OF_MONTH_CHOICES = [
    ("", _("as on the start date")),
    ("1", pgettext_lazy("the first Tuesday of the month", "first")),
    ("2", pgettext_lazy("the second Tuesday of the month", "second")),
    ("3", pgettext_lazy("the third Tuesday of the month", "third")),
    ("4", pgettext_lazy("the fourth Tuesday of the month", "fourth")),
    ("-1", pgettext_lazy("the last Tuesday of the month", "last")),
]

# The builder's error keys (recurrence.rule_from_choices) and the fields they belong to.
BUILDER_FIELDS = {
    "frequency": "repeat",
    "interval": "repeat_interval",
    "weekdays": "repeat_weekdays",
    "week": "repeat_week",
    "until": "repeat_until",
    "count": "repeat_count",
    "end": "repeat_until",
}

# The fields in the order the form shows them (events/organiser/event_form.html), for
# the list of errors at its top.
FIELD_ORDER = (
    "title",
    "teaser",
    "description",
    "all_day",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "repeat",
    "repeat_interval",
    "repeat_weekdays",
    "repeat_monthly_by",
    "repeat_week",
    "repeat_until",
    "repeat_count",
    "recurrence_exceptions",
    "place",
    "new_place_name",
    "new_place_street",
    "new_place_postcode",
    "new_place_district",
    "new_place_step_free",
    "new_place_accessible_toilet",
    "new_place_hearing_loop",
    "online_url",
    "organizers",
    "contact_name",
    "contact_email",
    "contact_phone",
    "categories",
    "audience",
    "is_free",
    "price",
    "registration_url",
    "expected_attendance",
    "image",
    "image_alt",
    "remove_image",
    "visibility",
    "conflict_justification",
    "submitter_name",
    "submitter_email",
    "wants_decision",
)


class PlaceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, place):
        details = ", ".join(part for part in (place.street, place.district.name) if part)
        return f"{place.name} ({details})" if details else place.name


class EventForm(ErrorSummaryMixin, DateRangeMixin, forms.ModelForm):
    """Everything an organiser sets on an event. The view saves it through the workflow.

    user: who fills in the form (organisers are limited to their organisations);
    source: the event being copied (an edited event is the instance), whose recurrence
    rule prefills the builder or is kept as it is when the builder cannot express it;
    submitting: the event goes to review now, so it needs what a published event needs.
    """

    all_day = forms.BooleanField(
        label=_("All day (no times)"),
        required=False,
        help_text=_("For all-day events only the dates count; the times are ignored."),
    )
    start_date = date_field(_("Start date"), help_text=_("For a series: its first date."))
    start_time = time_field(_("Start time"))
    end_date = date_field(
        _("End date"),
        required=False,
        help_text=_("Leave empty if the event ends on the day it starts."),
    )
    end_time = time_field(
        _("End time"), help_text=_("If you do not know exactly, give an estimate.")
    )

    repeat = forms.ChoiceField(
        label=_("Repeats"),
        choices=[
            (recurrence.NO_REPEAT, _("Does not repeat")),
            (recurrence.WEEKLY, pgettext_lazy("how often an event repeats", "Weekly")),
            (recurrence.MONTHLY, pgettext_lazy("how often an event repeats", "Monthly")),
        ],
        initial=recurrence.NO_REPEAT,
        required=False,
        widget=forms.RadioSelect,
    )
    repeat_interval = forms.IntegerField(
        label=_("Every … weeks or months"),
        min_value=1,
        max_value=recurrence.MAX_INTERVAL,
        initial=1,
        required=False,
        help_text=_("1: every week or month; 2: every other one; and so on."),
    )
    repeat_weekdays = forms.MultipleChoiceField(
        label=_("On these weekdays"),
        choices=_weekday_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only for weekly series. Without a choice: the weekday of the start date."),
    )
    repeat_monthly_by = forms.ChoiceField(
        label=_("Monthly series take place"),
        choices=[
            (recurrence.ON_WEEKDAY, _("on the same weekday, e.g. every first Tuesday")),
            (recurrence.ON_DAY, _("on the same day of the month, e.g. every 15th")),
        ],
        initial=recurrence.ON_WEEKDAY,
        widget=forms.RadioSelect,
        required=False,
        help_text=_("Only for monthly series. Weekday and day come from the start date."),
    )
    repeat_week = forms.TypedChoiceField(
        label=_("Which week of the month"),
        choices=WEEK_OF_MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_(
            "Only for monthly series on a weekday. The series starts on the first "
            "matching date from the start date on."
        ),
    )
    repeat_until = date_field(
        _("Last day of the series"),
        required=False,
        help_text=_(
            "A series must end: give its last day (at most 3 years after the start) "
            "or the number of dates."
        ),
    )
    repeat_count = forms.IntegerField(
        label=_("Or: number of dates"),
        min_value=1,
        max_value=recurrence.MAX_COUNT,
        required=False,
    )

    place = PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.select_related("district"),
        required=False,
        empty_label=_("(no place from the list)"),
        help_text=_("Choose a place from the list, or enter a new place below."),
        error_messages={
            "invalid_choice": _(
                "This place no longer exists. Choose another one or enter a new place."
            )
        },
    )
    new_place_name = forms.CharField(
        label=_("Name of the new place"),
        max_length=Place._meta.get_field("name").max_length,
        required=False,
        help_text=_("Only if the place is not in the list above."),
    )
    new_place_street = forms.CharField(
        label=_("Street and number"),
        max_length=Place._meta.get_field("street").max_length,
        required=False,
    )
    new_place_postcode = forms.CharField(
        label=_("Postcode"),
        max_length=Place._meta.get_field("postcode").max_length,
        required=False,
    )
    new_place_district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        required=False,
        empty_label=_("(choose a district)"),
        error_messages={"invalid_choice": _("This district does not exist. Choose another.")},
    )
    new_place_step_free = forms.BooleanField(label=_("Step-free access"), required=False)
    new_place_accessible_toilet = forms.BooleanField(label=_("Accessible toilet"), required=False)
    new_place_hearing_loop = forms.BooleanField(label=_("Hearing loop"), required=False)

    image = forms.FileField(
        label=_("Image"),
        required=False,
        widget=forms.FileInput(attrs={"accept": images.ACCEPT_ATTRIBUTE}),
        help_text=_(
            "JPEG, PNG or WebP, at most 5 MB. We remove the image's metadata (camera, "
            "place) and make large images smaller."
        ),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    expected_attendance = forms.IntegerField(
        label=capfirst(Event._meta.get_field("expected_attendance").verbose_name),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("About how many people you expect; helps to avoid clashes of big events."),
    )

    error_order = FIELD_ORDER

    class Meta:
        model = Event
        fields = [
            "title",
            "teaser",
            "description",
            "recurrence_exceptions",
            "place",
            "online_url",
            "organizers",
            "contact_name",
            "contact_email",
            "contact_phone",
            "categories",
            "audience",
            "is_free",
            "price",
            "registration_url",
            "image",
            "image_alt",
            "expected_attendance",
            "visibility",
            "conflict_justification",
        ]
        labels = {
            "recurrence_exceptions": _("Dates that do not take place"),
            "is_free": _("Free of charge"),
            "conflict_justification": _("Why you keep this date despite a serious conflict"),
        }
        help_texts = {
            "recurrence_exceptions": _(
                "Only for series: one date per line or separated by commas, "
                "as 2026-12-24 or 24.12.2026."
            ),
            "online_url": _("A link to the online meeting or stream, if there is one."),
            "visibility": _("Internal events are only shown to the organisers."),
            "conflict_justification": _(
                "Only needed when the date clashes seriously with other plans. The other "
                "organiser and the editors read it."
            ),
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 10}),
            "recurrence_exceptions": forms.Textarea(
                attrs={"rows": 3, "maxlength": MAX_EXCEPTIONS_LENGTH}
            ),
            "categories": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
            "conflict_justification": forms.Textarea(attrs={"rows": 3}),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, user=None, source=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.submitting = submitting
        self.source = source if source is not None else self.instance
        self.new_place = None
        self.excluded_dates = []
        if self.instance.pk:
            for name, value in date_initial(
                self.instance.start, self.instance.end, self.instance.all_day
            ).items():
                self.initial.setdefault(name, value)
        self._offer_current_rule()
        if "organizers" in self.fields:
            self._limit_organizers()
        self.fields["price"].help_text = _("For example: 5 €, reduced 3 €. Leave empty if free.")
        if not self.instance.image:
            del self.fields["remove_image"]
        self.fields["contact_email"].widget.attrs.setdefault("autocomplete", "email")

    # --- Setting up ------------------------------------------------------------------

    def _offer_current_rule(self):
        """Prefill the builder; a rule it cannot express (from the admin) can be kept."""
        rule = self.source.recurrence_rule
        if not rule:
            return
        start = localize(self.source.start).date()
        if recurrence.builder_can_express(rule, start):
            choices = recurrence.choices_from_rule(rule)
            self.initial.setdefault("repeat", choices["frequency"])
            self.initial.setdefault("repeat_interval", choices["interval"])
            self.initial.setdefault("repeat_weekdays", choices["weekdays"])
            self.initial.setdefault("repeat_monthly_by", choices["monthly_by"])
            self.initial.setdefault("repeat_week", choices["week"])
            self.initial.setdefault("repeat_until", choices["until"])
            self.initial.setdefault("repeat_count", choices["count"])
            return
        description = recurrence.describe_rule(rule, start)
        self.fields["repeat"].choices = [
            (KEEP_RULE, gettext("Keep the current rule: %(rule)s") % {"rule": description}),
            *self.fields["repeat"].choices,
        ]
        self.initial.setdefault("repeat", KEEP_RULE)

    def _limit_organizers(self):
        """Organisers choose among their organisations; editors among all of them."""
        field = self.fields["organizers"]
        field.required = True
        field.error_messages.update(
            required=_("Choose the organisation that organises the event."),
            invalid_choice=_(
                "An organisation you chose no longer exists or you do not act for it. Choose again."
            ),
        )
        if self.user_is_editor:
            field.queryset = Organization.objects.all()
            field.widget = forms.SelectMultiple(attrs={"size": 8}, choices=field.choices)
            field.widget.is_required = True
            field.help_text = _("Hold Ctrl (Cmd on a Mac) to choose more than one.")
            return
        current = list(self.instance.organizers.all()) if self.instance.pk else []
        field.queryset = Organization.objects.filter(
            Q(pk__in=self.own_organization_ids()) | Q(pk__in=[o.pk for o in current])
        )
        field.widget = forms.CheckboxSelectMultiple(choices=field.choices)
        field.widget.is_required = True
        own = self.own_organization_ids()
        if not self.is_bound and not self.instance.pk and len(own) == 1:
            self.initial.setdefault("organizers", own)

    @property
    def user_is_editor(self):
        return self.user is not None and is_editor(self.user)

    def own_organization_ids(self):
        if not hasattr(self, "_own_organization_ids"):
            self._own_organization_ids = (
                list(
                    Membership.objects.filter(
                        user=self.user, state=Membership.State.ACTIVE
                    ).values_list("organization_id", flat=True)
                )
                if self.user is not None and self.user.is_authenticated
                else []
            )
        return self._own_organization_ids

    # --- Checking --------------------------------------------------------------------

    def clean_image(self):
        upload = self.cleaned_data.get("image")
        # Without an upload the field's value is the stored image (or nothing).
        if isinstance(upload, UploadedFile):
            return images.process_image(upload)
        return None

    def clean_organizers(self):
        organizers = self.cleaned_data["organizers"]
        own = set(self.own_organization_ids())
        if not self.user_is_editor and not any(o.pk in own for o in organizers):
            raise ValidationError(
                _(
                    "Keep at least one organisation you act for; otherwise you could no "
                    "longer change the event."
                ),
                code="not_own",
            )
        return organizers

    def clean_recurrence_exceptions(self):
        text = self.cleaned_data.get("recurrence_exceptions", "")
        if len(text) > MAX_EXCEPTIONS_LENGTH:
            raise ValidationError(
                _("Enter at most %(count)s characters: a few dates, not a whole calendar.")
                % {"count": MAX_EXCEPTIONS_LENGTH},
                code="max_length",
            )
        dates = recurrence.parse_entered_dates(text)
        self.excluded_dates = dates
        return "\n".join(day.isoformat() for day in dates)

    def clean(self):
        cleaned = super().clean()
        all_day = bool(cleaned.get("all_day"))
        dates = self.clean_date_range(all_day)
        if dates is not None:
            self.instance.start, self.instance.end = dates
            self.instance.all_day = all_day
        if cleaned.get("start_date") is not None:
            # The series is checked even when the times are wrong: all errors at once.
            self._clean_recurrence(cleaned["start_date"])
        if self.instance.image and cleaned.get("remove_image") and not cleaned.get("image"):
            cleaned["image"] = False
        self._clean_new_place()
        if self.submitting and not (
            cleaned.get("place") or self.new_place or cleaned.get("online_url")
        ):
            self.add_error("place", _("Choose a place or enter an online link."))
        return cleaned

    def _clean_recurrence(self, first_day):
        cleaned = self.cleaned_data
        repeat = cleaned.get("repeat")
        if repeat == KEEP_RULE:
            self.instance.recurrence_rule = self.source.recurrence_rule
        elif repeat in (None, recurrence.NO_REPEAT):
            self.instance.recurrence_rule = ""
            # Excluded dates belong to a series.
            cleaned["recurrence_exceptions"] = ""
            return
        elif any(field in self.errors for field in BUILDER_FIELDS.values()):
            # The fields' own errors say what is wrong; the builder would only guess.
            return
        else:
            try:
                self.instance.recurrence_rule = recurrence.rule_from_choices(
                    repeat,
                    first_day,
                    interval=cleaned.get("repeat_interval"),
                    weekdays=cleaned.get("repeat_weekdays") or (),
                    monthly_by=cleaned.get("repeat_monthly_by") or recurrence.ON_WEEKDAY,
                    week=cleaned.get("repeat_week"),
                    until=cleaned.get("repeat_until"),
                    count=cleaned.get("repeat_count"),
                )
            except ValidationError as error:
                for key, messages in error.message_dict.items():
                    field = BUILDER_FIELDS.get(key, "repeat")
                    if field not in self.errors:
                        self.add_error(field, messages)
                return
        excluded = self.excluded_dates
        rule = self.instance.recurrence_rule
        if excluded and rule and recurrence.first_date(rule, first_day, excluded) is None:
            self.add_error(
                "recurrence_exceptions",
                _("All dates of the series are excluded: the series would have no date."),
            )

    def _clean_new_place(self):
        cleaned = self.cleaned_data
        names = [name for name in self.fields if name.startswith("new_place_")]
        if not any(cleaned.get(name) for name in names):
            return
        if cleaned.get("place"):
            self.add_error(
                "new_place_name",
                _("Choose a place from the list or enter a new one, not both."),
            )
            return
        name = (cleaned.get("new_place_name") or "").strip()
        if not name:
            self.add_error("new_place_name", _("Enter the name of the new place."))
        elif Place.objects.filter(name__iexact=name).exists():
            self.add_error(
                "new_place_name",
                _("A place with this name exists already: choose it from the list."),
            )
        if cleaned.get("new_place_district") is None and "new_place_district" not in self.errors:
            self.add_error("new_place_district", _("Choose the district of the new place."))
        if any(f"new_place_{part}" in self.errors for part in ("name", "district")):
            return
        place = Place(
            name=name,
            street=cleaned.get("new_place_street", "").strip(),
            postcode=cleaned.get("new_place_postcode", "").strip(),
            district=cleaned["new_place_district"],
            step_free=cleaned.get("new_place_step_free", False),
            accessible_toilet=cleaned.get("new_place_accessible_toilet", False),
            hearing_loop=cleaned.get("new_place_hearing_loop", False),
        )
        try:
            place.full_clean(exclude=["slug"])
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.add_error(
                    f"new_place_{field}" if f"new_place_{field}" in self.fields else None,
                    messages,
                )
            return
        self.new_place = place

    def _update_errors(self, errors):
        """Put the model's errors on start, end and rule onto the fields that set them."""
        if hasattr(errors, "error_dict"):
            remapped = {}
            # The form checks the order of start and end itself; the model's remaining
            # objection to the end is the length of the event.
            targets = {"start": "start_date", "end": "end_date", "recurrence_rule": "repeat"}
            for field, messages in errors.error_dict.items():
                target = targets.get(field, field)
                if target != NON_FIELD_ERRORS and target not in self.fields:
                    target = NON_FIELD_ERRORS
                remapped.setdefault(target, []).extend(messages)
            errors = ValidationError(remapped)
        super()._update_errors(errors)

    # --- Saving (inside the view's transaction) -------------------------------------

    def save_new_place(self):
        """Save the new place, if one was entered, and set it on the event."""
        if self.new_place is None:
            return None
        place = self.new_place
        base = slugify(place.name)[:180] or "ort"
        place.slug, number = base, 1
        while Place.objects.filter(slug=place.slug).exists():
            number += 1
            place.slug = f"{base}-{number}"
        place.save()
        self.instance.place = place
        return place

    # --- Showing ---------------------------------------------------------------------


class AnonymousEventForm(EventForm):
    """The event form for people without an account: who they are instead of organisers."""

    submitter_name = forms.CharField(
        label=_("Your name"),
        max_length=Event._meta.get_field("submitter_name").max_length,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    submitter_email = forms.EmailField(
        label=_("Your email address"),
        help_text=_(
            "We send you a link to confirm the event. The editors see the address; "
            "it is not published."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    wants_decision = forms.BooleanField(label=_("Email me the editors' decision"), required=False)
    # A trap for bots that fill every field; people do not see it (see site.css).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta(EventForm.Meta):
        fields = [
            name
            for name in EventForm.Meta.fields
            if name not in ("organizers", "visibility", "conflict_justification")
        ]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("submitting", True)
        super().__init__(*args, **kwargs)


def form_key_field():
    """The key of a new event's form: the same form sent twice saves one event."""
    return forms.UUIDField(widget=forms.HiddenInput)


class CreateEventForm(EventForm):
    form_key = form_key_field()


class CreateAnonymousEventForm(AnonymousEventForm):
    form_key = form_key_field()


class EditEventForm(EventForm):
    # The event's SEQUENCE when the form was opened: a change in between is noticed.
    sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("sequence", self.instance.sequence)


def initial_from_data(form_class, data):
    """A form's submitted values as initial data: to show them again without checking."""
    initial = {}
    for name, field in form_class.base_fields.items():
        if isinstance(field, forms.FileField) or name not in data:
            continue
        multiple = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        initial[name] = data.getlist(name) if multiple else data.get(name)
    return initial


COPIED_FIELDS = [
    name for name in EventForm.Meta.fields if name not in ("image", "image_alt", "organizers")
]


def copy_initial(event):
    """The new-event form's initial data for a copy of event: everything but the image."""
    initial = model_to_dict(event, fields=COPIED_FIELDS)
    initial["categories"] = [category.pk for category in event.categories.all()]
    initial["organizers"] = [organization.pk for organization in event.organizers.all()]
    initial["title"] = gettext("Copy: %(title)s") % {"title": event.title}
    initial["title"] = initial["title"][: Event._meta.get_field("title").max_length]
    initial.update(date_initial(event.start, event.end, event.all_day))
    initial["form_key"] = uuid.uuid4()
    return initial


class CancelForm(ErrorSummaryMixin, forms.Form):
    message = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Why the event does not take place. It is kept in the event's history for your "
            "organisation and the editors; visitors see that the event is cancelled."
        ),
    )


class PostponeForm(ErrorSummaryMixin, DateRangeMixin, forms.Form):
    start_date = date_field(_("New start date"))
    start_time = time_field(_("New start time"))
    end_date = date_field(
        _("New end date"),
        required=False,
        help_text=_("Leave empty if the event ends on the day it starts."),
    )
    end_time = time_field(_("New end time"))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        if event.all_day:
            del self.fields["start_time"], self.fields["end_time"]
        for name, value in date_initial(event.start, event.end, event.all_day).items():
            if name in self.fields:
                self.initial.setdefault(name, value)

    def clean(self):
        cleaned = super().clean()
        dates = self.clean_date_range(self.event.all_day)
        if dates is not None:
            cleaned["start"], cleaned["end"] = dates
            if dates[1] - dates[0] > dt.timedelta(days=settings.EVENTS_MAX_DURATION_DAYS):
                self.add_error(
                    "end_date",
                    _("An event can last at most %(days)s days.")
                    % {"days": settings.EVENTS_MAX_DURATION_DAYS},
                )
        return cleaned


def field_label(name):
    """The label of an Event field for lists of changes (the name itself if it is none)."""
    try:
        return capfirst(Event._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


# --- The editors' decisions and the public report ---------------------------------


def _text_field(label, required_message=None):
    return forms.CharField(
        label=label,
        required=required_message is not None,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": required_message} if required_message else None,
    )


class ApproveForm(forms.Form):
    pass


class RejectForm(forms.Form):
    reason = _text_field(
        _("Reason for the organiser"),
        _("Give the organiser a reason for the rejection."),
    )


class RequestChangesForm(forms.Form):
    message = _text_field(
        _("What should the organiser change?"),
        _("Tell the organiser what to change."),
    )


class UnpublishForm(forms.Form):
    reason = _text_field(_("Reason for the organiser"), _("Give the organiser a reason."))


class ResolveReportForm(forms.Form):
    resolution = _text_field(_("What was done (optional)"))


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this event?"),
        choices=Report.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a reason.")},
    )
    message = forms.CharField(
        label=_("Your message (optional)"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What should the editors know? At most 5,000 characters."),
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        help_text=_("Only if the editors may ask you about your report."),
    )
    # A trap for bots that fill every field; people do not see it (see site.css).
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Signed-in people can be asked through their account.
        if user is not None and user.is_authenticated:
            del self.fields["email"]
