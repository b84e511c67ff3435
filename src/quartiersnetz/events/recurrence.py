"""RFC 5545 recurrence: validating rules and expanding them into local time slots.

Rules are expanded on the local wall clock (Europe/Berlin) and only then turned
into UTC, so a weekly 19:00 meeting stays at 19:00 across daylight-saving changes.
"""

import datetime as dt

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.core.timeutil import local_zone, localize

ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# A series has at most one date per day: the local day identifies a date of the
# series (its calendar UID and what survives an edit of the series' time).
FORBIDDEN_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
# More slots than this within the horizon is a mistake, not a calendar.
MAX_SLOTS = 1000


def _normalised_parts(rule):
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts = {}
    for chunk in text.split(";"):
        if not chunk.strip():
            continue
        key, sep, value = chunk.partition("=")
        if not sep or not value:
            raise ValidationError(
                _("The recurrence rule is not valid: “%(part)s” has no value."),
                code="invalid_rrule",
                params={"part": chunk},
            )
        parts[key.strip().upper()] = value.strip().upper()
    if "UNTIL" in parts and "COUNT" in parts:
        raise ValidationError(
            _(
                "The recurrence rule may end after a number of dates (COUNT) or on a date "
                "(UNTIL), not both."
            ),
            code="invalid_rrule",
        )
    if "UNTIL" in parts and len(parts["UNTIL"]) == 8:
        # A series "until 3 December" includes the date on 3 December.
        parts["UNTIL"] += "T235959"
    if "UNTIL" in parts and parts["UNTIL"].endswith("Z"):
        # Rules are expanded on the local wall clock; an UTC UNTIL becomes local.
        try:
            until = dt.datetime.strptime(parts["UNTIL"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
        except ValueError:
            raise ValidationError(
                _("The recurrence rule is not valid: the end date UNTIL cannot be read."),
                code="invalid_rrule",
            ) from None
        parts["UNTIL"] = localize(until).strftime("%Y%m%dT%H%M%S")
    return parts


def normalise_rule(rule):
    """The rule in a canonical form (upper case, no RRULE: prefix); raises ValidationError."""
    parts = _normalised_parts(rule)
    frequency = parts.get("FREQ")
    if frequency not in ALLOWED_FREQUENCIES:
        raise ValidationError(
            _("The recurrence rule must repeat daily, weekly, monthly or yearly (FREQ)."),
            code="invalid_rrule",
        )
    if FORBIDDEN_PARTS & parts.keys():
        raise ValidationError(
            _("A series can take place at most once a day; remove BYHOUR, BYMINUTE and BYSECOND."),
            code="invalid_rrule",
        )
    normalised = ";".join(f"{key}={value}" for key, value in parts.items())
    # Rules are expanded on the naive local wall clock (see module docstring).
    build_rule(normalised, dt.datetime(2000, 1, 1))  # noqa: DTZ001
    return normalised


def build_rule(rule, naive_start):
    try:
        return rrulestr(f"RRULE:{rule}", dtstart=naive_start)
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as error:
        raise ValidationError(
            _("The recurrence rule is not valid: %(error)s"),
            code="invalid_rrule",
            params={"error": error},
        ) from None


def parse_exceptions(text):
    """The excluded dates, one per line as YYYY-MM-DD; raises ValidationError."""
    dates = set()
    for line in (text or "").replace(",", "\n").splitlines():
        value = line.strip()
        if not value:
            continue
        try:
            dates.add(dt.date.fromisoformat(value))
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date in the form YYYY-MM-DD."),
                code="invalid_exdate",
                params={"value": value},
            ) from None
    return sorted(dates)


def expand(start, end, all_day, rule, exceptions, until, count_from=None):
    """The (start, end) pairs, aware in local time, of a series up to until.

    Without a rule the event has exactly its own slot. More than MAX_SLOTS dates
    from count_from (default: now) to until is refused; a long-running series'
    past dates do not count.
    """
    duration = end - start
    if not rule:
        return [(localize(start), localize(end))]
    local_start = localize(start)
    naive_start = local_start.replace(tzinfo=None)
    naive_until = localize(until).replace(tzinfo=None)
    excluded = set(exceptions)
    zone = local_zone()
    count_from = count_from or timezone.now()
    slots = []
    counted = 0
    for naive in build_rule(rule, naive_start).xafter(naive_start, inc=True):
        if naive > naive_until:
            break
        if naive.date() in excluded:
            continue
        slot_start = naive.replace(tzinfo=zone)
        if all_day:
            days = round(duration / dt.timedelta(days=1))
            slot_end = (naive + dt.timedelta(days=days)).replace(tzinfo=zone)
        else:
            # Normalise through UTC so a non-existent local time (spring forward)
            # becomes a real instant.
            slot_start = localize(slot_start.astimezone(dt.UTC))
            slot_end = localize(slot_start.astimezone(dt.UTC) + duration)
        slots.append((slot_start, slot_end))
        counted += slot_end > count_from
        if counted > MAX_SLOTS:
            raise ValidationError(
                _(
                    "The recurrence rule yields more than %(count)s dates; "
                    "repeat less often or end the series earlier."
                ),
                code="too_many_dates",
                params={"count": MAX_SLOTS},
            )
    return slots
