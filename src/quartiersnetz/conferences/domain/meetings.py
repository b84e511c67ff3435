"""The life of a meeting: planned → invited → held → minutes approved, or cancelled;
its entry in the public calendar and the clashes of its date with other plans."""

import datetime as dt
from dataclasses import replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from quartiersnetz.conferences.domain import agenda, invitations, registrations
from quartiersnetz.conferences.models import Conference, Meeting
from quartiersnetz.coordination import domain as coordination
from quartiersnetz.coordination.engine import BookingKind
from quartiersnetz.core.activity import changed_values, log_activity, snapshot
from quartiersnetz.core.mail import absolute_url
from quartiersnetz.core.timeutil import local_today, localize
from quartiersnetz.events.domain import save_event
from quartiersnetz.events.models import Category, Event, Status, Visibility

MAX_DURATION = dt.timedelta(hours=12)
# A second identical "create" within this time is the same form sent twice.
DOUBLE_SUBMIT_WINDOW = dt.timedelta(minutes=2)

# What the form sets; the activity log compares these.
MEETING_FIELDS = (
    "title",
    "start",
    "end",
    "place",
    "room",
    "online_url",
    "is_public",
    "capacity",
    "note",
)
# Changes of these reach the invited people as an update of their invitation.
INVITATION_FIELDS = frozenset({"title", "start", "end", "place", "room", "online_url"})
# A public meeting in these states is in the public calendar.
LISTED_STATES = (
    Meeting.State.INVITED,
    Meeting.State.HELD,
    Meeting.State.MINUTES_APPROVED,
    Meeting.State.CANCELLED,
)


class Action:
    """The names of activity log entries about meetings."""

    CREATED = "created"
    EDITED = "edited"
    INVITED = "invited"
    INVITED_AGAIN = "invited again"
    UPDATE_SENT = "update sent"
    CANCELLED = "cancelled"
    HELD = "held"


def _locked(meeting):
    """The meeting as stored now, locked until the transaction ends."""
    current = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("conference", "place", "event")
        .filter(pk=meeting.pk)
        .first()
    )
    if current is None:
        raise ValidationError(_("This meeting no longer exists."), code="gone")
    return current


def validate(meeting, *, creating, now=None):
    """Refuse impossible dates and a meeting without a place (as {field: message})."""
    now = now or timezone.now()
    errors = {}
    if meeting.start is None or meeting.end is None:
        errors["start"] = _("Enter the date and the times of the meeting.")
    elif meeting.end <= meeting.start:
        errors["end"] = _("The meeting must end after it starts.")
    elif meeting.end - meeting.start > MAX_DURATION:
        errors["end"] = _("A meeting can last at most %(hours)s hours.") % {
            "hours": int(MAX_DURATION.total_seconds() // 3600)
        }
    if creating and meeting.start is not None and meeting.start < now:
        errors["start"] = _("The meeting cannot start in the past.")
    if not (meeting.place_id or meeting.room.strip() or meeting.online_url):
        errors["place"] = _("Choose a place, enter a room or an online link.")
    if meeting.capacity is not None and meeting.capacity < 1:
        errors["capacity"] = _("Enter at least one seat, or leave the field empty.")
    if errors:
        raise ValidationError(errors)


def _apply(meeting, data):
    for field in MEETING_FIELDS:
        if field in data:
            value = data[field]
            if field in ("title", "room", "note") and value is not None:
                value = value.strip()
            if field in ("title", "room", "note", "online_url") and value is None:
                value = ""
            setattr(meeting, field, value)


@transaction.atomic
def create_meeting(conference, data, user):
    """Plan a meeting of the conference (data: MEETING_FIELDS). The same form sent twice
    in a row gives the first meeting back instead of a second one."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    meeting = Meeting(conference=conference)
    _apply(meeting, data)
    validate(meeting, creating=True)
    actor = user if user is not None and user.is_authenticated else None
    if actor is not None:
        twin = Meeting.objects.filter(
            conference=conference,
            start=meeting.start,
            end=meeting.end,
            created_by=actor,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        ).first()
        if twin is not None:
            return twin
    meeting.created_by = actor
    meeting.state = Meeting.State.PLANNED
    meeting.save()
    log_activity(
        meeting,
        user,
        Action.CREATED,
        changes=changed_values({}, snapshot(meeting, MEETING_FIELDS)),
    )
    return meeting


@transaction.atomic
def update_meeting(meeting, data, user):
    """Save changes to a meeting; returns {field: [before, after]}.

    When people have been invited and the date, time or place changes, the invitation's
    SEQUENCE is raised and everyone invited receives the update.
    """
    current = _locked(meeting)
    if current.state == Meeting.State.CANCELLED:
        raise ValidationError(
            _("The meeting has been cancelled and can no longer be changed."), code="cancelled"
        )
    before = snapshot(current, MEETING_FIELDS)
    old_start = current.start
    _apply(current, data)
    validate(current, creating=False)
    if (
        current.start != old_start
        and current.state in (Meeting.State.PLANNED, Meeting.State.INVITED)
        and current.start < timezone.now()
    ):
        raise ValidationError({"start": _("The meeting cannot be moved into the past.")})
    changes = changed_values(before, snapshot(current, MEETING_FIELDS))
    if not changes:
        return changes
    send_update = current.state == Meeting.State.INVITED and bool(
        INVITATION_FIELDS & changes.keys()
    )
    if send_update:
        current.sequence += 1
    current.save()
    log_activity(current, user, Action.EDITED, changes=changes)
    sync_calendar_event(current)
    if "capacity" in changes:
        # More seats (or no limit): those on the waiting list get them.
        registrations.fill_free_seats(current)
    if send_update:
        count = invitations.send_update(current)
        log_activity(
            current,
            user,
            Action.UPDATE_SENT,
            message=_("%(count)s recipients") % {"count": count},
        )
    _copy_back(current, meeting)
    return changes


def _copy_back(current, meeting):
    """The caller's object reflects what was saved."""
    if current is meeting:
        return
    for field in (*MEETING_FIELDS, "state", "sequence", "invited_at", "cancel_reason"):
        setattr(meeting, field, getattr(current, field))
    meeting.event_id = current.event_id


@transaction.atomic
def cancel_meeting(meeting, reason, user):
    """The meeting does not take place: everyone invited and every citizen signed up
    (or waiting) receives the cancellation; its calendar entry shows it cancelled."""
    current = _locked(meeting)
    if current.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        raise ValidationError(
            _("Only a planned meeting can be cancelled; this one is %(state)s.")
            % {"state": current.get_state_display()},
            code="wrong_state",
        )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Tell the people invited why the meeting is cancelled.")},
            code="reason_required",
        )
    current.state = Meeting.State.CANCELLED
    current.cancel_reason = reason[:2000]
    current.sequence += 1
    current.save(update_fields=["state", "cancel_reason", "sequence", "updated_at"])
    log_activity(current, user, Action.CANCELLED, message=current.cancel_reason)
    sync_calendar_event(current)
    if current.invited_at is not None:
        invitations.send_cancellation(current)
    _copy_back(current, meeting)
    return current


@transaction.atomic
def mark_held(meeting, user):
    """The meeting took place (attendance is taken, the minutes follow)."""
    current = _locked(meeting)
    if current.state not in (Meeting.State.PLANNED, Meeting.State.INVITED):
        raise ValidationError(
            _("Only a planned meeting can be marked as held; this one is %(state)s.")
            % {"state": current.get_state_display()},
            code="wrong_state",
        )
    if localize(current.start).date() > local_today():
        raise ValidationError(
            _("The meeting has not taken place yet."),
            code="in_future",
        )
    current.state = Meeting.State.HELD
    current.save(update_fields=["state", "updated_at"])
    log_activity(current, user, Action.HELD)
    sync_calendar_event(current)
    _copy_back(current, meeting)
    return current


# --- The public calendar ---------------------------------------------------------------


def calendar_category():
    """The category of public meetings (a migration creates it; tests may flush it)."""
    category, _created = Category.objects.get_or_create(
        slug=settings.CONFERENCES_CALENDAR_CATEGORY, defaults={"name": "Stadtteilkonferenz"}
    )
    return category


def _event_description(meeting):
    """The note, the public agenda, the room and where to sign up, as Markdown."""
    parts = []
    if meeting.note:
        parts.append(meeting.note)
    entries = agenda.numbered_items(meeting, public_only=True)
    if entries:
        heading = _("Agenda")
        lines = [f"**{heading}**", ""]
        for entry in entries:
            indent = "    " if entry.is_sub else ""
            lines.append(f"{indent}- {entry.label}: {entry.title}")
        parts.append("\n".join(lines))
    if meeting.room:
        parts.append(_("Room: %(room)s") % {"room": meeting.room})
    parts.append(
        _("Details and sign-up: %(url)s")
        % {"url": absolute_url(meeting.get_absolute_url()) + "#anmelden"}
    )
    return "\n\n".join(parts)[:20_000]


def _event_values(meeting):
    conference = meeting.conference
    return {
        "title": str(meeting.display_title)[:200],
        "teaser": (_("Public meeting of the %(conference)s") % {"conference": conference.name})[
            :300
        ],
        "description": _event_description(meeting),
        "start": meeting.start,
        "end": meeting.end,
        "all_day": False,
        "recurrence_rule": "",
        "recurrence_exceptions": "",
        "place_id": meeting.place_id,
        "online_url": meeting.online_url,
        "contact_name": conference.name[:200],
        "contact_email": conference.contact_email,
        "is_free": True,
        "price": "",
        "registration_url": absolute_url(meeting.get_absolute_url()) + "#anmelden",
        "status": Status.CANCELLED if meeting.is_cancelled else Status.PUBLISHED,
        "visibility": Visibility.PUBLIC,
    }


def sync_calendar_event(meeting):
    """Bring the meeting's calendar entry in line with it.

    A public meeting people are invited to (or that was held) is a published event in
    the conferences' category, so the calendar, its feeds and the date coordination see
    it; a cancelled one stays there as cancelled. A members-only meeting has no entry:
    an entry it had is deleted. Written in the site's default language.
    """
    event = Event.objects.filter(pk=meeting.event_id).first() if meeting.event_id else None
    listed = meeting.is_public and meeting.state in LISTED_STATES
    if meeting.is_cancelled and event is None:
        listed = False
    if not listed:
        if event is not None:
            event.delete()
            Meeting.objects.filter(pk=meeting.pk).update(event=None)
        meeting.event = None
        return None
    with translation.override(settings.LANGUAGE_CODE):
        values = _event_values(meeting)
    category = calendar_category()
    unchanged = event is not None and all(
        getattr(event, field) == value for field, value in values.items()
    )
    if unchanged and event.categories.filter(pk=category.pk).exists():
        return event
    event = event or Event()
    for field, value in values.items():
        setattr(event, field, value)
    created = event.pk is None
    save_event(event, save_related=lambda: event.categories.add(category))
    if created:
        Meeting.objects.filter(pk=meeting.pk).update(event=event)
    meeting.event = event
    return event


# --- Clashes ---------------------------------------------------------------------------


def conflicts(meeting):
    """What else is planned around the meeting's date near its place (a warning, never a
    refusal): the date coordination's check for its date, place and the conference's
    first district; its own calendar entry does not count."""
    if meeting.start is None or meeting.end is None or meeting.end <= meeting.start:
        return []
    district = None
    if meeting.conference_id:
        district = meeting.conference.districts.order_by("name").first()
    candidate = coordination.candidate_for(
        meeting.start,
        meeting.end,
        district=district,
        place=meeting.place,
    )
    if meeting.event_id:
        candidate = replace(
            candidate, ignore_keys=frozenset({f"{BookingKind.EVENT}:{meeting.event_id}"})
        )
    return coordination.check(candidate)
