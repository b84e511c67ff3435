"""Calendar feeds: ICS (RFC 5545) for any filter, district and organisation; RSS and Atom.

Recurring events are written expanded, one VEVENT per occurrence, not as RRULE.
Our occurrences are the truth: single dates of a series can be cancelled or
moved, filtered feeds hold only some dates of a series, and series are
materialised to a horizon. Expanded VEVENTs (each with a stable UID and its own
SEQUENCE) say exactly that to every client, including ones with weak RRULE support.
"""

import datetime as dt
import hashlib
from urllib.parse import urlsplit, urlunsplit

import icalendar
from django.conf import settings
from django.contrib.syndication.views import Feed
from django.core.cache import cache
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from quartiersnetz.core.models import District, Revision
from quartiersnetz.core.text import plain_text
from quartiersnetz.core.timeutil import day_range, local_today, local_zone, localize
from quartiersnetz.events import domain
from quartiersnetz.events.filters import CalendarFilterForm
from quartiersnetz.events.models import Event
from quartiersnetz.organizations.models import Organization

# Feeds cover a little of the past (so today's changes reach clients) and a year ahead.
FEED_DAYS_BACK = 30
FEED_DAYS_AHEAD = 366
FEED_MAX_DAYS = 2 * 366
RSS_ITEMS = 50
REFRESH_INTERVAL = dt.timedelta(hours=6)
PRODID = "-//Quartiersnetz//Calendar//DE"


def feed_links(request, form=None, district=None, organization=None):
    """Absolute URLs of the feeds for what a page lists: ics, webcal, rss and atom."""
    query = form.query_string() if form is not None and form.is_bound else ""
    if district is not None:
        ics = reverse("events:district-ics", kwargs={"slug": district.slug})
        query = CalendarFilterForm.query_for(district=district)
    elif organization is not None:
        ics = reverse("events:organization-ics", kwargs={"slug": organization.slug})
        query = CalendarFilterForm.query_for(organization=organization)
    else:
        ics = reverse("events:calendar-ics") + (f"?{query}" if query else "")
    suffix = f"?{query}" if query else ""
    ics_url = request.build_absolute_uri(ics)
    return {
        "ics": ics_url,
        "webcal": webcal_url(ics_url),
        "rss": request.build_absolute_uri(reverse("events:rss") + suffix),
        "atom": request.build_absolute_uri(reverse("events:atom") + suffix),
    }


def webcal_url(url):
    """The webcal:// form of a feed address, which calendar apps subscribe to."""
    return urlunsplit(("webcal", *urlsplit(url)[1:]))


def calendar_revision(request, *args, **kwargs):
    if not hasattr(request, "_calendar_revision"):
        request._calendar_revision = Revision.current(domain.CALENDAR_REVISION)
    return request._calendar_revision


def feed_etag(request, *args, **kwargs):
    """Changes with the calendar revision, the address, the language and the day."""
    revision = calendar_revision(request)
    key = "|".join(
        [
            str(revision.value),
            revision.changed_at.isoformat(),
            request.get_full_path(),
            get_language() or "",
            local_today().isoformat(),
        ]
    )
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def feed_last_modified(request, *args, **kwargs):
    return calendar_revision(request).changed_at


conditional_feed = condition(etag_func=feed_etag, last_modified_func=feed_last_modified)


def feed_window(form):
    """[start, end) of a feed: the asked-for days, or 30 days back to a year ahead."""
    data = form.cleaned_data
    if data.get("when"):
        return day_range(*form.day_span())
    today = local_today()
    first = data.get("date_from") or today - dt.timedelta(days=FEED_DAYS_BACK)
    last = data.get("date_to") or first + dt.timedelta(days=FEED_DAYS_AHEAD)
    last = min(last, first + dt.timedelta(days=FEED_MAX_DAYS))
    return day_range(first, last)


def feed_occurrences(form):
    start, end = feed_window(form)
    return domain.occurrences_between(form.filter(domain.listed_occurrences()), start, end)


def event_properties(event, request):
    """What every VEVENT of an event shares; rendered once per event, not per date."""
    url = request.build_absolute_uri(event.get_absolute_url())
    place = event.place
    location = event.online_url
    if place:
        location = ", ".join(part for part in [place.name, place.address_line] if part)
    return {
        "url": url,
        "summary": event.title,
        "description": "\n\n".join(
            part for part in [event.teaser, plain_text(event.description), url] if part
        ),
        "location": location or None,
        "categories": [category.name for category in event.categories.all()],
        "stamp": event.updated_at,
        "created": event.created_at,
        "last_modified": event.updated_at,
    }


def vevent(occurrence, shared):
    """One occurrence as a VEVENT; shared holds its event's event_properties."""
    event = occurrence.event
    if occurrence.all_day:
        start = localize(occurrence.start).date()
        end = localize(occurrence.end).date()
    else:
        start = occurrence.start.astimezone(local_zone())
        end = occurrence.end.astimezone(local_zone())
    component = icalendar.Event.new(
        uid=occurrence.ical_uid,
        start=start,
        end=end,
        sequence=event.sequence + occurrence.sequence,
        status="CANCELLED" if occurrence.is_cancelled else "CONFIRMED",
        **shared,
    )
    place = event.place
    if place and place.latitude is not None and place.longitude is not None:
        component.add("geo", (float(place.latitude), float(place.longitude)))
    if occurrence.all_day:
        component.add("transp", "TRANSPARENT")
    return component


def render_calendar(request, name, occurrences):
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        name=name,
        refresh_interval=REFRESH_INTERVAL,
        method="PUBLISH",
        calscale="GREGORIAN",
    )
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("x-published-ttl", REFRESH_INTERVAL)
    shared = {}
    for occurrence in occurrences:
        if occurrence.event_id not in shared:
            shared[occurrence.event_id] = event_properties(occurrence.event, request)
        calendar.add_component(vevent(occurrence, shared[occurrence.event_id]))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def ics_response(request, name, filename, occurrences):
    """The rendered calendar, cached under its ETag (the ETag changes with any change)."""
    cache_key = f"ics:{feed_etag(request)}"
    body = cache.get(cache_key)
    if body is None:
        body = render_calendar(request, name, domain.with_event_details(occurrences))
        cache.set(cache_key, body, timeout=REFRESH_INTERVAL.total_seconds())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}.ics"'
    response["Cache-Control"] = "public, max-age=900"
    return response


def invalid_filter(form):
    return HttpResponseBadRequest(
        "\n".join(form.error_messages()), content_type="text/plain; charset=utf-8"
    )


def filtered_ics(request, name, filename, scope=None):
    """The ICS feed of the filter in the query string, narrowed by scope."""
    form = CalendarFilterForm(request.GET)
    if not form.is_valid():
        return invalid_filter(form)
    occurrences = feed_occurrences(form)
    if scope is not None:
        occurrences = scope(occurrences)
    return ics_response(request, name, filename, occurrences)


@conditional_feed
def calendar_ics(request):
    name = _("Events in %(town)s") % {"town": settings.TOWN_NAME}
    return filtered_ics(request, name, "kalender")


@conditional_feed
def district_ics(request, slug):
    district = get_object_or_404(District, slug=slug)
    name = _("Events in %(district)s") % {"district": district.name}
    return filtered_ics(
        request, name, district.slug, lambda occurrences: occurrences.filter(district=district)
    )


@conditional_feed
def organization_ics(request, slug):
    organization = get_object_or_404(Organization, slug=slug)
    name = _("Events of %(organization)s") % {"organization": organization.name}
    return filtered_ics(
        request,
        name,
        organization.slug,
        lambda occurrences: domain.with_organizers(occurrences, [organization]),
    )


@conditional_feed
def event_ics(request, pk):
    event = get_object_or_404(Event, pk=pk)
    if not event.is_listed:
        raise Http404
    start = timezone.now() - dt.timedelta(days=FEED_DAYS_BACK)
    occurrences = domain.occurrences_between(event.occurrences.all(), start, None)
    return ics_response(request, event.title, f"veranstaltung-{event.pk}", occurrences)


class UpcomingRssFeed(Feed):
    """The next events (one item per date), with the same filters as the agenda."""

    # One instance serves every request: per-request state lives on the request.
    def __call__(self, request, *args, **kwargs):
        form = CalendarFilterForm(request.GET)
        if not form.is_valid():
            return invalid_filter(form)
        request.calendar_filter = form
        return conditional_feed(super().__call__)(request, *args, **kwargs)

    def get_object(self, request):
        return request.calendar_filter

    def title(self, form):
        return _("Events in %(town)s") % {"town": settings.TOWN_NAME}

    def link(self, form):
        query = form.query_string()
        return reverse("events:agenda") + (f"?{query}" if query else "")

    def description(self, form):
        return _("The next events in the city calendar of %(town)s.") % {"town": settings.TOWN_NAME}

    def items(self, form):
        start = timezone.now()
        occurrences = domain.occurrences_between(
            form.filter(domain.listed_occurrences()), start, None
        )
        return list(domain.with_event_details(occurrences)[:RSS_ITEMS])

    def item_title(self, occurrence):
        when = date_format(localize(occurrence.start), "SHORT_DATETIME_FORMAT")
        if occurrence.all_day:
            when = date_format(localize(occurrence.start), "SHORT_DATE_FORMAT")
        title = f"{when}: {occurrence.event.title}"
        if occurrence.is_cancelled:
            title = _("Cancelled: %(title)s") % {"title": title}
        return title

    def item_description(self, occurrence):
        event = occurrence.event
        return event.teaser or plain_text(event.description)[:500]

    def item_link(self, occurrence):
        return f"{occurrence.event.get_absolute_url()}?occurrence={occurrence.pk}"

    def item_guid(self, occurrence):
        return occurrence.ical_uid

    item_guid_is_permalink = False

    def item_pubdate(self, occurrence):
        return occurrence.event.created_at

    def item_updateddate(self, occurrence):
        return occurrence.event.updated_at

    def item_categories(self, occurrence):
        return [category.name for category in occurrence.event.categories.all()]


class UpcomingAtomFeed(UpcomingRssFeed):
    feed_type = Atom1Feed

    def subtitle(self, form):
        return self.description(form)
