"""The district developer's overview of the conferences: what it shows, to whom, and
that it needs the same number of queries however many conferences there are."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.models import ActionItem, Meeting, Minutes, Registration
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import page

pytestmark = pytest.mark.django_db

DASHBOARD = "/redaktion/konferenzen/"


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def days(offset):
    return local_today() + dt.timedelta(days=offset)


def past_meeting(conference, days_ago, **kwargs):
    start = timezone.now() - dt.timedelta(days=days_ago)
    return MeetingFactory(
        conference=conference,
        start=start,
        end=start + dt.timedelta(hours=2),
        state=kwargs.pop("state", Meeting.State.HELD),
        **kwargs,
    )


def signed_up(meeting, status, count):
    for number in range(count):
        Registration.objects.create(
            meeting=meeting,
            name=f"Bürgerin {number}",
            email=f"{status}{number}-{meeting.pk}@example.org",
            status=status,
        )


def fill(conference, name):
    """A conference with a bit of everything the overview shows."""
    upcoming = MeetingFactory(
        conference=conference,
        title=f"Sitzung {name}",
        state=Meeting.State.INVITED,
        capacity=20,
    )
    signed_up(upcoming, Registration.Status.CONFIRMED, 3)
    signed_up(upcoming, Registration.Status.WAITING, 1)
    signed_up(upcoming, Registration.Status.CANCELLED, 2)
    in_review = past_meeting(conference, 30)
    Minutes.objects.create(meeting=in_review, state=Minutes.State.IN_REVIEW)
    missing = past_meeting(conference, 10)  # held, no minutes yet
    published = past_meeting(conference, 60, state=Meeting.State.MINUTES_APPROVED)
    Minutes.objects.create(meeting=published, state=Minutes.State.PUBLISHED)
    ActionItem.objects.create(
        conference=conference,
        title=f"Überfällig {name}",
        due_date=days(-3),
        assignee=ConferenceMembershipFactory(conference=conference, name=f"Person {name}"),
    )
    ActionItem.objects.create(conference=conference, title=f"Offen {name}", due_date=days(3))
    ActionItem.objects.create(
        conference=conference, title=f"Erledigt {name}", due_date=days(-9), status="done"
    )
    return upcoming, in_review, missing


@pytest.fixture
def coordinator():
    return UserFactory(email="dana@example.org", is_moderator=True)


@pytest.fixture
def holthausen():
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", slug="holthausen")


@pytest.fixture
def welper():
    return ConferenceFactory(name="Stadtteilkonferenz Welper", slug="welper")


def row_of(response, conference):
    return next(row for row in response.context["rows"] if row["conference"] == conference)


def test_the_overview_shows_each_conference_at_a_glance(client, coordinator, holthausen, welper):
    upcoming, in_review, missing = fill(holthausen, "Holthausen")
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert [row["conference"] for row in response.context["rows"]] == [holthausen, welper]

    row = row_of(response, holthausen)
    assert row["next_meeting"] == upcoming
    assert row["next_public"] == upcoming
    assert (row["next_public"].confirmed, row["next_public"].waiting, row["seats_left"]) == (
        3,
        1,
        17,
    )
    assert row["minutes_waiting"] == [in_review]
    assert row["minutes_missing"] == [missing]
    assert row["overdue_count"] == 1
    assert [item.title for item in row["overdue"]] == ["Überfällig Holthausen"]

    text = page(response)
    assert upcoming.get_absolute_url() in text
    assert reverse("conferences:minutes", kwargs={"slug": "holthausen", "pk": in_review.pk}) in text
    assert "Überfällig Holthausen" in text
    assert "Offen Holthausen" not in text
    assert "Erledigt Holthausen" not in text
    assert (
        reverse("conferences:minutes-edit", kwargs={"slug": "holthausen", "pk": missing.pk}) in text
    )
    assert (
        reverse("conferences:registrations", kwargs={"slug": "holthausen", "pk": upcoming.pk})
        in text
    )

    empty = row_of(response, welper)
    assert (empty["next_meeting"], empty["overdue_count"], empty["minutes_waiting"]) == (
        None,
        0,
        [],
    )


def test_a_members_only_meeting_is_next_but_sign_ups_are_for_the_next_public_one(
    client, coordinator, holthausen
):
    internal = MeetingFactory(
        conference=holthausen, is_public=False, start=timezone.now() + dt.timedelta(days=5)
    )
    internal.end = internal.start + dt.timedelta(hours=2)
    internal.save()
    public = MeetingFactory(conference=holthausen, capacity=None)
    signed_up(public, Registration.Status.CONFIRMED, 2)
    MeetingFactory(
        conference=holthausen,
        start=timezone.now() + dt.timedelta(days=2),
        state=Meeting.State.CANCELLED,
    )
    client.force_login(coordinator)
    row = row_of(client.get(DASHBOARD), holthausen)
    assert row["next_meeting"] == internal
    assert row["next_public"] == public
    assert (row["next_public"].confirmed, row["seats_left"]) == (2, None)


def test_a_conference_moderator_sees_only_their_conferences(client, holthausen, welper):
    fill(welper, "Welper")
    moderator = ConferenceMembershipFactory(conference=holthausen, role="moderator").user
    client.force_login(moderator)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert [row["conference"] for row in response.context["rows"]] == [holthausen]
    assert "Überfällig Welper" not in page(response)


def test_inactive_conferences_are_left_out(client, coordinator, holthausen, welper):
    welper.is_active = False
    welper.save()
    client.force_login(coordinator)
    response = client.get(DASHBOARD)
    assert [row["conference"] for row in response.context["rows"]] == [holthausen]


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 403),
        ("member", 403),
        ("moderator", 200),
        ("coordinator", 200),
        ("editor", 200),
    ],
)
def test_who_sees_the_overview(client, who, expected, coordinator, holthausen):
    people = {
        "citizen": lambda: UserFactory(),
        "member": lambda: ConferenceMembershipFactory(conference=holthausen).user,
        "moderator": lambda: (
            ConferenceMembershipFactory(conference=holthausen, role="moderator").user
        ),
        "coordinator": lambda: coordinator,
        "editor": lambda: UserFactory(is_editor=True),
    }
    if who != "anonymous":
        client.force_login(people[who]())
    response = client.get(DASHBOARD)
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def _count_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(DASHBOARD)
    assert response.status_code == 200
    return len(queries), len(response.context["rows"])


def test_the_overview_needs_the_same_number_of_queries_for_1_and_3_conferences(client, coordinator):
    fill(ConferenceFactory(), "A")
    client.force_login(coordinator)
    client.get(DASHBOARD)  # warm up caches (content types, site settings)
    one, rows = _count_queries(client)
    assert rows == 1
    fill(ConferenceFactory(), "B")
    fill(ConferenceFactory(), "C")
    three, rows = _count_queries(client)
    assert rows == 3
    assert three == one
