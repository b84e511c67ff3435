"""Operations that change events and their occurrences, and the calendar's queries."""

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Window
from django.db.models.functions import RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.core.models import Revision
from quartiersnetz.core.timeutil import day_range, local_zone, localize
from quartiersnetz.events import recurrence
from quartiersnetz.events.models import LISTED_STATUSES, Event, Occurrence, Status, Visibility

# The revision feeds derive their ETag from (see core.models.Revision).
CALENDAR_REVISION = "calendar"


def horizon_end(now=None):
    return (now or timezone.now()) + dt.timedelta(days=settings.EVENTS_HORIZON_DAYS)


def expected_slots(event, until):
    """The (original_start, end) pairs in UTC that the event should have up to until."""
    slots = recurrence.expand(
        event.start,
        event.end,
        event.all_day,
        event.recurrence_rule,
        recurrence.parse_exceptions(event.recurrence_exceptions),
        until,
    )
    return [(start.astimezone(dt.UTC), end.astimezone(dt.UTC)) for start, end in slots]


def copied_fields(event):
    """What an occurrence copies from its event and place, for filtering."""
    place = event.place
    return {
        "district_id": place.district_id if place else None,
        "step_free": bool(place and place.step_free),
        "status": event.status,
        "visibility": event.visibility,
        "is_free": event.is_free,
        "all_day": event.all_day,
        "expected_attendance": event.expected_attendance,
        "audience": event.audience,
    }


def new_occurrences(event, slots):
    """Unsaved Occurrence rows for the given slots (also used to bulk-load benchmark data)."""
    copies = copied_fields(event)
    return [
        Occurrence(event=event, original_start=start, start=start, end=end, **copies)
        for start, end in slots
    ]


@transaction.atomic
def materialise_occurrences(event, until=None):
    """Bring the event's occurrence rows in line with its dates, rule and exceptions.

    A date of a series is identified by its local day (a series has at most one
    date a day), so cancelled or moved dates survive when the series' time is
    edited; dates that no longer exist are deleted.
    """
    until = until or horizon_end()
    slots = expected_slots(event, until)
    existing = list(event.occurrences.all())
    if event.is_recurring:
        by_day = {occurrence.slot_day: occurrence for occurrence in existing}
        matched = [(by_day.pop(localize(start).date(), None), start, end) for start, end in slots]
        obsolete = by_day.values()
    else:
        # A single event keeps its one row (and with it its calendar UID).
        matched = [(existing[0] if existing else None, *slots[0])]
        obsolete = existing[1:]
    Occurrence.objects.filter(pk__in=[occurrence.pk for occurrence in obsolete]).delete()

    copies = copied_fields(event)
    to_update, to_create = [], []
    for occurrence, start, end in matched:
        if occurrence is None:
            to_create.append((start, end))
            continue
        occurrence.original_start = start
        if not event.is_recurring:
            # A single event is moved or cancelled as a whole, through the event.
            occurrence.moved = occurrence.cancelled = False
        if not occurrence.moved:
            occurrence.start, occurrence.end = start, end
        for field, value in copies.items():
            setattr(occurrence, field, value)
        to_update.append(occurrence)
    Occurrence.objects.bulk_update(
        to_update,
        ["original_start", "start", "end", "moved", "cancelled", *copies],
        batch_size=500,
    )
    Occurrence.objects.bulk_create(new_occurrences(event, to_create), batch_size=500)
    event.materialised_until = until if event.is_recurring else None
    Event.objects.filter(pk=event.pk).update(materialised_until=event.materialised_until)
    # Bulk writes send no signals; the feeds must still see the change.
    Revision.bump(CALENDAR_REVISION)


@transaction.atomic
def save_event(event, *, save_related=None):
    """Save an edited event, raise its SEQUENCE and re-materialise its dates.

    save_related saves what depends on the event row (a form's many-to-many fields).
    """
    if event.pk:
        event.sequence += 1
    event.save()
    if save_related:
        save_related()
    materialise_occurrences(event)
    return event


def _touch(event):
    event.sequence += 1
    Event.objects.filter(pk=event.pk).update(sequence=event.sequence, updated_at=timezone.now())


@transaction.atomic
def cancel_occurrence(occurrence):
    """Cancel one date of an event; it stays in lists and feeds as cancelled."""
    occurrence.cancelled = True
    occurrence.sequence += 1
    occurrence.save(update_fields=["cancelled", "sequence", "updated_at"])
    _touch(occurrence.event)


@transaction.atomic
def restore_occurrence(occurrence):
    occurrence.cancelled = False
    occurrence.sequence += 1
    occurrence.save(update_fields=["cancelled", "sequence", "updated_at"])
    _touch(occurrence.event)


@transaction.atomic
def move_occurrence(occurrence, start, end):
    """Move one date of a series to another time; the series keeps its rule."""
    if end <= start:
        raise ValidationError(_("The end must be after the start."), code="end_before_start")
    occurrence.start, occurrence.end = start, end
    occurrence.moved = True
    occurrence.sequence += 1
    occurrence.save(update_fields=["start", "end", "moved", "sequence", "updated_at"])
    _touch(occurrence.event)


def extend_horizon(until=None, progress=None):
    """Expand every recurring event up to the horizon; returns how many were extended."""
    until = until or horizon_end()
    pending = Event.objects.exclude(recurrence_rule="").filter(
        Q(materialised_until__isnull=True) | Q(materialised_until__lt=until)
    )
    # Materialising writes to the table being read: take the ids first.
    ids = list(pending.values_list("pk", flat=True))
    total = len(ids)
    for done, pk in enumerate(ids, start=1):
        materialise_occurrences(Event.objects.select_related("place").get(pk=pk), until)
        if progress:
            progress(done, total)
    return total


def sync_place_copies(place):
    """A place's district or access changed: update the copies on its occurrences."""
    Occurrence.objects.filter(event__place=place).update(
        district_id=place.district_id, step_free=place.step_free
    )
    Revision.bump(CALENDAR_REVISION)


def listed_occurrences():
    """Occurrences the public may see (published, cancelled or postponed; public)."""
    return Occurrence.objects.filter(status__in=LISTED_STATUSES, visibility=Visibility.PUBLIC)


def occurrences_between(queryset, start, end):
    """Occurrences overlapping [start, end).

    The lower bound on start keeps the query a range scan on the start index:
    no occurrence lasts longer than EVENTS_MAX_DURATION_DAYS.
    """
    earliest = start - dt.timedelta(days=settings.EVENTS_MAX_DURATION_DAYS)
    queryset = queryset.filter(end__gt=start, start__gte=earliest)
    if end is not None:
        queryset = queryset.filter(start__lt=end)
    return queryset


def occurrences_on_days(queryset, first, last=None):
    return occurrences_between(queryset, *day_range(first, last))


MONTH_FIELDS = (
    "pk",
    "event_id",
    "start",
    "end",
    "all_day",
    "cancelled",
    "moved",
)


def dates_by_day(occurrences, first, last, per_day):
    """The first per_day dates of each local day first..last, and how many each day has.

    Returns ({day: [row, ...]}, {day: count}); rows are dicts of MONTH_FIELDS plus the
    event's title and event_status. A date of several days is listed and counted on
    each of its days. The ranking runs in SQL, so a busy month costs a few hundred
    rows, not every date in it.
    """
    start, end = day_range(first, last)
    in_range = occurrences_between(occurrences, start, end)
    day = TruncDate("start", tzinfo=local_zone())
    ranked = (
        in_range.filter(start__gte=start)
        .annotate(
            day=day,
            rank=Window(RowNumber(), partition_by=[day], order_by=[F("start"), F("pk")]),
            day_count=Window(Count("pk"), partition_by=[day]),
        )
        .filter(rank__lte=per_day)
        .values(*MONTH_FIELDS, "day", "day_count")
    )
    # Dates that began before the range or run past their first day are few.
    spanning = in_range.filter(
        Q(start__lt=start) | Q(end__gt=F("start") + dt.timedelta(days=1))
    ).values(*MONTH_FIELDS)

    rows_by_day, counts = defaultdict(list), defaultdict(int)
    for row in ranked:
        rows_by_day[row["day"]].append(row)
        counts[row["day"]] = row["day_count"]
    for row in spanning:
        start_day = localize(row["start"]).date()
        last_day = localize(row["end"] - dt.timedelta(microseconds=1)).date()
        current = max(start_day + dt.timedelta(days=1), first)
        if start_day < first:
            current = first
        while current <= min(last_day, last):
            rows_by_day[current].append(row)
            counts[current] += 1
            current += dt.timedelta(days=1)
    for rows in rows_by_day.values():
        rows.sort(key=lambda row: (row["start"], row["pk"]))
        del rows[per_day:]
    # Titles by id afterwards: joined into the range queries, the planner (which
    # overestimates their rows) hash-joins the whole event table.
    shown = {row["event_id"] for rows in rows_by_day.values() for row in rows}
    events = {
        pk: (title, status)
        for pk, title, status in Event.objects.filter(pk__in=shown).values_list(
            "pk", "title", "status"
        )
    }
    for rows in rows_by_day.values():
        for row in rows:
            row["title"], row["event_status"] = events[row["event_id"]]
    return rows_by_day, counts


def with_event_details(occurrences):
    """What lists and feeds show of each date, in a constant number of queries."""
    return occurrences.select_related("event", "event__place", "district").prefetch_related(
        "event__categories", "event__organizers"
    )


def upcoming_highlights(now, limit):
    """Highlighted events that take place again, each once, with its next date."""
    next_dates = (
        listed_occurrences()
        .filter(event=OuterRef("pk"), end__gt=now, cancelled=False)
        .order_by("start", "pk")
    )
    return list(
        Event.objects.filter(
            is_highlight=True,
            status__in=[Status.PUBLISHED, Status.POSTPONED],
            visibility=Visibility.PUBLIC,
        )
        .annotate(
            next_start=Subquery(next_dates.values("start")[:1]),
            next_occurrence=Subquery(next_dates.values("pk")[:1]),
        )
        .filter(next_start__isnull=False)
        .select_related("place", "place__district")
        .order_by("next_start", "pk")[:limit]
    )


def with_categories(queryset, categories):
    return queryset.filter(
        Exists(
            Event.categories.through.objects.filter(
                event_id=OuterRef("event_id"), category_id__in=[c.pk for c in categories]
            )
        )
    )


def with_organizers(queryset, organizations):
    return queryset.filter(
        Exists(
            Event.organizers.through.objects.filter(
                event_id=OuterRef("event_id"),
                organization_id__in=[o.pk for o in organizations],
            )
        )
    )
