"""Dates and times as the town reads them: local time, German or English style."""

import datetime as dt

from django import template
from django.utils import dateformat
from django.utils.translation import get_language

from quartiersnetz.core.timeutil import localize

register = template.Library()

# Django's DATE_FORMAT for German has no weekday; a calendar needs one
# ("Sa., 5. Dez. 2026, 19:00"). English follows British usage.
FORMATS = {
    "de": {
        "datetime": "D., j. N Y, H:i",
        "date": "D., j. N Y",
        "day": "l, j. F Y",
        "short_day": "D., j. N",
        "month": "F Y",
        "time": "H:i",
    },
    "en": {
        "datetime": "D j M Y, H:i",
        "date": "D j M Y",
        "day": "l j F Y",
        "short_day": "D j M",
        "month": "F Y",
        "time": "H:i",
    },
}


def _format(value, kind):
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = localize(value)
    language = (get_language() or "de").split("-")[0]
    return dateformat.format(value, FORMATS.get(language, FORMATS["de"])[kind])


@register.filter
def local_datetime(value):
    return _format(value, "datetime")


@register.filter
def local_date(value):
    return _format(value, "date")


@register.filter
def local_day(value):
    """A day heading: 'Samstag, 5. Dezember 2026'."""
    return _format(value, "day")


@register.filter
def short_day(value):
    return _format(value, "short_day")


@register.filter
def local_month(value):
    return _format(value, "month")


@register.filter
def local_time(value):
    return _format(value, "time")


@register.filter
def iso(value):
    """For <time datetime>: local ISO 8601 with offset, or a plain date."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        return localize(value).isoformat(timespec="minutes")
    return value.isoformat()
