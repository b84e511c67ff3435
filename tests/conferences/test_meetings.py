"""Meetings: planning and editing one (validation, clashes), its page for every role,
cancelling and holding it, its entry in the public calendar, its calendar file and PDF."""

import datetime as dt
import sys

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.domain import agenda, invitations, meetings
from quartiersnetz.conferences.models import Meeting, Minutes
from quartiersnetz.conferences.views.meetings import invitation_context
from quartiersnetz.coordination import domain as coordination
from quartiersnetz.coordination.engine import ConflictKind
from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Occurrence, Status
from tests.conferences.meeting_helpers import ROLES, ahead, client_as, parse_ics, people
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    EventFactory,
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
def place(holthausen):
    return PlaceFactory(
        name="Gemeinschaftsraum hwg",
        district=holthausen.districts.get(),
        step_free=True,
        hearing_loop=True,
    )


@pytest.fixture
def roles(holthausen):
    return people(holthausen)


@pytest.fixture
def moderator(roles):
    return roles["moderator"]


def form_data(place=None, **changes):
    day = ahead(21)
    data = {
        "title": "",
        "date": day.date().isoformat(),
        "start_time": "17:00",
        "end_time": "19:00",
        "place": place.pk if place else "",
        "room": "",
        "online_url": "",
        "is_public": "on",
        "capacity": "20",
        "note": "Wir sprechen über den **Spielplatz**.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def create_url(conference):
    return reverse("conferences:meeting-create", kwargs={"slug": conference.slug})


def url(name, meeting):
    return reverse(
        f"conferences:{name}", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )


# --- Planning a meeting ----------------------------------------------------------------


def test_moderator_plans_a_meeting_in_local_time(client, holthausen, place, moderator):
    response = client_as(client, moderator).post(create_url(holthausen), form_data(place))

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert meeting.state == Meeting.State.PLANNED
    assert timezone.localtime(meeting.start) == ahead(21, 17)
    assert timezone.localtime(meeting.end) == ahead(21, 19)
    assert meeting.place == place
    assert meeting.capacity == 20
    assert meeting.created_by == moderator
    assert meeting.event is None  # not in the calendar before the invitations
    assert [entry.action for entry in history(meeting)] == ["created"]


def test_the_same_form_sent_twice_plans_one_meeting(client, holthausen, place, moderator):
    client_as(client, moderator)
    client.post(create_url(holthausen), form_data(place))
    client.post(create_url(holthausen), form_data(place))

    assert Meeting.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"start_time": "19:00", "end_time": "17:00"}, "The meeting must end after it starts."),
        (
            {"start_time": "06:00", "end_time": "19:00"},
            "A meeting can last at most %(hours)s hours.",
        ),
        ({"date": "2020-03-02"}, "The meeting cannot start in the past."),
    ],
)
def test_impossible_dates_are_refused_with_a_message(
    client, holthausen, place, moderator, changes, message
):
    response = client_as(client, moderator).post(
        create_url(holthausen), form_data(place, **changes)
    )

    assert response.status_code == 400
    expected = german(message, hours=12) if "%(hours)s" in message else german(message)
    assert expected in page(response)
    assert not Meeting.objects.exists()


def test_a_meeting_needs_a_place_a_room_or_an_online_link(client, holthausen, moderator):
    client_as(client, moderator)
    response = client.post(create_url(holthausen), form_data())

    assert response.status_code == 400
    assert german("Choose a place, enter a room or an online link.") in page(response)
    assert not Meeting.objects.exists()

    response = client.post(create_url(holthausen), form_data(room="Pfarrheim St. Georg"))
    assert response.status_code == 302
    assert Meeting.objects.get().room == "Pfarrheim St. Georg"


def test_a_clash_at_the_same_place_is_a_warning_not_a_refusal(client, holthausen, place, moderator):
    EventFactory(title="Chorprobe", place=place, start=ahead(21, 18), end=ahead(21, 20))
    client_as(client, moderator)

    checked = client.post(create_url(holthausen), {**form_data(place), "check": "1"})
    assert checked.status_code == 200
    assert "Chorprobe" in page(checked)
    assert not Meeting.objects.exists()

    response = client.post(create_url(holthausen), form_data(place), follow=True)
    meeting = Meeting.objects.get()
    assert "Chorprobe" in page(response)  # the warning after saving
    edit = client.get(url("meeting-edit", meeting))
    assert "Chorprobe" in page(edit)


def test_the_clash_check_answers_htmx_with_the_list_alone(client, holthausen, place, moderator):
    EventFactory(title="Chorprobe", place=place, start=ahead(21, 18), end=ahead(21, 20))
    response = client_as(client, moderator).post(
        create_url(holthausen), {**form_data(place), "check": "1"}, headers={"HX-Request": "true"}
    )

    assert "Chorprobe" in page(response)
    assert "<form" not in page(response)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_plan_a_meeting(client, holthausen, roles, role):
    response = client_as(client, roles[role]).get(create_url(holthausen))

    expected = {
        "anonymous": 302,
        "citizen": 403,
        "member": 403,
        "other_member": 403,
        "moderator": 200,
        "coordinator": 200,
        "editor": 200,
    }[role]
    assert response.status_code == expected


# --- Editing -------------------------------------------------------------------------


def test_editing_logs_the_changed_fields(client, holthausen, place, moderator):
    meeting = meetings.create_meeting(
        holthausen, {"start": ahead(10), "end": ahead(10, 19), "place": place}, moderator
    )
    response = client_as(client, moderator).post(
        url("meeting-edit", meeting),
        form_data(place, date=ahead(10).date().isoformat(), end_time="20:00"),
    )

    assert response.status_code == 302
    meeting.refresh_from_db()
    assert timezone.localtime(meeting.end) == ahead(10, 20)
    edit = history(meeting).first()
    assert edit.action == "edited"
    assert edit.changes["end"] == [
        ahead(10, 19).strftime("%Y-%m-%d %H:%M"),
        ahead(10, 20).strftime("%Y-%m-%d %H:%M"),
    ]
    # A planned meeting: nobody was invited, nobody is told.
    assert meeting.sequence == 0
    assert mail.outbox == []


def test_an_edit_with_the_end_before_the_start_is_refused(client, holthausen, place, moderator):
    meeting = MeetingFactory(conference=holthausen, place=place)
    response = client_as(client, moderator).post(
        url("meeting-edit", meeting), form_data(place, start_time="19:00", end_time="18:00")
    )

    assert response.status_code == 400
    assert german("The meeting must end after it starts.") in page(response)
    stored = Meeting.objects.get(pk=meeting.pk)
    assert stored.end == meeting.end


@pytest.mark.parametrize("role", ROLES)
def test_who_may_edit_a_meeting(client, holthausen, roles, role):
    meeting = MeetingFactory(conference=holthausen)
    response = client_as(client, roles[role]).get(url("meeting-edit", meeting))

    expected = {
        "anonymous": 302,
        "citizen": 403,
        "member": 403,
        "other_member": 403,
        "moderator": 200,
        "coordinator": 200,
        "editor": 200,
    }[role]
    assert response.status_code == expected


def test_a_member_cannot_change_a_meeting_by_posting(client, holthausen, roles, place):
    meeting = MeetingFactory(conference=holthausen, place=place)
    response = client_as(client, roles["member"]).post(
        url("meeting-edit", meeting), form_data(place, end_time="22:00")
    )

    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).end == meeting.end


# --- The meeting's page --------------------------------------------------------------


@pytest.fixture
def meeting_with_agenda(holthausen, place):
    meeting = MeetingFactory(
        conference=holthausen, place=place, state="invited", title="Frühjahrssitzung"
    )
    AgendaItemFactory(meeting=meeting, position=1, title="Begrüßung")
    budget = AgendaItemFactory(
        meeting=meeting, position=2, title="Haushalt des Fördervereins", is_public=False
    )
    AgendaItemFactory(meeting=meeting, parent=budget, position=1, title="Kassenprüfung")
    AgendaItemFactory(meeting=meeting, position=3, title="Spielplatz Bruchfeld")
    return meeting


@pytest.mark.parametrize("role", ROLES)
def test_everyone_sees_a_public_meeting_but_only_members_its_internal_items(
    client, meeting_with_agenda, roles, role
):
    response = client_as(client, roles[role]).get(meeting_with_agenda.get_absolute_url())

    assert response.status_code == 200
    text = page(response)
    assert "Frühjahrssitzung" in text
    assert "Begrüßung" in text
    assert "Spielplatz Bruchfeld" in text
    # Internal items, their sub-items and the managers' links.
    internal = "Haushalt des Fördervereins" in text
    assert internal == (role in ("member", "moderator", "coordinator", "editor"))
    assert ("Kassenprüfung" in text) == internal
    manages = (
        reverse(
            "conferences:agenda",
            kwargs={"slug": meeting_with_agenda.conference.slug, "pk": meeting_with_agenda.pk},
        )
        in text
    )
    assert manages == (role in ("moderator", "coordinator", "editor"))


def test_the_page_numbers_items_the_same_for_everyone(client, meeting_with_agenda, roles):
    citizen = page(client.get(meeting_with_agenda.get_absolute_url()))
    member = page(client_as(client, roles["member"]).get(meeting_with_agenda.get_absolute_url()))

    item = german("Item %(number)s", "agenda item number", number="3")
    assert f"{item}</span> Spielplatz Bruchfeld" in citizen
    assert f"{item}</span> Spielplatz Bruchfeld" in member
    assert (
        f"{german('Item %(number)s', 'agenda item number', number='2.1')}</span> Kassenprüfung"
        in member
    )


@pytest.mark.parametrize("role", ROLES)
def test_a_members_only_meeting_is_unknown_to_others(client, holthausen, roles, role):
    meeting = MeetingFactory(conference=holthausen, is_public=False)
    response = client_as(client, roles[role]).get(meeting.get_absolute_url())

    expected = 404 if role in ("anonymous", "citizen", "other_member") else 200
    assert response.status_code == expected


def test_the_page_shows_place_access_sign_up_and_links(client, meeting_with_agenda, place):
    text = page(client.get(meeting_with_agenda.get_absolute_url()))

    assert place.name in text
    assert place.map_url.replace("&", "&") in text
    assert german("Hearing loop") in text
    assert url("meeting-ics", meeting_with_agenda) in text
    assert url("invitation-pdf", meeting_with_agenda) in text
    assert 'id="anmelden"' in text
    assert "Spielplatz" in text


def test_the_page_links_the_minutes_once_they_are_published(client, meeting_with_agenda):
    minutes_url = url("minutes", meeting_with_agenda)
    Minutes.objects.create(meeting=meeting_with_agenda, state="approved")
    assert minutes_url not in page(client.get(meeting_with_agenda.get_absolute_url()))

    Minutes.objects.filter(meeting=meeting_with_agenda).update(state="published")
    assert minutes_url in page(client.get(meeting_with_agenda.get_absolute_url()))


def test_a_planned_meeting_has_no_sign_up_form_yet(client, holthausen):
    meeting = MeetingFactory(conference=holthausen, state="planned")
    text = page(client.get(meeting.get_absolute_url()))

    assert (
        reverse("conferences:sign-up", kwargs={"slug": holthausen.slug, "pk": meeting.pk})
        not in text
    )


# --- The calendar file and the PDF ----------------------------------------------------


def test_the_calendar_file_holds_only_what_the_person_may_see(client, meeting_with_agenda, roles):
    citizen = client.get(url("meeting-ics", meeting_with_agenda))
    assert citizen["Content-Type"].startswith("text/calendar")
    assert "attachment" in citizen["Content-Disposition"]
    calendar, event = parse_ics(citizen.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert str(event["UID"]) == meeting_with_agenda.ical_uid
    assert event.start == meeting_with_agenda.start
    assert "Spielplatz Bruchfeld" in str(event["DESCRIPTION"])
    assert "Haushalt" not in citizen.content.decode()
    assert "Kassenprüfung" not in citizen.content.decode()

    member = client_as(client, roles["member"]).get(url("meeting-ics", meeting_with_agenda))
    _calendar, event = parse_ics(member.content)
    assert "Haushalt des Fördervereins" in str(event["DESCRIPTION"])


def test_the_invitation_pdf_is_a_pdf(client, meeting_with_agenda):
    response = client.get(url("invitation-pdf", meeting_with_agenda))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert len(response.content) > 1000


def test_without_weasyprint_the_pdf_link_explains_and_points_to_the_page(
    client, monkeypatch, meeting_with_agenda
):
    # As on a server without WeasyPrint or Pango: importing it fails.
    monkeypatch.setitem(sys.modules, "weasyprint", None)

    response = client.get(url("invitation-pdf", meeting_with_agenda))

    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert meeting_with_agenda.get_absolute_url() in response.content.decode()


def _pdf_text(html):
    """The text WeasyPrint lays out from the HTML (what the PDF shows)."""
    import weasyprint

    document = weasyprint.HTML(string=html).render()
    texts = []
    for page_ in document.pages:
        stack = [page_._page_box]
        while stack:
            box = stack.pop()
            if hasattr(box, "text"):
                texts.append(box.text)
            stack.extend(getattr(box, "children", ()))
    return " ".join(texts)


def test_the_citizens_pdf_has_the_public_items_only(rf, meeting_with_agenda):
    request = rf.get("/")
    public = render_to_string(
        "conferences/meeting_invitation_pdf.html",
        invitation_context(request, meeting_with_agenda, public_only=True),
    )
    members = render_to_string(
        "conferences/meeting_invitation_pdf.html",
        invitation_context(request, meeting_with_agenda, public_only=False),
    )

    public_text = _pdf_text(public)
    assert "Frühjahrssitzung" in public_text
    assert "Spielplatz Bruchfeld" in public_text
    assert "Haushalt" not in public_text
    assert "Kassenprüfung" not in public_text
    assert "Haushalt des Fördervereins" in _pdf_text(members)


# --- Cancelling and holding ----------------------------------------------------------


def test_cancelling_asks_for_a_reason(client, holthausen, moderator):
    meeting = MeetingFactory(conference=holthausen)
    client_as(client, moderator)

    assert german("Cancellation") in page(client.get(url("meeting-cancel", meeting)))
    response = client.post(url("meeting-cancel", meeting), {"reason": " "})
    assert response.status_code == 400
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PLANNED

    response = client.post(url("meeting-cancel", meeting), {"reason": "Der Raum ist belegt."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.CANCELLED
    assert meeting.cancel_reason == "Der Raum ist belegt."
    assert meeting.sequence == 1
    # Nobody had been invited: nobody is told.
    assert mail.outbox == []
    assert "Der Raum ist belegt." in page(client.get(meeting.get_absolute_url()))


@pytest.mark.parametrize("role", ["citizen", "member", "other_member"])
def test_only_managers_cancel(client, holthausen, roles, role):
    meeting = MeetingFactory(conference=holthausen)
    response = client_as(client, roles[role]).post(
        url("meeting-cancel", meeting), {"reason": "Keine Lust"}
    )

    assert response.status_code == 403
    assert Meeting.objects.get(pk=meeting.pk).state == Meeting.State.PLANNED


def test_a_cancelled_meeting_cannot_be_cancelled_or_edited_again(holthausen, moderator):
    meeting = MeetingFactory(conference=holthausen)
    meetings.cancel_meeting(meeting, "Krankheit", moderator)

    with pytest.raises(ValidationError):
        meetings.cancel_meeting(meeting, "Nochmal", moderator)
    with pytest.raises(ValidationError):
        meetings.update_meeting(meeting, {"note": "neu"}, moderator)


def test_a_meeting_is_held_only_once_it_has_taken_place(holthausen, moderator):
    future = MeetingFactory(conference=holthausen, state="invited")
    with pytest.raises(ValidationError):
        meetings.mark_held(future, moderator)

    past = MeetingFactory(
        conference=holthausen,
        state="invited",
        start=timezone.now() - dt.timedelta(hours=3),
        end=timezone.now() - dt.timedelta(hours=1),
    )
    meetings.mark_held(past, moderator)
    past.refresh_from_db()
    assert past.state == Meeting.State.HELD
    assert history(past).first().action == "held"
    with pytest.raises(ValidationError):
        meetings.mark_held(past, moderator)


# --- The public calendar -------------------------------------------------------------


def invite(meeting, user):
    ConferenceMembershipFactory(conference=meeting.conference)
    invitations.send_invitations(meeting, user)
    meeting.refresh_from_db()
    return meeting


def test_a_public_meeting_enters_the_calendar_when_invited(client, holthausen, place, moderator):
    meeting = MeetingFactory(conference=holthausen, place=place, note="Bitte pünktlich.")
    AgendaItemFactory(meeting=meeting, title="Spielplatz Bruchfeld")
    AgendaItemFactory(meeting=meeting, title="Personalien", is_public=False)
    assert meeting.event is None

    invite(meeting, moderator)

    event = meeting.event
    assert event.status == Status.PUBLISHED
    assert event.visibility == "public"
    assert event.is_free
    assert event.contact_email == "holthausen@example.org"
    assert event.place == place
    assert list(event.categories.values_list("slug", flat=True)) == ["stadtteilkonferenz"]
    assert event.teaser == german(
        "Public meeting of the %(conference)s", conference="Stadtteilkonferenz Holthausen"
    )
    assert "Spielplatz Bruchfeld" in event.description
    assert "Personalien" not in event.description
    assert "Bitte pünktlich." in event.description
    occurrence = Occurrence.objects.get(event=event)
    assert occurrence.start == meeting.start
    assert occurrence.status == Status.PUBLISHED

    agenda_page = page(client.get(reverse("events:agenda") + "?category=stadtteilkonferenz"))
    assert meeting.display_title in agenda_page
    event_page = client.get(event.get_absolute_url())
    assert event_page.status_code == 200
    assert meeting.get_absolute_url() in page(event_page)


def test_the_calendar_entry_follows_the_agenda_and_the_date(holthausen, place, moderator):
    meeting = invite(MeetingFactory(conference=holthausen, place=place), moderator)
    item = agenda.add_item(meeting, {"title": "Neue Bänke am Markt", "is_public": True}, moderator)
    meetings.update_meeting(meeting, {"start": ahead(31), "end": ahead(31, 19)}, moderator)

    meeting.event.refresh_from_db()
    assert "Neue Bänke am Markt" in meeting.event.description
    assert Occurrence.objects.get(event=meeting.event).start == ahead(31)
    agenda.delete_item(item, moderator)
    meeting.event.refresh_from_db()
    assert "Neue Bänke" not in meeting.event.description


def test_a_members_only_meeting_has_no_calendar_entry(holthausen, moderator):
    meeting = invite(MeetingFactory(conference=holthausen, is_public=False), moderator)

    assert meeting.state == Meeting.State.INVITED
    assert meeting.event is None


def test_a_meeting_made_members_only_leaves_the_calendar(holthausen, moderator):
    meeting = invite(MeetingFactory(conference=holthausen), moderator)
    event_pk = meeting.event_id

    meetings.update_meeting(meeting, {"is_public": False}, moderator)

    meeting.refresh_from_db()
    assert meeting.event is None
    assert not Occurrence.objects.filter(event_id=event_pk).exists()


def test_a_cancelled_meeting_stays_in_the_calendar_as_cancelled(holthausen, moderator):
    meeting = invite(MeetingFactory(conference=holthausen), moderator)

    meetings.cancel_meeting(meeting, "Der Raum ist nicht verfügbar.", moderator)

    meeting.event.refresh_from_db()
    assert meeting.event.status == Status.CANCELLED
    assert Occurrence.objects.get(event=meeting.event).status == Status.CANCELLED


def test_the_date_coordination_sees_a_public_meeting(holthausen, place, moderator):
    meeting = invite(MeetingFactory(conference=holthausen, place=place), moderator)

    found = coordination.check(
        coordination.candidate_for(
            meeting.start + dt.timedelta(minutes=30),
            meeting.end + dt.timedelta(hours=1),
            place=place,
        )
    )

    same_place = [c for c in found if c.kind == ConflictKind.SAME_PLACE]
    assert [c.booking.key for c in same_place] == [f"event:{meeting.event_id}"]
    # The meeting's own check does not count its own calendar entry.
    assert not [c for c in meetings.conflicts(meeting) if c.kind == ConflictKind.SAME_PLACE]


def test_the_invitations_page_of_another_conference_is_not_reachable(client, holthausen, roles):
    other = ConferenceFactory(name="Stadtteilkonferenz Mitte")
    meeting = MeetingFactory(conference=other)
    response = client_as(client, roles["moderator"]).get(url("meeting-invite", meeting))

    assert response.status_code == 403
