"""Date holds: organisers create, change and release them or turn them into an event.

Each change is one function that locks the row, checks the state, saves inside a
transaction and writes the activity log. The queries at the end are what other parts
(the conflict engine, the year board, the public "save the date" page) read.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.coordination.models import CoordinationSettings, DateHold
from quartiersnetz.core import activity
from quartiersnetz.core.activity import changed_values, log_activity
from quartiersnetz.organizations.models import Organization

# A second identical hold of the same person within this time is the same form sent
# twice (a double click, a reload after sending), not a new plan.
DUPLICATE_WINDOW = dt.timedelta(minutes=10)


class Action:
    """The names of activity log entries about holds."""

    CREATED = "created"
    EDITED = "edited"
    RELEASED = "released"
    CONVERTED = "converted"


class State:
    """Where a hold stands on a given day."""

    ACTIVE = "active"
    EXPIRED = "expired"
    CONVERTED = "converted"


# What an edit is compared on, in the order the hold's page lists it.
LOGGED_FIELDS = (
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
)
SETTINGS_FIELDS = (
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
)


def snapshot(hold):
    """The logged fields of the hold as text: {field name: value}."""
    return activity.snapshot(hold, LOGGED_FIELDS)


def state_of(hold, today):
    if hold.event_id is not None:
        return State.CONVERTED
    return State.ACTIVE if hold.expires_on >= today else State.EXPIRED


def _locked(hold):
    """The hold as stored now, locked until the transaction ends."""
    current = DateHold.objects.select_for_update().filter(pk=hold.pk).first()
    if current is None:
        raise ValidationError(_("This date hold no longer exists."), code="gone")
    return current


def _require_not_converted(current):
    if current.event_id is not None:
        raise ValidationError(
            _("This date hold has already become an event: change the event instead."),
            code="converted",
        )


def _recent_duplicate(hold, actor):
    """The same hold saved by the same person a moment ago, or None."""
    return (
        DateHold.objects.filter(
            organization_id=hold.organization_id,
            created_by=actor,
            title=hold.title,
            first_day=hold.first_day,
            last_day=hold.last_day,
            created_at__gte=timezone.now() - DUPLICATE_WINDOW,
        )
        .order_by("pk")
        .first()
    )


@transaction.atomic
def create_hold(hold, *, actor, save_related=None, check_duplicate=True):
    """Save a new hold of its organisation; returns (hold, created).

    A form sent twice saves one hold (check_duplicate): the organisation's row is
    locked so that two requests at the same moment check for each other in turn.
    """
    actor = actor if actor is not None and actor.is_authenticated else None
    Organization.objects.select_for_update().filter(pk=hold.organization_id).first()
    if check_duplicate and actor is not None:
        existing = _recent_duplicate(hold, actor)
        if existing is not None:
            return existing, False
    hold.created_by = actor
    hold.full_clean()
    hold.save()
    if save_related:
        save_related()
    log_activity(hold, actor, Action.CREATED, changes=changed_values({}, snapshot(hold)))
    return hold, True


@transaction.atomic
def update_hold(hold, *, actor, save_related=None):
    """Save an edited hold; returns the changes {field: [before, after]}.

    hold carries the new values (a form's instance); the stored row is locked and
    compared. A hold that became an event is not changed any more.
    """
    current = _locked(hold)
    _require_not_converted(current)
    before = snapshot(current)
    hold.full_clean()
    hold.save()
    if save_related:
        save_related()
    changes = changed_values(before, snapshot(hold))
    if changes:
        log_activity(hold, actor, Action.EDITED, changes=changes)
    return changes


@transaction.atomic
def release_hold(hold, *, actor):
    """Give the date free: delete the hold. The log entry comes first and keeps its title."""
    current = _locked(hold)
    _require_not_converted(current)
    # What was held stays readable in the log after the row is gone.
    released = {name: [value, ""] for name, value in snapshot(current).items() if value}
    log_activity(current, actor, Action.RELEASED, changes=released)
    current.delete()


@transaction.atomic
def convert_hold_to_event(hold, event, *, actor):
    """Link the hold to the event made from it: it stops holding the date and tells
    everyone who reads it what became of the plan."""
    current = _locked(hold)
    _require_not_converted(current)
    if DateHold.objects.filter(event=event).exclude(pk=current.pk).exists():
        raise ValidationError(
            _("This event has already been made from another date hold."), code="event_taken"
        )
    current.event = event
    current.save(update_fields=["event", "updated_at"])
    log_activity(
        current,
        actor,
        Action.CONVERTED,
        message=event.title,
        changes={"event": ["", event.title]},
    )
    hold.event = event
    return current


@transaction.atomic
def update_settings(settings_row, *, actor):
    """Save the conflict engine's weights and thresholds (an administrator's form);
    returns the changes {field: [before, after]}."""
    stored = CoordinationSettings.objects.select_for_update().get(pk=settings_row.pk)
    settings_row.full_clean()
    settings_row.save()
    # Compared as values: 3 km typed is the stored 3.0 km.
    changes = {
        name: [str(getattr(stored, name)), str(getattr(settings_row, name))]
        for name in SETTINGS_FIELDS
        if getattr(stored, name) != getattr(settings_row, name)
    }
    if changes:
        log_activity(settings_row, actor, Action.EDITED, changes=changes)
    return changes


# --- Reading --------------------------------------------------------------------------


def active_holds(today):
    """Holds that still claim their dates on day today: not expired, not an event.

    The engine's and the year board's base query; filter by days on top of it, e.g.
    active_holds(today).filter(first_day__lte=last, last_day__gte=first).
    """
    return DateHold.objects.filter(event__isnull=True, expires_on__gte=today)


def public_holds(today):
    """The active holds shown to everyone as "save the date", from today on."""
    return active_holds(today).filter(visibility=DateHold.Visibility.PUBLIC, last_day__gte=today)


def holds_of(organization_ids):
    """Every hold of these organisations, with what their lists show."""
    return DateHold.objects.filter(organization_id__in=organization_ids).select_related(
        "organization", "district", "event"
    )
