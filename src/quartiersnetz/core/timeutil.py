"""Time helpers: the town's local calendar days and weekends as UTC ranges."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone


def local_zone():
    return ZoneInfo(settings.TIME_ZONE)


def local_now():
    return timezone.localtime(timezone.now(), local_zone())


def local_today():
    return local_now().date()


def start_of_day(day):
    """The aware datetime at which a local calendar day begins."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=local_zone())


def day_range(first, last=None):
    """Aware [start, end) of the local days first..last inclusive."""
    last = last or first
    return start_of_day(first), start_of_day(last + dt.timedelta(days=1))


def weekend_of(day):
    """Friday to Sunday of the weekend that contains day, or the next one."""
    friday = day + dt.timedelta(days=4 - day.weekday())
    return friday, friday + dt.timedelta(days=2)


def week_of(day):
    """Monday to Sunday of the ISO week that contains day."""
    monday = day - dt.timedelta(days=day.weekday())
    return monday, monday + dt.timedelta(days=6)


def localize(value):
    return timezone.localtime(value, local_zone())
