"""Shared by the meetings part's tests: the people of every role, dates ahead, ICS parsing."""

import datetime as dt

import icalendar

from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    BERLIN,
    ConferenceFactory,
    ConferenceMembershipFactory,
    UserFactory,
)

ROLES = ("anonymous", "citizen", "member", "other_member", "moderator", "coordinator", "editor")


def people(conference):
    """One person per role towards the conference (None: not signed in)."""
    other = ConferenceFactory(name="Stadtteilkonferenz Welper")
    return {
        "anonymous": None,
        "citizen": UserFactory(email="buergerin@example.org"),
        "member": ConferenceMembershipFactory(
            conference=conference,
            user=UserFactory(email="mitglied@example.org"),
            name="Max Mitglied",
        ).user,
        "other_member": ConferenceMembershipFactory(
            conference=other, user=UserFactory(email="welper@example.org")
        ).user,
        "moderator": ConferenceMembershipFactory(
            conference=conference,
            user=UserFactory(email="moderatorin@example.org"),
            name="Mia Moderatorin",
            role="moderator",
        ).user,
        "coordinator": UserFactory(email="stadtteilentwicklung@example.org", is_moderator=True),
        "editor": UserFactory(email="redaktion@example.org", is_editor=True),
    }


def client_as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client


def ahead(days, hour=17, minute=0):
    """A local time some days from today."""
    return dt.datetime.combine(
        local_today() + dt.timedelta(days=days), dt.time(hour, minute), tzinfo=BERLIN
    )


def parse_ics(text):
    calendar = icalendar.Calendar.from_ical(text)
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    return calendar, events[0]


def ics_attachment(message):
    """(text, mimetype) of the calendar file attached to a sent mail."""
    found = [a for a in message.attachments if a[0].endswith(".ics")]
    assert len(found) == 1, message.attachments
    _filename, content, mimetype = found[0]
    return content if isinstance(content, str) else content.decode(), mimetype
