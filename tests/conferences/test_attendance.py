"""Attendance taken at a meeting: members, citizens who signed up and further guests;
who may take it, and when."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.domain import registrations
from quartiersnetz.conferences.models import Attendance, Meeting, Registration
from quartiersnetz.core.activity import history
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import page

pytestmark = pytest.mark.django_db

Status = Registration.Status


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def meeting():
    """A public meeting that began an hour ago, with two seats taken and one waiting."""
    meeting = MeetingFactory(state="invited", capacity=2)
    for name in ("Anna Bürgerin", "Bernd Bürger", "Clara Wartend"):
        registrations.confirm(
            Registration.objects.create(
                meeting=meeting, name=name, email=f"{name.split()[0].lower()}@example.org"
            )
        )
    Meeting.objects.filter(pk=meeting.pk).update(
        start=timezone.now() - dt.timedelta(hours=1), end=timezone.now() + dt.timedelta(hours=1)
    )
    meeting.refresh_from_db()
    return meeting


@pytest.fixture
def members(meeting):
    conference = meeting.conference
    return {
        "moderator": ConferenceMembershipFactory(
            conference=conference, name="Mia Moderatorin", role="moderator"
        ),
        "member": ConferenceMembershipFactory(conference=conference, name="Max Mitglied"),
        "guest": ConferenceMembershipFactory(
            conference=conference, user=None, name="Greta Gast", role="guest"
        ),
        "former": ConferenceMembershipFactory(
            conference=conference,
            name="Frieda Früher",
            start_date=dt.date(2020, 1, 1),
            end_date=dt.date(2021, 1, 1),
        ),
    }


def url(meeting):
    return reverse(
        "conferences:attendance", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )


def registration(name):
    return Registration.objects.get(name=name)


def test_the_form_lists_current_members_and_citizens_with_a_seat(client, meeting, members):
    client.force_login(members["moderator"].user)

    response = client.get(url(meeting))

    assert response.status_code == 200
    text = page(response)
    for name in ("Mia Moderatorin", "Max Mitglied", "Greta Gast", "Anna Bürgerin", "Bernd Bürger"):
        assert name in text
    # Who left the conference long ago, and who only waited for a seat, are not listed.
    assert "Frieda Früher" not in text
    assert "Clara Wartend" not in text
    assert "Saving marks the meeting as held." in text


def test_saving_records_everyone_and_marks_the_meeting_held(client, meeting, members):
    moderator = members["moderator"].user
    client.force_login(moderator)
    anna = registration("Anna Bürgerin")

    response = client.post(
        url(meeting),
        {
            "members": [members["moderator"].pk, members["guest"].pk],
            "registrations": [anna.pk],
            "walk_in_count": "3",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    present = dict(Attendance.objects.filter(meeting=meeting).values_list("membership", "present"))
    assert present == {
        members["moderator"].pk: True,
        members["member"].pk: False,
        members["guest"].pk: True,
    }
    assert registration("Anna Bürgerin").attended is True
    assert registration("Bernd Bürger").attended is False
    assert registration("Clara Wartend").attended is None
    meeting.refresh_from_db()
    assert meeting.walk_in_count == 3
    assert meeting.state == Meeting.State.HELD
    entry = history(meeting).first()
    assert entry.action == registrations.Action.ATTENDANCE_RECORDED
    assert entry.actor == moderator

    # The form opens with what was saved, and a correction replaces it.
    reopened = client.get(url(meeting))
    form = reopened.context["form"]
    assert set(form.initial["members"]) == {str(members["moderator"].pk), str(members["guest"].pk)}
    assert form.initial["registrations"] == [str(anna.pk)]
    assert form.initial["walk_in_count"] == 3
    client.post(url(meeting), {"members": [members["member"].pk], "walk_in_count": "0"})
    present = dict(Attendance.objects.filter(meeting=meeting).values_list("membership", "present"))
    assert present[members["member"].pk] is True
    assert present[members["moderator"].pk] is False
    assert registration("Anna Bürgerin").attended is False
    assert Attendance.objects.filter(meeting=meeting).count() == 3
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD


def test_attendance_waits_until_the_meeting_has_begun(client, members):
    upcoming = MeetingFactory(conference=members["moderator"].conference, state="invited")
    client.force_login(members["moderator"].user)

    opened = client.get(url(upcoming))
    assert opened.status_code == 200
    assert "Attendance can be taken once the meeting has begun." in page(opened)
    assert "<form" not in opened.content.decode().split("</header>", 1)[-1].split("<footer")[0]

    response = client.post(url(upcoming), {"members": [members["member"].pk], "walk_in_count": "2"})

    assert response.status_code == 400
    assert "Attendance can be taken once the meeting has begun." in page(response)
    assert not Attendance.objects.exists()
    upcoming.refresh_from_db()
    assert (upcoming.state, upcoming.walk_in_count) == ("invited", 0)


def test_a_cancelled_meeting_takes_no_attendance(client, meeting, members):
    meeting.state = Meeting.State.CANCELLED
    meeting.save()
    client.force_login(members["moderator"].user)

    response = client.post(url(meeting), {"walk_in_count": "1"})

    assert response.status_code == 400
    assert "This meeting has been cancelled." in page(response)
    meeting.refresh_from_db()
    assert meeting.walk_in_count == 0


@pytest.mark.parametrize(
    "data",
    [
        {"walk_in_count": "-1"},
        {"walk_in_count": ""},
        {"walk_in_count": "1", "members": ["999999"]},
        {"walk_in_count": "1", "registrations": ["abc"]},
    ],
)
def test_bad_input_saves_nothing(client, meeting, members, data):
    client.force_login(members["moderator"].user)

    response = client.post(url(meeting), data)

    assert response.status_code == 400
    assert not Attendance.objects.exists()
    meeting.refresh_from_db()
    assert (meeting.state, meeting.walk_in_count) == ("invited", 0)


def test_a_waiting_citizen_cannot_be_marked_present(client, meeting, members):
    client.force_login(members["moderator"].user)
    clara = registration("Clara Wartend")

    response = client.post(url(meeting), {"registrations": [clara.pk], "walk_in_count": "0"})

    assert response.status_code == 400
    assert registration("Clara Wartend").attended is None


def test_the_domain_refuses_people_who_are_not_listed(meeting, members):
    stranger = ConferenceMembershipFactory(conference=ConferenceFactory())

    with pytest.raises(ValidationError) as refused:
        registrations.record_attendance(meeting, [stranger.pk], [], 0, None)

    assert refused.value.code == "unknown_person"
    assert not Attendance.objects.exists()


OUTCOMES = {
    "anonymous": 302,
    "citizen": 403,
    "member": 403,
    "member_elsewhere": 403,
    "conference_moderator": 200,
    "coordinator": 200,
    "editor": 200,
}


@pytest.mark.parametrize("role", OUTCOMES)
def test_only_those_who_manage_the_conference_take_attendance(client, meeting, members, role):
    users = {
        "anonymous": None,
        "citizen": UserFactory(),
        "member": members["member"].user,
        "member_elsewhere": ConferenceMembershipFactory(conference=ConferenceFactory()).user,
        "conference_moderator": members["moderator"].user,
        "coordinator": UserFactory(is_moderator=True),
        "editor": UserFactory(is_editor=True),
    }
    if users[role]:
        client.force_login(users[role])

    opened = client.get(url(meeting))
    saved = client.post(url(meeting), {"members": [members["member"].pk], "walk_in_count": "4"})

    assert opened.status_code == OUTCOMES[role]
    meeting.refresh_from_db()
    if OUTCOMES[role] == 200:
        assert saved.status_code == 302
        assert meeting.walk_in_count == 4
        assert Attendance.objects.get(membership=members["member"]).present is True
    else:
        assert saved.status_code == OUTCOMES[role]
        if role == "anonymous":
            assert saved["Location"].startswith(reverse("account_login"))
        assert meeting.walk_in_count == 0
        assert not Attendance.objects.exists()
