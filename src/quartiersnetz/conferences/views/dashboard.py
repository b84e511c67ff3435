"""The district developer's overview: every conference (or those one moderates) at a
glance, in a constant number of queries however many conferences there are."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Q, Subquery
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from quartiersnetz.conferences.domain import actions
from quartiersnetz.conferences.models import (
    ActionItem,
    Conference,
    Meeting,
    Minutes,
    Registration,
    Role,
)
from quartiersnetz.conferences.rules import current_memberships
from quartiersnetz.core.timeutil import local_today

PERMISSION = "conferences.view_dashboard"
# Overdue action items listed per conference; the rest are counted.
OVERDUE_SHOWN = 5


def _conferences(user):
    conferences = Conference.objects.filter(is_active=True)
    if not actions.is_coordinator(user):
        conferences = conferences.filter(
            pk__in=current_memberships(user).filter(role=Role.MODERATOR).values("conference_id")
        )
    upcoming = (
        Meeting.objects.filter(conference=OuterRef("pk"), end__gte=timezone.now())
        .exclude(state=Meeting.State.CANCELLED)
        .order_by("start", "pk")
        .values("pk")
    )
    return conferences.annotate(
        next_meeting_id=Subquery(upcoming[:1]),
        next_public_meeting_id=Subquery(upcoming.filter(is_public=True)[:1]),
    ).order_by("-kind", "name")


def _meetings(ids):
    """The next meetings with their sign-up counts, by id."""
    return {
        meeting.pk: meeting
        for meeting in Meeting.objects.filter(pk__in=ids)
        .select_related("conference", "place")
        .annotate(
            confirmed=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.CONFIRMED)
            ),
            waiting=Count(
                "registrations", filter=Q(registrations__status=Registration.Status.WAITING)
            ),
        )
    }


def _minutes_to_do(conference_ids):
    """Held meetings without minutes, and minutes not yet published, by conference."""
    found = {}
    meetings = (
        Meeting.objects.filter(conference_id__in=conference_ids)
        .filter(
            Q(state=Meeting.State.HELD, minutes__isnull=True)
            | Q(
                minutes__state__in=(
                    Minutes.State.DRAFT,
                    Minutes.State.IN_REVIEW,
                    Minutes.State.APPROVED,
                )
            )
        )
        .exclude(state=Meeting.State.CANCELLED)
        .select_related("minutes")
        .order_by("start", "pk")
    )
    for meeting in meetings:
        found.setdefault(meeting.conference_id, []).append(meeting)
    return found


def _overdue(conference_ids, today):
    found = {}
    items = actions.with_details(
        ActionItem.objects.filter(actions.overdue_filter(today), conference_id__in=conference_ids)
    ).order_by("due_date", "pk")
    for item in items:
        found.setdefault(item.conference_id, []).append(item)
    return found


def overview(user):
    """Per conference: the next meeting, the next public meeting with its sign-ups,
    the minutes still to write, approve or publish, and the overdue action items."""
    today = local_today()
    conferences = list(_conferences(user))
    ids = [conference.pk for conference in conferences]
    meetings = _meetings(
        (
            {conference.next_meeting_id for conference in conferences}
            | {conference.next_public_meeting_id for conference in conferences}
        )
        - {None}
    )
    minutes = _minutes_to_do(ids)
    overdue = _overdue(ids, today)
    rows = []
    for conference in conferences:
        public = meetings.get(conference.next_public_meeting_id)
        overdue_items = overdue.get(conference.pk, [])
        to_do = minutes.get(conference.pk, [])
        rows.append(
            {
                "conference": conference,
                "next_meeting": meetings.get(conference.next_meeting_id),
                "next_public": public,
                "seats_left": (
                    max(public.capacity - public.confirmed, 0)
                    if public is not None and public.capacity is not None
                    else None
                ),
                "minutes_missing": [m for m in to_do if _minutes(m) is None],
                "minutes_waiting": [m for m in to_do if _state(m) == Minutes.State.IN_REVIEW],
                "minutes_draft": [m for m in to_do if _state(m) == Minutes.State.DRAFT],
                "minutes_unpublished": [m for m in to_do if _state(m) == Minutes.State.APPROVED],
                "overdue": overdue_items[:OVERDUE_SHOWN],
                "overdue_count": len(overdue_items),
            }
        )
    return rows


def _minutes(meeting):
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def _state(meeting):
    minutes = _minutes(meeting)
    return minutes.state if minutes is not None else None


@login_required
@require_http_methods(["GET", "HEAD"])
def dashboard(request):
    if not request.user.has_perm(PERMISSION):
        raise PermissionDenied
    rows = overview(request.user)
    context = {
        "rows": rows,
        "coordinator": actions.is_coordinator(request.user),
        "totals": {
            "waiting": sum(len(row["minutes_waiting"]) for row in rows),
            "missing": sum(len(row["minutes_missing"]) for row in rows),
            "overdue": sum(row["overdue_count"] for row in rows),
        },
    }
    return render(request, "conferences/dashboard.html", context)
