"""schema.org Event data (JSON-LD) for event pages, read by search engines and assistants."""

import datetime as dt
import json
import re

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from quartiersnetz.core.mail import absolute_url as absolute_url_on_site
from quartiersnetz.core.text import plain_text
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events.models import Audience, Status

SCHEMA = "https://schema.org/"

# As Django's json_script: the JSON cannot close the script element or start markup.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
# The first amount in a price text such as "5 €, ermäßigt 3 €" or "2,50 Euro".
_AMOUNT = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")


def _date_value(moment, all_day, *, is_end=False):
    """ISO 8601 with offset; all-day dates as plain dates (the end inclusive)."""
    local = localize(moment)
    if all_day:
        day = local.date()
        if is_end and local.time() == dt.time.min:
            day -= dt.timedelta(days=1)
        return day.isoformat()
    return local.isoformat()


def _event_status(event, occurrence):
    if occurrence is not None and occurrence.is_cancelled:
        return "EventCancelled", None
    if event.status == Status.CANCELLED:
        return "EventCancelled", None
    if occurrence is not None and occurrence.moved:
        return "EventRescheduled", occurrence.original_start
    if event.previous_start or event.status == Status.POSTPONED:
        return "EventRescheduled", event.previous_start
    return "EventScheduled", None


def _place(place):
    address = {"@type": "PostalAddress", "addressLocality": place.city, "addressCountry": "DE"}
    if place.street:
        address["streetAddress"] = place.street
    if place.postcode:
        address["postalCode"] = place.postcode
    data = {"@type": "Place", "name": place.name, "address": address}
    if place.latitude is not None and place.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": float(place.latitude),
            "longitude": float(place.longitude),
        }
    return data


def _location(event):
    locations = []
    if event.place is not None:
        locations.append(_place(event.place))
    if event.online_url:
        locations.append({"@type": "VirtualLocation", "url": event.online_url})
    if event.place is not None and event.online_url:
        mode = "MixedEventAttendanceMode"
    elif event.online_url:
        mode = "OnlineEventAttendanceMode"
    else:
        mode = "OfflineEventAttendanceMode"
    location = locations[0] if len(locations) == 1 else locations
    return location, mode


def _offer(event, absolute_url):
    """Price (0 when free) and where to register; None when nothing is known."""
    if not (event.is_free or event.price or event.registration_url):
        return None
    offer = {
        "@type": "Offer",
        "url": event.registration_url or absolute_url(event.get_absolute_url()),
    }
    if event.is_free:
        offer.update(price=0, priceCurrency="EUR")
    elif event.price:
        offer["description"] = event.price
        amount = _AMOUNT.search(event.price)
        if amount:
            cents = (amount.group(2) or "0").ljust(2, "0")
            offer.update(price=f"{amount.group(1)}.{cents}", priceCurrency="EUR")
    return offer


def event_data(event, occurrence=None, absolute_url=absolute_url_on_site):
    """The schema.org Event for an event, dated by one of its occurrences.

    absolute_url turns a path into an absolute URL (a request's build_absolute_uri).
    Organisers and categories should be prefetched; the place selected.
    """
    start = occurrence.start if occurrence is not None else event.start
    end = occurrence.end if occurrence is not None else event.end
    all_day = occurrence.all_day if occurrence is not None else event.all_day
    status, previous_start = _event_status(event, occurrence)
    location, mode = _location(event)
    url = absolute_url(event.get_absolute_url())
    if occurrence is not None:
        url += f"?occurrence={occurrence.pk}"

    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title,
        "url": url,
        "startDate": _date_value(start, all_day),
        "endDate": _date_value(end, all_day, is_end=True),
        "eventStatus": SCHEMA + status,
        "eventAttendanceMode": SCHEMA + mode,
    }
    description = plain_text(event.description) or event.teaser
    if description:
        data["description"] = description
    if previous_start is not None:
        data["previousStartDate"] = _date_value(previous_start, all_day)
    if location:
        data["location"] = location
    organizers = [
        {
            "@type": "Organization",
            "name": organization.name,
            "url": absolute_url(organization.get_absolute_url()),
        }
        for organization in event.organizers.all()
    ]
    if organizers:
        data["organizer"] = organizers
    offer = _offer(event, absolute_url)
    if offer is not None:
        data["offers"] = offer
    if event.is_free:
        data["isAccessibleForFree"] = True
    if event.image:
        data["image"] = absolute_url(event.image.url)
    if event.audience != Audience.EVERYONE:
        data["audience"] = {"@type": "Audience", "audienceType": str(event.get_audience_display())}
    keywords = [category.name for category in event.categories.all()]
    if keywords:
        data["keywords"] = ", ".join(keywords)
    return data


def script_json(data):
    """JSON for a <script type="application/ld+json"> data block, safe to put in HTML."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return mark_safe(text.translate(_SCRIPT_ESCAPES))
