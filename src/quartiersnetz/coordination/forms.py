"""Forms of date coordination: the hold form, the administrators' settings, and the
event form's initial data when a hold becomes an event."""

import datetime as dt
import uuid

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quartiersnetz.accounts.rules import is_editor
from quartiersnetz.coordination.holds import LOGGED_FIELDS
from quartiersnetz.coordination.models import HOLD_MAX_DAYS, CoordinationSettings, DateHold
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events.forms import ErrorSummaryMixin, PlaceChoiceField, date_field
from quartiersnetz.organizations.models import Membership, Organization
from quartiersnetz.places.models import Place

# Typing 2062 for 2026 should not hold a date for decades.
MAX_YEARS_AHEAD = 5
MAX_ATTENDANCE = 1_000_000


class HoldForm(ErrorSummaryMixin, forms.ModelForm):
    """Everything an organiser sets on a hold. The view saves it through coordination.holds.

    user: who fills in the form; organisers choose among their own organisations,
    editors among all.
    """

    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        empty_label=_("(choose an organisation)"),
        help_text=_("The organisation that plans the event."),
        error_messages={
            "required": _("Choose the organisation that plans the event."),
            "invalid_choice": _(
                "This organisation no longer exists or you do not act for it. Choose again."
            ),
        },
    )
    first_day = date_field(_("First day"))
    last_day = date_field(_("Last day"), required=False)
    district = forms.ModelChoiceField(
        label=_("District"),
        queryset=District.objects.all(),
        empty_label=_("(choose a district)"),
        help_text=_("Where the event takes place; other organisers look for clashes there."),
        error_messages={
            "required": _("Choose the district where the event takes place."),
            "invalid_choice": _("This district does not exist. Choose another."),
        },
    )
    place = PlaceChoiceField(
        label=_("Place"),
        queryset=Place.objects.select_related("district"),
        required=False,
        empty_label=_("(not decided yet)"),
        help_text=_("If you already know it. Two events at the same place clash for sure."),
        error_messages={
            "invalid_choice": _("This place no longer exists. Choose another one or none.")
        },
    )
    expected_attendance = forms.IntegerField(
        label=capfirst(DateHold._meta.get_field("expected_attendance").verbose_name),
        min_value=1,
        max_value=MAX_ATTENDANCE,
        required=False,
        help_text=_(
            "About how many visitors you expect. Large events are compared with the whole "
            "town, not only the district."
        ),
    )
    expires_on = date_field(
        _("Hold until"),
        required=False,
        help_text=_(
            "Until this day the date counts as taken by you. Leave empty to hold it up to "
            "the first day. If your planning takes longer, extend it later."
        ),
    )

    error_order = (*LOGGED_FIELDS, "justification")

    class Meta:
        model = DateHold
        fields = [
            "organization",
            "title",
            "first_day",
            "last_day",
            "district",
            "place",
            "categories",
            "audience",
            "expected_attendance",
            "note",
            "visibility",
            "expires_on",
            "justification",
        ]
        labels = {
            "title": _("Title of the planned event"),
            "note": _("Note for other organisers"),
            "justification": _("Why you keep these days despite a serious conflict"),
        }
        help_texts = {
            "title": _("A working title is enough, e.g. “Summer festival 2027”."),
            "note": _(
                "What is planned and whom to ask. Other organisers see it; the public "
                "“save the date” page does not show it."
            ),
            "visibility": _(
                "Organisers of the network always see your hold. Public: the calendar "
                "also shows it as “save the date”, with title, organisation, days and district."
            ),
            "categories": _("Helps to find events for the same visitors."),
            "justification": _(
                "Only needed when the days clash seriously with other plans. The other "
                "organiser and the editors read it."
            ),
        }
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4}),
            "justification": forms.Textarea(attrs={"rows": 3}),
            "categories": forms.CheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.today = local_today()
        self.fields["last_day"].help_text = gettext(
            "Leave empty for a single day. A hold covers at most %(days)s days."
        ) % {"days": HOLD_MAX_DAYS}
        self._limit_organizations()
        if not self.instance.pk:
            self.initial.setdefault("visibility", DateHold.Visibility.ORGANISERS)

    def _limit_organizations(self):
        field = self.fields["organization"]
        if self.user is not None and is_editor(self.user):
            field.queryset = Organization.objects.all()
            return
        own = list(
            Membership.objects.filter(user=self.user, state=Membership.State.ACTIVE).values_list(
                "organization_id", flat=True
            )
            if self.user is not None and self.user.is_authenticated
            else []
        )
        field.queryset = Organization.objects.filter(
            Q(pk__in=own) | Q(pk=self.instance.organization_id)
        )
        if not self.is_bound and not self.instance.pk and len(own) == 1:
            self.initial.setdefault("organization", own[0])
            district = Organization.objects.filter(pk=own[0]).values_list("district", flat=True)
            self.initial.setdefault("district", district[0] if district else None)

    # --- Checking --------------------------------------------------------------------

    def _changed(self, name, value):
        """Whether value differs from the stored hold (always true for a new one)."""
        return self.instance.pk is None or getattr(self.instance, name) != value

    def clean(self):
        cleaned = super().clean()
        first_day = cleaned.get("first_day")
        if first_day is None:
            return cleaned
        last_day = cleaned.get("last_day") or first_day
        if "last_day" not in self.errors:
            cleaned["last_day"] = last_day
        days_wrong = self._clean_days(first_day, last_day)
        self._clean_expiry(first_day, days_wrong)
        place, district = cleaned.get("place"), cleaned.get("district")
        if place is not None and district is not None and place.district_id != district.pk:
            self.add_error(
                "place",
                _("%(place)s lies in %(district)s. Choose that district or another place.")
                % {"place": place.name, "district": place.district.name},
            )
        return cleaned

    def _clean_days(self, first_day, last_day):
        """Check what the model does not know (today); True if the days are wrong."""
        if last_day < first_day:
            # The model says so; "hold until" is not checked against wrong days.
            return True
        if not (self._changed("first_day", first_day) or self._changed("last_day", last_day)):
            return False
        if last_day < self.today:
            self.add_error(
                "last_day" if self.data.get(self.add_prefix("last_day")) else "first_day",
                _("These days are in the past: a hold reserves days to come."),
            )
            return True
        latest = dt.date(self.today.year + MAX_YEARS_AHEAD, 12, 31)
        if first_day > latest:
            self.add_error(
                "first_day",
                _("A hold reaches at most %(years)s years ahead, up to %(day)s.")
                % {"years": MAX_YEARS_AHEAD, "day": date_format(latest)},
            )
            return True
        return False

    def _clean_expiry(self, first_day, days_wrong):
        cleaned = self.cleaned_data
        if "expires_on" in self.errors:
            return
        expires_on = cleaned.get("expires_on")
        if expires_on is None:
            if days_wrong:
                # Left empty: the default follows the days once they are right.
                return
            # Up to the first day (or today, for days that have begun).
            expires_on = cleaned["expires_on"] = max(first_day, self.today)
        if self._changed("expires_on", expires_on) and expires_on < self.today:
            self.add_error("expires_on", _("This day is in the past. Choose today or a later day."))


class SettingsForm(ErrorSummaryMixin, forms.ModelForm):
    """The conflict engine's weights and thresholds, with sane bounds."""

    class Meta:
        model = CoordinationSettings
        fields = [
            "large_event_attendance",
            "neighbour_distance_km",
            "weight_same_district",
            "weight_neighbour_district",
            "weight_large_same_weekend",
            "weight_same_audience",
            "weight_public_holiday",
            "weight_school_holidays",
            "weight_bridge_day",
            "high_severity_from",
        ]
        help_texts = {
            "neighbour_distance_km": _(
                "Districts whose centres lie this close count as neighbours: an event there "
                "on the same day competes for visitors. Between 0 and 50 km."
            ),
            "weight_same_district": _("Another event or hold in the same district on the day."),
            "weight_neighbour_district": _(
                "Another event or hold in a neighbouring district on the day."
            ),
            "weight_large_same_weekend": _(
                "A large event anywhere in town on the same weekend (from the size above)."
            ),
            "weight_same_audience": _("Another event for the same audience on the day."),
            "weight_public_holiday": _("The day is a public holiday in the state."),
            "weight_school_holidays": _("The day is in the school holidays of the state."),
            "weight_bridge_day": _(
                "A working day between a holiday and a weekend, when many are away."
            ),
        }

    # Weights are compared with each other and with the threshold: 0 switches one
    # reason off, 100 makes it as serious as anything can be.
    WEIGHT_RANGE = (0, 100)
    BOUNDS = {
        "large_event_attendance": (1, MAX_ATTENDANCE),
        "high_severity_from": (1, 100),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            low, high = self.BOUNDS.get(name, self.WEIGHT_RANGE)
            if name == "neighbour_distance_km":
                field.widget.attrs.update(step="0.1", min="0", max="50")
                continue
            field.min_value, field.max_value = low, high
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update(min=str(low), max=str(high))
            if name.startswith("weight_"):
                field.help_text = _("%(explanation)s From %(low)s (ignored) to %(high)s.") % {
                    "explanation": field.help_text,
                    "low": low,
                    "high": high,
                }


def event_form_initial(hold):
    """The new-event form filled in from a hold: what was planned, as all-day dates
    (the organiser adds the times), with a new form key."""
    return {
        "form_key": uuid.uuid4(),
        "title": hold.title,
        "all_day": True,
        "start_date": hold.first_day,
        "end_date": hold.last_day if hold.last_day != hold.first_day else None,
        "place": hold.place_id,
        "categories": [category.pk for category in hold.categories.all()],
        "audience": hold.audience,
        "expected_attendance": hold.expected_attendance,
        "organizers": [hold.organization_id],
    }
