"""RFC 5545 recurrence: validating rules and expanding them into local time slots.

Rules are expanded on the local wall clock (Europe/Berlin) and only then turned
into UTC, so a weekly 19:00 meeting stays at 19:00 across daylight-saving changes.
"""

import datetime as dt
import re

from dateutil.rrule import rrulestr
from django.core.exceptions import ValidationError
from django.utils import dateformat, timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import get_text_list
from django.utils.translation import get_language, ngettext, pgettext
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


# --- The recurrence builder of the event form ---------------------------------------
#
# Organisers do not write RRULEs: the form offers weekly and monthly series that must
# end, and these functions turn its choices into a rule, a rule back into choices (to
# prefill the form) and a rule into a sentence.

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NO_REPEAT, WEEKLY, MONTHLY = "none", "weekly", "monthly"
ON_WEEKDAY, ON_DAY = "weekday", "day"
LAST_WEEK = -1
WEEKS_OF_MONTH = (1, 2, 3, 4, LAST_WEEK)
MAX_INTERVAL = 52
MAX_COUNT = 366
MAX_SERIES_YEARS = 3
_ORDINAL_WEEKDAY = re.compile(r"(-1|[1-4])?(MO|TU|WE|TH|FR|SA|SU)")


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


def week_of_month(day):
    """1-4 for the first to fourth weekday of its kind in the month; LAST_WEEK for a fifth."""
    week = (day.day - 1) // 7 + 1
    return week if week <= 4 else LAST_WEEK


def latest_until(start):
    """The last day a series that begins on start may run to."""
    start = _as_date(start)
    try:
        return start.replace(year=start.year + MAX_SERIES_YEARS)
    except ValueError:  # 29 February
        return start.replace(year=start.year + MAX_SERIES_YEARS, day=28)


def first_date(rule, start, exceptions=()):
    """The first local day of the series from start on, skipping exceptions; None if none."""
    excluded = set(exceptions)
    naive_start = dt.datetime.combine(_as_date(start), dt.time.min)
    for naive in build_rule(rule, naive_start).xafter(naive_start, inc=True):
        if naive.date() not in excluded:
            return naive.date()
    return None


def rule_from_choices(
    frequency,
    start,
    *,
    interval=1,
    weekdays=(),
    monthly_by=ON_WEEKDAY,
    week=None,
    until=None,
    count=None,
):
    """The RRULE for the builder's choices ("" for no repetition); raises ValidationError.

    start is the first day (date or local datetime). Weekly series default to the
    start's weekday, monthly ones on a weekday to the start's week of the month.
    Errors are keyed by choice: interval, weekdays, week, until, count, end.
    """
    if frequency in (None, "", NO_REPEAT):
        return ""
    start = _as_date(start)
    errors = {}
    if frequency not in (WEEKLY, MONTHLY):
        errors["frequency"] = _("Choose how the event repeats: weekly or monthly.")
    interval = 1 if interval in (None, "") else interval
    if not 1 <= interval <= MAX_INTERVAL:
        errors["interval"] = _("Enter a number from 1 to %(max)s.") % {"max": MAX_INTERVAL}
    if until is None and count is None:
        errors["end"] = _(
            "A series must end: enter the date of its last day or the number of dates."
        )
    elif until is not None and count is not None:
        errors["end"] = _("Enter either the last day or the number of dates, not both.")
    elif until is not None:
        if until < start:
            errors["until"] = _(
                "The series would have no date: its last day is before the first date."
            )
        elif until > latest_until(start):
            errors["until"] = _(
                "A series may run for at most %(years)s years: end it on %(date)s at the latest."
            ) % {"years": MAX_SERIES_YEARS, "date": _day(latest_until(start))}
    elif not 1 <= count <= MAX_COUNT:
        errors["count"] = _("Enter a number of dates from 1 to %(max)s.") % {"max": MAX_COUNT}
    codes = [code for code in WEEKDAY_CODES if code in set(weekdays or ())]
    if len(codes) != len(set(weekdays or ())):
        errors["weekdays"] = _("Choose weekdays from the list.")
    if week not in (None, "", *WEEKS_OF_MONTH):
        errors["week"] = _("Choose the first to fourth or the last week of the month.")
    if errors:
        raise ValidationError(errors)

    parts = [f"FREQ={frequency.upper()}"]
    if interval > 1:
        parts.append(f"INTERVAL={interval}")
    start_code = WEEKDAY_CODES[start.weekday()]
    if frequency == WEEKLY:
        parts.append(f"BYDAY={','.join(codes or [start_code])}")
    elif monthly_by == ON_DAY:
        parts.append(f"BYMONTHDAY={start.day}")
    else:
        parts.append(f"BYDAY={week or week_of_month(start)}{start_code}")
    parts.append(f"UNTIL={until:%Y%m%d}" if until is not None else f"COUNT={count}")
    rule = normalise_rule(";".join(parts))
    if first_date(rule, start) is None:
        raise ValidationError(
            {
                "until" if until is not None else "end": _(
                    "The series would have no date: no day up to its last day matches "
                    "the chosen repetition."
                )
            }
        )
    return rule


def _end_choices(parts):
    until = count = None
    if "UNTIL" in parts:
        until = dt.datetime.strptime(parts["UNTIL"][:8], "%Y%m%d").date()  # noqa: DTZ007
    if "COUNT" in parts:
        count = int(parts["COUNT"])
    return until, count


def choices_from_rule(rule):
    """The builder's choices for a rule, or None if the builder cannot express it.

    Returns a dict with frequency, interval, weekdays, monthly_by, week, until and count.
    """
    if not rule:
        return {
            "frequency": NO_REPEAT,
            "interval": 1,
            "weekdays": [],
            "monthly_by": ON_WEEKDAY,
            "week": None,
            "until": None,
            "count": None,
        }
    try:
        parts = _normalised_parts(rule)
        until, count = _end_choices(parts)
        interval = int(parts.get("INTERVAL", "1"))
    except (ValidationError, ValueError):
        return None
    known = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "UNTIL", "COUNT", "WKST"}
    if parts.keys() - known or (until is None) == (count is None):
        return None
    choices = {
        "interval": interval,
        "weekdays": [],
        "monthly_by": ON_WEEKDAY,
        "week": None,
        "until": until,
        "count": count,
    }
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    if parts.get("FREQ") == "WEEKLY" and "BYMONTHDAY" not in parts:
        if not all(day in WEEKDAY_CODES for day in days):
            return None
        return {**choices, "frequency": WEEKLY, "weekdays": days}
    if parts.get("FREQ") != "MONTHLY" or (days and "BYMONTHDAY" in parts):
        return None
    if "BYMONTHDAY" in parts or not days:
        if "," in parts.get("BYMONTHDAY", "") or parts.get("BYMONTHDAY", "1").startswith("-"):
            return None
        return {**choices, "frequency": MONTHLY, "monthly_by": ON_DAY}
    match = _ORDINAL_WEEKDAY.fullmatch(days[0]) if len(days) == 1 else None
    if match is None or match.group(1) is None:
        return None
    return {**choices, "frequency": MONTHLY, "week": int(match.group(1))}


def builder_can_express(rule, start):
    """Whether the form's builder reproduces the rule exactly for this start."""
    choices = choices_from_rule(rule)
    if choices is None:
        return False
    if not rule:
        return True
    try:
        rebuilt = rule_from_choices(start=start, **choices)
    except ValidationError:
        return False
    return _comparable(rebuilt) == _comparable(normalise_rule(rule))


def _comparable(rule):
    """A rule's parts with the order of its weekdays left out."""
    parts = _normalised_parts(rule)
    if "BYDAY" in parts:
        parts["BYDAY"] = frozenset(parts["BYDAY"].split(","))
    return parts


def _day(day):
    """A day in a sentence: 31.12.2027 in German, 31 Dec 2027 in (British) English."""
    language = (get_language() or "de").split("-")[0]
    return dateformat.format(day, "d.m.Y" if language == "de" else "j M Y")


def _weekday_name(code):
    return str(WEEKDAYS[WEEKDAY_CODES.index(code)])


def _ordinal(week):
    return {
        1: pgettext("the first Tuesday of the month", "first"),
        2: pgettext("the second Tuesday of the month", "second"),
        3: pgettext("the third Tuesday of the month", "third"),
        4: pgettext("the fourth Tuesday of the month", "fourth"),
        LAST_WEEK: pgettext("the last Tuesday of the month", "last"),
    }[week]


def _describe_repetition(parts, start):
    frequency = parts.get("FREQ")
    interval = int(parts.get("INTERVAL", "1"))
    days = [day for day in parts.get("BYDAY", "").split(",") if day]
    start_code = WEEKDAY_CODES[start.weekday()]
    if frequency == "WEEKLY" and all(day in WEEKDAY_CODES for day in days):
        names = get_text_list([_weekday_name(day) for day in days or [start_code]], _("and"))
        return ngettext("Every week on %(days)s", "Every %(count)s weeks on %(days)s", interval) % {
            "count": interval,
            "days": names,
        }
    if frequency == "MONTHLY" and len(days) == 1 and "BYMONTHDAY" not in parts:
        match = _ORDINAL_WEEKDAY.fullmatch(days[0])
        if match and match.group(1):
            return ngettext(
                "Monthly on the %(ordinal)s %(weekday)s",
                "Every %(count)s months on the %(ordinal)s %(weekday)s",
                interval,
            ) % {
                "count": interval,
                "ordinal": _ordinal(int(match.group(1))),
                "weekday": _weekday_name(match.group(2)),
            }
    if frequency == "MONTHLY" and not days and "," not in parts.get("BYMONTHDAY", ""):
        day = parts.get("BYMONTHDAY", str(start.day))
        if not day.startswith("-"):
            return ngettext(
                "Monthly on day %(day)s", "Every %(count)s months on day %(day)s", interval
            ) % {"count": interval, "day": day}
    simple = {
        "DAILY": ngettext("Daily", "Every %(count)s days", interval),
        "WEEKLY": ngettext("Weekly", "Every %(count)s weeks", interval),
        "MONTHLY": ngettext("Monthly", "Every %(count)s months", interval),
        "YEARLY": ngettext("Yearly", "Every %(count)s years", interval),
    }
    if frequency in simple and parts.keys() <= {"FREQ", "INTERVAL", "UNTIL", "COUNT", "WKST"}:
        return simple[frequency] % {"count": interval}
    # Rules from the admin that the sentences above do not cover (the end comes after).
    shown = ";".join(f"{k}={v}" for k, v in parts.items() if k not in ("UNTIL", "COUNT"))
    return _("Repeats by the rule %(rule)s") % {"rule": shown}


def describe_rule(rule, start):
    """The series as a sentence, e.g. "Every 2 weeks on Tuesday and Friday, until …"."""
    if not rule:
        return ""
    start = _as_date(localize(start) if isinstance(start, dt.datetime) else start)
    try:
        parts = _normalised_parts(rule)
        until, count = _end_choices(parts)
        text = _describe_repetition(parts, start)
    except (ValidationError, ValueError):
        return _("Repeats by the rule %(rule)s") % {"rule": rule}
    if until is not None:
        return _("%(repetition)s, until %(date)s") % {
            "repetition": text,
            "date": _day(until),
        }
    if count is not None:
        return ngettext(
            "%(repetition)s, %(count)s time", "%(repetition)s, %(count)s times", count
        ) % {"repetition": text, "count": count}
    return text


_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def _listed(values, shown=5):
    """“a”, “b”, “c”, … for a message; long lists are cut short."""
    listed = ", ".join(f"“{value}”" for value in values[:shown])
    return listed + (", …" if len(values) > shown else "")


def parse_entered_dates(text):
    """Dates as people type them, one per line or separated by commas or semicolons:
    YYYY-MM-DD or DD.MM.YYYY. Returns them sorted without repeats; raises ValidationError
    naming the entries that are not dates."""
    dates, wrong = set(), []
    for chunk in re.split(r"[\n,;]+", text or ""):
        value = chunk.strip()
        if not value:
            continue
        german = _GERMAN_DATE.fullmatch(value)
        try:
            if german:
                day, month, year = (int(part) for part in german.groups())
                dates.add(dt.date(year, month, day))
            else:
                dates.add(dt.date.fromisoformat(value))
        except ValueError:
            wrong.append(value[:40])
    if wrong:
        raise ValidationError(
            ngettext(
                "“%(values)s” is not a date. Enter dates as 2026-12-24 or 24.12.2026.",
                "These are not dates: %(values)s. Enter dates as 2026-12-24 or 24.12.2026.",
                len(wrong),
            )
            % {"values": _listed(wrong) if len(wrong) > 1 else wrong[0]},
            code="invalid_exdate",
        )
    return sorted(dates)
