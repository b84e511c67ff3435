"""Conflicts while the dates are typed: the hold and event forms ask this view (htmx) for
the list of what competes with the dates entered so far, and for better dates."""

import datetime as dt
from dataclasses import replace

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from quartiersnetz.coordination import domain, engine
from quartiersnetz.coordination.models import HOLD_MAX_DAYS, DateHold
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today, local_zone
from quartiersnetz.events.models import Audience, Event
from quartiersnetz.places.models import Place

# The window suggestions search by default: six weeks either side of the date.
SUGGESTION_WEEKS = 6
SUGGESTION_COUNT = 5
SATURDAY = 5
WINDOW_FIELDS = ("window_from", "window_to", "weekends_only", "avoid_school_holidays")


class DatesQuery(forms.Form):
    """The fields of the hold form or of the event form that the engine needs; every
    one is optional, so a half-filled form gives no error, just no answer yet."""

    first_day = forms.DateField(required=False)
    last_day = forms.DateField(required=False)
    start_date = forms.DateField(required=False)
    start_time = forms.TimeField(required=False)
    end_date = forms.DateField(required=False)
    end_time = forms.TimeField(required=False)
    all_day = forms.BooleanField(required=False)
    district = forms.ModelChoiceField(District.objects.all(), required=False)
    new_place_district = forms.ModelChoiceField(District.objects.all(), required=False)
    place = forms.ModelChoiceField(Place.objects.all(), required=False)
    audience = forms.ChoiceField(choices=Audience.choices, required=False)
    expected_attendance = forms.IntegerField(min_value=0, required=False)
    hold = forms.IntegerField(required=False)
    event = forms.IntegerField(required=False)
    # The window of the suggestions, chosen by the organiser.
    window_from = forms.DateField(label=_("Search from"), required=False)
    window_to = forms.DateField(label=_("Search until"), required=False)
    weekends_only = forms.BooleanField(label=_("Weekends only"), required=False)
    avoid_school_holidays = forms.BooleanField(
        label=_("Not in the school holidays"), required=False
    )

    def candidate(self):
        """The engine's candidate, or None while the dates are incomplete or impossible."""
        data = self.cleaned_data
        zone = local_zone()
        if data.get("first_day"):
            first = data["first_day"]
            last = data.get("last_day") or first
            if last < first or (last - first).days >= HOLD_MAX_DAYS:
                return None
            # All-day: candidate_for takes any time on the last day as that day.
            start = dt.datetime.combine(first, dt.time(), tzinfo=zone)
            end = dt.datetime.combine(last, dt.time(12), tzinfo=zone)
            all_day = True
        elif data.get("start_date"):
            first = data["start_date"]
            last = data.get("end_date") or first
            all_day = data.get("all_day") or not (data.get("start_time") and data.get("end_time"))
            start = dt.datetime.combine(first, data.get("start_time") or dt.time(), tzinfo=zone)
            end = dt.datetime.combine(
                last, data.get("end_time") if not all_day else dt.time(12), tzinfo=zone
            )
            if not all_day and end <= start:
                return None
            # As long as an event may last, no longer: a century would load a century.
            if not 0 <= (last - first).days <= settings.EVENTS_MAX_DURATION_DAYS:
                return None
        else:
            return None
        candidate = domain.candidate_for(
            start,
            end,
            all_day=all_day,
            district=data.get("district") or data.get("new_place_district"),
            place=data.get("place"),
            audience=data.get("audience") or Audience.EVERYONE,
            attendance=data.get("expected_attendance"),
        )
        own = set()
        if data.get("hold"):
            own.add(f"{engine.BookingKind.HOLD}:{data['hold']}")
            linked = DateHold.objects.filter(pk=data["hold"]).values_list("event_id", flat=True)
            own |= {f"{engine.BookingKind.EVENT}:{pk}" for pk in linked if pk}
        if data.get("event") and Event.objects.filter(pk=data["event"]).exists():
            own.add(f"{engine.BookingKind.EVENT}:{data['event']}")
        if own:
            candidate = replace(candidate, ignore_keys=frozenset(own))
        return candidate


def _query(request):
    if not request.user.has_perm("coordination.create_hold"):
        raise PermissionDenied
    query = DatesQuery(request.GET)
    # Half-typed fields are the other form's business: what is valid is used.
    query.is_valid()
    return query


@login_required
@require_GET
def conflicts(request):
    """The conflicts of the dates in the form, as a fragment for the form's live region."""
    query = _query(request)
    candidate = query.candidate()
    context = {"checked": candidate is not None}
    if candidate is not None:
        found = domain.check(candidate)
        context.update(
            conflicts=found,
            serious=engine.is_serious(found, domain.rules()),
            suggest_url=_suggest_url(request, candidate)
            if query.cleaned_data.get("first_day")
            else "",
        )
    return render(request, "coordination/includes/conflicts.html", context)


@login_required
@require_GET
def suggestions(request):
    """Better dates for a hold within the window the organiser chooses."""
    query = _query(request)
    candidate = query.candidate()
    context = {
        "query": query,
        "candidate": candidate,
        "suggestions": [],
        # The hold form's entries travel along when the window is changed.
        "carried": [
            (name, value)
            for name, values in request.GET.lists()
            if name not in WINDOW_FIELDS
            for value in values
        ],
    }
    if candidate is not None:
        first = candidate.first_day
        window_from = query.cleaned_data.get("window_from") or max(
            first - dt.timedelta(weeks=SUGGESTION_WEEKS), local_today()
        )
        window_to = query.cleaned_data.get("window_to") or first + dt.timedelta(
            weeks=SUGGESTION_WEEKS
        )
        found = domain.suggest_dates(
            candidate,
            window_from,
            window_to,
            count=SUGGESTION_COUNT,
            weekends_only=query.cleaned_data.get("weekends_only", False),
            avoid_school_holidays=query.cleaned_data.get("avoid_school_holidays", False),
        )
        context.update(
            window_from=window_from,
            window_to=window_to,
            current=domain.check(candidate),
            suggestions=[(suggestion, _take_url(request, suggestion)) for suggestion in found],
        )
    return render(request, "coordination/suggestions.html", context)


def _suggest_url(request, candidate):
    """Better dates for the typed ones; a weekend is compared with weekends first."""
    params = request.GET.copy()
    if candidate.first_day.weekday() == SATURDAY:
        params["weekends_only"] = "on"
    return f"{reverse('coordination:suggestions')}?{params.urlencode()}"


def _take_url(request, suggestion):
    """The hold form again, with the suggested days instead of the typed ones."""
    params = request.GET.copy()
    params["first_day"] = suggestion.first_day.isoformat()
    params["last_day"] = suggestion.last_day.isoformat()
    for name in WINDOW_FIELDS:
        params.pop(name, None)
    hold = params.pop("hold", [None])[0]
    if hold:
        return f"{reverse('coordination:hold-edit', kwargs={'pk': hold})}?{params.urlencode()}"
    return f"{reverse('coordination:hold-create')}?{params.urlencode()}"
