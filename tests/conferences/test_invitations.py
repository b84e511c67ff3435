"""Invitations by mail with an iCalendar invitation: members get the whole agenda,
subscribers the public part with the sign-up and unsubscribe links; updates raise the
SEQUENCE, a cancellation is METHOD:CANCEL; a double click sends nothing twice."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from quartiersnetz.conferences.domain import invitations, meetings
from quartiersnetz.conferences.models import Meeting, Registration, Subscriber
from quartiersnetz.core.activity import history
from quartiersnetz.core.mail import send
from tests.conferences.meeting_helpers import (
    ROLES,
    ahead,
    client_as,
    ics_attachment,
    parse_ics,
    people,
)
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    MeetingFactory,
    PlaceFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


@pytest.fixture
def holthausen():
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    return ConferenceFactory(
        name="Stadtteilkonferenz Holthausen",
        districts=[district],
        contact_email="holthausen@example.org",
    )


@pytest.fixture
def roles(holthausen):
    return people(holthausen)


@pytest.fixture
def moderator(roles):
    return roles["moderator"]


@pytest.fixture
def meeting(holthausen, roles):
    place = PlaceFactory(name="Gemeinschaftsraum hwg", district=holthausen.districts.get())
    meeting = MeetingFactory(conference=holthausen, place=place, title="Frühjahrssitzung")
    AgendaItemFactory(meeting=meeting, position=1, title="Spielplatz Bruchfeld")
    AgendaItemFactory(
        meeting=meeting, position=2, title="Haushalt des Fördervereins", is_public=False
    )
    return meeting


@pytest.fixture
def subscriber(holthausen):
    return Subscriber.objects.create(
        conference=holthausen, email="nachbarin@example.org", confirmed_at=timezone.now()
    )


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def only_mail_to(address):
    found = mails_to(address)
    assert len(found) == 1, [message.to for message in mail.outbox]
    return found[0]


def invite_url(meeting):
    return reverse(
        "conferences:meeting-invite", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )


def a_minute_later(meeting):
    Meeting.objects.filter(pk=meeting.pk).update(
        invited_at=timezone.now() - dt.timedelta(minutes=2)
    )
    meeting.refresh_from_db()


# --- The invitation ------------------------------------------------------------------


def test_members_receive_the_whole_agenda_and_an_ics_request(meeting, moderator, roles):
    count = invitations.send_invitations(meeting, moderator)

    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.INVITED
    assert meeting.invited_at is not None
    assert count == 2  # the member and the moderator; nobody subscribed
    message = only_mail_to("mitglied@example.org")
    assert "Frühjahrssitzung" in message.subject
    assert "Spielplatz Bruchfeld" in message.body
    assert "Haushalt des Fördervereins" in message.body
    assert german("internal", context="agenda item for members only") in message.body
    assert message.reply_to == ["holthausen@example.org"]
    assert "List-Unsubscribe" not in message.extra_headers

    text, mimetype = ics_attachment(message)
    assert mimetype.startswith("text/calendar; method=REQUEST")
    calendar, event = parse_ics(text)
    assert calendar["METHOD"] == "REQUEST"
    assert str(event["UID"]) == meeting.ical_uid
    assert event["SEQUENCE"] == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event.start == meeting.start
    assert event.start.utcoffset() == dt.timedelta(0)
    assert event.end == meeting.end
    assert "DTSTAMP" in event
    assert str(event["ORGANIZER"]) == "mailto:holthausen@example.org"
    attendee = event["ATTENDEE"]
    assert str(attendee) == "mailto:mitglied@example.org"
    assert attendee.params["PARTSTAT"] == "NEEDS-ACTION"
    assert attendee.params["RSVP"] == "FALSE"
    assert "Haushalt des Fördervereins" in str(event["DESCRIPTION"])
    assert "Gemeinschaftsraum hwg" in str(event["LOCATION"])
    assert history(meeting).first().action == "invited"


def test_one_mail_per_person_each_naming_its_attendee(meeting, moderator):
    invitations.send_invitations(meeting, moderator)

    attendees = []
    for message in mail.outbox:
        assert len(message.to) == 1
        _calendar, event = parse_ics(ics_attachment(message)[0])
        attendees.append(str(event["ATTENDEE"]).removeprefix("mailto:"))
    assert sorted(attendees) == sorted(address for message in mail.outbox for address in message.to)


def test_subscribers_receive_the_public_part_with_sign_up_and_unsubscribe_links(
    meeting, moderator, subscriber
):
    Subscriber.objects.create(conference=meeting.conference, email="unbestaetigt@example.org")

    invitations.send_invitations(meeting, moderator)

    message = only_mail_to("nachbarin@example.org")
    assert "Spielplatz Bruchfeld" in message.body
    assert "Haushalt" not in message.body
    signup = f"https://quartiersnetz.example{meeting.get_absolute_url()}#anmelden"
    assert signup in message.body
    unsubscribe = reverse("conferences:unsubscribe", kwargs={"token": subscriber.token})
    assert f"https://quartiersnetz.example{unsubscribe}" in message.body
    assert message.extra_headers["List-Unsubscribe"] == (
        f"<https://quartiersnetz.example{unsubscribe}>"
    )
    _calendar, event = parse_ics(ics_attachment(message)[0])
    assert "Haushalt" not in str(event["DESCRIPTION"])
    assert str(event["ATTENDEE"]) == "mailto:nachbarin@example.org"
    # Unconfirmed addresses receive nothing.
    assert mails_to("unbestaetigt@example.org") == []


def test_a_member_who_also_subscribed_receives_one_mail(meeting, moderator):
    Subscriber.objects.create(
        conference=meeting.conference, email="Mitglied@example.org", confirmed_at=timezone.now()
    )

    invitations.send_invitations(meeting, moderator)

    message = only_mail_to("mitglied@example.org")
    assert "Haushalt des Fördervereins" in message.body
    assert mails_to("Mitglied@example.org") == []


def test_a_members_only_meeting_is_not_sent_to_subscribers(holthausen, moderator, subscriber):
    meeting = MeetingFactory(conference=holthausen, is_public=False)

    invitations.send_invitations(meeting, moderator)

    assert mails_to("nachbarin@example.org") == []
    assert mails_to("mitglied@example.org")


def test_former_members_and_members_without_address_are_not_invited(meeting, moderator):
    ConferenceMembershipFactory(
        conference=meeting.conference,
        user=None,
        name="Ehemalig",
        email="ehemalig@example.org",
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2021, 1, 1),
    )
    ConferenceMembershipFactory(conference=meeting.conference, user=None, name="Ohne", email="")
    ConferenceMembershipFactory(
        conference=meeting.conference, user=None, name="Greta Gast", email="greta@example.org"
    )

    invitations.send_invitations(meeting, moderator)

    assert mails_to("ehemalig@example.org") == []
    assert "Greta Gast" in only_mail_to("greta@example.org").body
    assert len(mail.outbox) == 3


def test_nobody_to_invite_is_refused(holthausen, moderator):
    lonely = ConferenceFactory(name="Neue Runde")
    meeting = MeetingFactory(conference=lonely)

    with pytest.raises(ValidationError):
        invitations.send_invitations(meeting, moderator)
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PLANNED


# --- Sending through the page --------------------------------------------------------


def test_the_preview_shows_the_recipients_and_the_agenda(client, meeting, moderator, subscriber):
    response = client_as(client, moderator).get(invite_url(meeting))

    text = page(response)
    assert response.status_code == 200
    assert "Haushalt des Fördervereins" in text
    assert "2 " in text  # two members
    with translation.override("de"):
        button = ngettext(
            "Send the invitation to %(counter)s person",
            "Send the invitation to %(counter)s people",
            3,
        ) % {"counter": 3}
    assert button in text
    assert mail.outbox == []


def test_a_double_click_sends_the_invitations_once(client, meeting, moderator):
    client_as(client, moderator)
    first = client.post(invite_url(meeting))
    second = client.post(invite_url(meeting), follow=True)

    assert first.status_code == 302
    assert len(mail.outbox) == 2
    assert german(
        "The invitations have just been sent. Wait a minute before sending them again."
    ) in page(second)
    meeting.refresh_from_db()
    assert meeting.sequence == 0


def test_sending_again_later_is_an_update_with_a_raised_sequence(meeting, moderator):
    invitations.send_invitations(meeting, moderator)
    a_minute_later(meeting)
    mail.outbox.clear()

    invitations.send_invitations(meeting, moderator)

    _calendar, event = parse_ics(ics_attachment(only_mail_to("mitglied@example.org"))[0])
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == meeting.ical_uid
    assert history(meeting).first().action == "invited again"


@pytest.mark.parametrize("role", ROLES)
def test_who_may_send_invitations(client, meeting, roles, role):
    client_as(client, roles[role])
    preview = client.get(invite_url(meeting))
    response = client.post(invite_url(meeting))

    managers = role in ("moderator", "coordinator", "editor")
    if role == "anonymous":
        assert (preview.status_code, response.status_code) == (302, 302)
        assert "/accounts/" in response["Location"] or "login" in response["Location"]
    elif managers:
        assert preview.status_code == 200
        assert response.status_code == 302
    else:
        assert (preview.status_code, response.status_code) == (403, 403)
    assert bool(mail.outbox) == managers
    assert (Meeting.objects.get(pk=meeting.pk).state == Meeting.State.INVITED) == managers


def test_a_past_or_cancelled_meeting_is_not_invited_to(holthausen, moderator, roles):
    past = MeetingFactory(
        conference=holthausen,
        start=timezone.now() - dt.timedelta(hours=3),
        end=timezone.now() - dt.timedelta(hours=1),
    )
    cancelled = MeetingFactory(conference=holthausen, state="cancelled")

    for meeting in (past, cancelled):
        with pytest.raises(ValidationError):
            invitations.send_invitations(meeting, moderator)
    assert mail.outbox == []


# --- Updates and the cancellation ----------------------------------------------------


def register(meeting, email, status):
    return Registration.objects.create(
        meeting=meeting, name="Rita Runge", email=email, status=status, confirmed_at=timezone.now()
    )


def test_a_new_time_reaches_everyone_invited_as_an_update(meeting, moderator, subscriber):
    invitations.send_invitations(meeting, moderator)
    seat = register(meeting, "rita@example.org", Registration.Status.CONFIRMED)
    mail.outbox.clear()

    meetings.update_meeting(meeting, {"start": ahead(30, 18), "end": ahead(30, 20)}, moderator)

    meeting.refresh_from_db()
    assert meeting.sequence == 1
    member = only_mail_to("mitglied@example.org")
    calendar, event = parse_ics(ics_attachment(member)[0])
    assert calendar["METHOD"] == "REQUEST"
    assert event["SEQUENCE"] == 1
    assert str(event["UID"]) == meeting.ical_uid
    assert event.start == ahead(30, 18)
    assert "Haushalt" in member.body
    citizen = only_mail_to("nachbarin@example.org")
    assert "Haushalt" not in citizen.body
    assert "List-Unsubscribe" in citizen.extra_headers
    signed_up = only_mail_to("rita@example.org")
    assert reverse("conferences:registration", kwargs={"token": seat.token}) in signed_up.body
    assert "Haushalt" not in signed_up.body
    assert "update sent" in [entry.action for entry in history(meeting)]


def test_a_new_note_does_not_send_an_update(meeting, moderator):
    invitations.send_invitations(meeting, moderator)
    mail.outbox.clear()

    meetings.update_meeting(meeting, {"note": "Kaffee und Kuchen"}, moderator)

    assert Meeting.objects.get(pk=meeting.pk).sequence == 0
    assert mail.outbox == []


def test_an_edit_through_the_form_sends_the_update(client, meeting, moderator):
    invitations.send_invitations(meeting, moderator)
    mail.outbox.clear()
    local = timezone.localtime(meeting.start)

    response = client_as(client, moderator).post(
        reverse(
            "conferences:meeting-edit",
            kwargs={"slug": meeting.conference.slug, "pk": meeting.pk},
        ),
        {
            "date": local.date().isoformat(),
            "start_time": "18:00",
            "end_time": "20:00",
            "place": meeting.place_id,
            "is_public": "on",
        },
    )

    assert response.status_code == 302
    assert len(mail.outbox) == 2
    _calendar, event = parse_ics(ics_attachment(mail.outbox[0])[0])
    assert event["SEQUENCE"] == 1


def test_the_cancellation_is_a_cancel_for_everyone_concerned(meeting, moderator, subscriber):
    invitations.send_invitations(meeting, moderator)
    register(meeting, "sitz@example.org", Registration.Status.CONFIRMED)
    register(meeting, "warte@example.org", Registration.Status.WAITING)
    register(meeting, "offen@example.org", Registration.Status.UNCONFIRMED)
    register(meeting, "weg@example.org", Registration.Status.CANCELLED)
    mail.outbox.clear()

    meetings.cancel_meeting(meeting, "Der Raum ist nicht verfügbar.", moderator)

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == [
        "mitglied@example.org",
        "moderatorin@example.org",
        "nachbarin@example.org",
        "sitz@example.org",
        "warte@example.org",
    ]
    for message in mail.outbox:
        assert "Der Raum ist nicht verfügbar." in message.body
        text, mimetype = ics_attachment(message)
        assert mimetype.startswith("text/calendar; method=CANCEL")
        calendar, event = parse_ics(text)
        assert calendar["METHOD"] == "CANCEL"
        assert event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 1
        assert str(event["UID"]) == meeting.ical_uid
    assert "List-Unsubscribe" in only_mail_to("nachbarin@example.org").extra_headers


def test_mail_without_attachments_still_works():
    send("Hallo", "Text", ["a@example.org"])

    assert mail.outbox[0].attachments == []
    assert mail.outbox[0].subject.endswith("Hallo")
