"""Action items agreed in the conferences: creating and changing them, their status,
the overviews of open and overdue items, and the reminders before and after the due date."""

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.accounts.rules import is_editor, is_moderator
from quartiersnetz.conferences.models import ActionItem, Conference
from quartiersnetz.conferences.rules import current_memberships
from quartiersnetz.core import activity
from quartiersnetz.core.activity import changed_values, log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.timeutil import local_today, localize

Status = ActionItem.Status
OPEN_STATUSES = tuple(ActionItem.OPEN_STATUSES)


class Action:
    """The names of activity log entries about action items."""

    CREATED = "created"
    EDITED = "edited"
    STATUS_CHANGED = "status_changed"
    REMINDED = "reminded"


# What an edit is compared on, in the order the form shows it.
LOGGED_FIELDS = ("title", "description", "assignee", "organization", "due_date", "agenda_item")


def snapshot(item):
    return activity.snapshot(item, LOGGED_FIELDS)


# --- Who may do what -----------------------------------------------------------------


def is_assignee(user, item):
    """The person the item is assigned to, through their account and a membership that
    still counts: they may change its status."""
    if not (user.is_authenticated and user.is_active) or item.assignee_id is None:
        return False
    return current_memberships(user).filter(pk=item.assignee_id).exists()


def is_coordinator(user):
    """Sees every conference's action items (the district developer, editors)."""
    return is_moderator(user) or is_editor(user)


def visible_conferences(user):
    """The conferences whose action items the person may see: all for coordinators,
    otherwise those they take part in."""
    conferences = Conference.objects.filter(is_active=True)
    if is_coordinator(user):
        return conferences
    return conferences.filter(pk__in=current_memberships(user).values("conference_id"))


# --- Overviews -----------------------------------------------------------------------


def by_due_date(*more):
    """Order: soonest due first, items without a due date last (on every database)."""
    return (F("due_date").asc(nulls_last=True), *more, "pk")


def is_overdue(item, today):
    return item.status in OPEN_STATUSES and item.due_date is not None and item.due_date < today


def overdue_filter(today):
    return Q(status__in=OPEN_STATUSES, due_date__lt=today)


def with_details(items):
    return items.select_related(
        "conference", "meeting", "agenda_item", "assignee", "assignee__on_behalf_of", "organization"
    )


def sections(items, today, keys=("overdue", "open", "done", "dropped")):
    """The items grouped as the overviews list them: overdue (open, due before today),
    open, done (latest first) and dropped."""
    grouped = {key: [] for key in ("overdue", "open", "done", "dropped")}
    for item in items:
        if is_overdue(item, today):
            grouped["overdue"].append(item)
        elif item.status in OPEN_STATUSES:
            grouped["open"].append(item)
        else:
            grouped[item.status].append(item)
    grouped["done"].sort(key=lambda item: item.done_at or item.updated_at, reverse=True)
    return {key: grouped[key] for key in keys}


# --- Changes -------------------------------------------------------------------------


def _validate(item):
    item.title = (item.title or "").strip()
    item.description = (item.description or "").strip()
    if not item.title:
        raise ValidationError({"title": _("Say what is to be done.")}, code="required")
    if item.assignee_id is not None and item.assignee.conference_id != item.conference_id:
        raise ValidationError(
            {"assignee": _("Choose a member of this conference.")}, code="invalid"
        )
    if item.meeting_id is not None and item.meeting.conference_id != item.conference_id:
        raise ValidationError(_("The meeting belongs to another conference."), code="invalid")
    if item.agenda_item_id is not None:
        if item.meeting_id is None:
            item.meeting = item.agenda_item.meeting
        if item.agenda_item.meeting_id != item.meeting_id:
            raise ValidationError(
                {"agenda_item": _("Choose an item of the meeting's agenda.")}, code="invalid"
            )
    item.full_clean(exclude=["conference", "meeting", "agenda_item", "assignee", "organization"])


def _locked(item):
    current = ActionItem.objects.select_for_update().filter(pk=item.pk).first()
    if current is None:
        raise ValidationError(_("This action item no longer exists."), code="gone")
    return current


@transaction.atomic
def create_action_item(item, *, actor):
    """Save a new action item (open); the assigned person is told by mail."""
    item.status = Status.OPEN
    item.done_at = item.reminded_at = None
    item.created_by = actor if actor is not None and actor.is_authenticated else None
    _validate(item)
    item.save()
    log_activity(item, actor, Action.CREATED, changes=changed_values({}, snapshot(item)))
    _tell_assignee(item, actor)
    return item


@transaction.atomic
def update_action_item(item, *, actor):
    """Save a manager's edit (what, who, when); returns the changes. A new due date
    starts the reminders anew."""
    current = _locked(item)
    before = snapshot(current)
    item.conference_id = current.conference_id
    item.status, item.done_at = current.status, current.done_at
    item.reminded_at = current.reminded_at if item.due_date == current.due_date else None
    _validate(item)
    item.save()
    changes = changed_values(before, snapshot(item))
    if changes:
        log_activity(item, actor, Action.EDITED, changes=changes)
    if item.assignee_id is not None and item.assignee_id != current.assignee_id:
        _tell_assignee(item, actor)
    return changes


@transaction.atomic
def set_status(item, status, *, actor):
    """Open, in progress, done (with the time) or dropped; a second click is refused."""
    if status not in Status.values:
        raise ValidationError(_("Unknown status."), code="invalid")
    current = _locked(item)
    if current.status == status:
        raise ValidationError(
            _("This action item is already “%(status)s”.") % {"status": Status(status).label},
            code="unchanged",
        )
    before = current.get_status_display()
    current.status = status
    current.done_at = timezone.now() if status == Status.DONE else None
    current.save(update_fields=["status", "done_at", "updated_at"])
    log_activity(
        current,
        actor,
        Action.STATUS_CHANGED,
        changes={"status": [str(before), str(current.get_status_display())]},
    )
    return current


def _tell_assignee(item, actor):
    """Tell the assigned person that they have a new action item (not when they
    assigned it to themselves)."""
    assignee = item.assignee
    if assignee is None or not assignee.address:
        return
    if actor is not None and actor.is_authenticated and assignee.user_id == actor.pk:
        return
    send_bilingual_mail(
        "conferences/mail/action_assigned.txt",
        _mail_context(item),
        [assignee.address],
    )


def _mail_context(item, **extra):
    conference = item.conference
    return {
        "item": item,
        "conference": conference,
        "meeting": item.meeting,
        "item_url": absolute_url(reverse("conferences:action-edit", kwargs={"pk": item.pk})),
        "actions_url": absolute_url(
            reverse("conferences:actions", kwargs={"slug": conference.slug})
        ),
        "has_account": item.assignee is not None and item.assignee.user_id is not None,
        **extra,
    }


# --- Reminders -----------------------------------------------------------------------


def reminder_kind(item, today, days_before=None):
    """ "soon" when the due date is near and no reminder was sent yet, "overdue" when it
    has passed and no reminder was sent after it, else None."""
    if days_before is None:
        days_before = settings.CONFERENCES_REMINDER_DAYS
    if item.status not in OPEN_STATUSES or item.due_date is None:
        return None
    reminded_on = localize(item.reminded_at).date() if item.reminded_at else None
    if item.due_date < today:
        if reminded_on is None or reminded_on <= item.due_date:
            return "overdue"
        return None
    if item.due_date <= today + dt.timedelta(days=days_before) and reminded_on is None:
        return "soon"
    return None


def reminder_address(item, today):
    """The assigned person while they take part, else the organisation's address."""
    if item.assignee_id is not None and item.assignee.is_current(today) and item.assignee.address:
        return item.assignee.address
    if item.organization_id is not None and item.organization.email:
        return item.organization.email
    return ""


def reminder_candidates(today, days_before=None):
    """Open items of active conferences due within the reminder window or before."""
    if days_before is None:
        days_before = settings.CONFERENCES_REMINDER_DAYS
    return (
        with_details(
            ActionItem.objects.filter(
                status__in=OPEN_STATUSES,
                due_date__isnull=False,
                due_date__lte=today + dt.timedelta(days=days_before),
                conference__is_active=True,
            )
        )
        .select_related("assignee__user")
        .order_by("due_date", "pk")
    )


def send_reminder(item, today):
    """Send the reminder the item is due for, once: the row is locked and checked
    again, so a second run (or one running at the same time) sends nothing.
    Returns the kind sent, or None."""
    with transaction.atomic():
        current = _locked(item)
        kind = reminder_kind(current, today)
        if kind is None:
            return None
        current.conference = item.conference
        current.meeting = item.meeting
        current.assignee = item.assignee
        current.organization = item.organization
        address = reminder_address(current, today)
        if not address:
            return None
        current.reminded_at = timezone.now()
        current.save(update_fields=["reminded_at"])
        log_activity(current, None, Action.REMINDED, message=kind)
        send_bilingual_mail(
            "conferences/mail/action_reminder.txt",
            _mail_context(current, overdue=kind == "overdue", today=today),
            [address],
        )
    return kind


def send_reminders(today=None, progress=None):
    """Remind the people (or organisations) of action items due soon or overdue; run
    daily. Returns {"soon": n, "overdue": n, "no_address": n}."""
    today = today or local_today()
    candidates = [
        item for item in reminder_candidates(today) if reminder_kind(item, today) is not None
    ]
    counts = {"soon": 0, "overdue": 0, "no_address": 0}
    for done, item in enumerate(candidates, start=1):
        kind = send_reminder(item, today)
        if kind is not None:
            counts[kind] += 1
        elif not reminder_address(item, today):
            counts["no_address"] += 1
        if progress is not None:
            progress(done, len(candidates))
    return counts
