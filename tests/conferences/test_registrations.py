"""Citizens sign up for public meetings: the confirmation by mail, seats and the waiting
list, cancelling and promotion, refusals, bots and floods, the moderators' list; and on
PostgreSQL, many confirmations and cancellations at the same moment."""

import csv
import datetime as dt
import io
import re
import threading

import pytest
from django.core import mail
from django.db import connection
from django.template import Context, RequestContext, Template
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from quartiersnetz.conferences.domain import meetings, registrations
from quartiersnetz.conferences.models import Registration
from quartiersnetz.conferences.views import signup
from quartiersnetz.core.activity import history
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db

Status = Registration.Status
TOKEN_LINK = re.compile(r"https://quartiersnetz\.example/konferenzen/anmeldung/([-\w]+)/")


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def meeting():
    return MeetingFactory(state="invited", capacity=2, title="Stadtteilkonferenz im Mai")


def sign_up_url(meeting):
    return reverse(
        "conferences:sign-up", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )


def registration_url(registration):
    return reverse("conferences:registration", kwargs={"token": registration.token})


def list_url(meeting):
    return reverse(
        "conferences:registrations", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )


def sign_up(client, meeting, **data):
    values = {"name": "Erika Muster", "email": "erika@example.org", "accessibility_needs": ""}
    values.update(data)
    return client.post(sign_up_url(meeting), values)


def link_in(message):
    match = TOKEN_LINK.search(message.body)
    assert match, message.body
    return match.group(1)


def confirmed_registration(meeting, name, email, **extra):
    registration = Registration.objects.create(meeting=meeting, name=name, email=email, **extra)
    return registrations.confirm(registration)


# --- Sign-up and confirmation ----------------------------------------------------------


def test_sign_up_mails_a_link_whose_page_confirms_only_by_button(client, meeting):
    response = sign_up(client, meeting, email="Erika@Example.ORG", accessibility_needs="Rampe")

    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    registration = Registration.objects.get()
    assert registration.status == Status.UNCONFIRMED
    assert registration.email == "erika@example.org"
    assert registration.accessibility_needs == "Rampe"
    [message] = mail.outbox
    assert message.to == ["erika@example.org"]
    # German and English in one mail.
    assert " / " in message.subject
    assert "Please confirm your sign-up: Stadtteilkonferenz im Mai" in message.subject
    assert link_in(message) == registration.token

    # A mail scanner opens the link: nothing happens.
    opened = client.get(registration_url(registration))
    assert opened.status_code == 200
    assert 'name="action" value="confirm"' in opened.content.decode()
    assert opened["X-Robots-Tag"] == "noindex"
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED

    confirmed = client.post(registration_url(registration), {"action": "confirm"}, follow=True)
    registration.refresh_from_db()
    assert registration.status == Status.CONFIRMED
    assert registration.confirmed_at is not None
    assert "Thank you: your seat is reserved." in page(confirmed)
    assert "Cancel my sign-up" in page(confirmed)
    seat = mail.outbox[-1]
    assert "Your seat: Stadtteilkonferenz im Mai" in seat.subject
    assert registration_url(registration) in seat.body
    ics = reverse(
        "conferences:meeting-ics", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )
    assert ics in seat.body
    assert [entry.action for entry in history(registration)] == [
        registrations.Action.CONFIRMED,
        registrations.Action.SIGNED_UP,
    ]


def test_a_full_meeting_puts_people_on_the_waiting_list_and_a_cancel_promotes_the_first(
    client, meeting
):
    anna = confirmed_registration(meeting, "Anna", "anna@example.org")
    bernd = confirmed_registration(meeting, "Bernd", "bernd@example.org")
    mail.outbox.clear()

    sign_up(client, meeting, name="Clara", email="clara@example.org")
    sign_up(client, meeting, name="Dieter", email="dieter@example.org")
    clara = Registration.objects.get(email="clara@example.org")
    dieter = Registration.objects.get(email="dieter@example.org")
    client.post(registration_url(clara), {"action": "confirm"})
    response = client.post(registration_url(dieter), {"action": "confirm"}, follow=True)

    clara.refresh_from_db()
    dieter.refresh_from_db()
    assert (clara.status, dieter.status) == (Status.WAITING, Status.WAITING)
    assert "you are number 2 on the waiting list" in page(response)
    waiting_mail = mail.outbox[-1]
    assert waiting_mail.to == ["dieter@example.org"]
    assert "you are number 2 on the waiting list" in waiting_mail.body
    assert registrations.seats_left(meeting) == 0
    mail.outbox.clear()

    response = client.post(registration_url(bernd), {"action": "cancel"}, follow=True)

    assert "Your sign-up has been cancelled." in page(response)
    bernd.refresh_from_db()
    clara.refresh_from_db()
    dieter.refresh_from_db()
    assert bernd.status == Status.CANCELLED
    assert bernd.cancelled_at is not None
    assert clara.status == Status.CONFIRMED
    assert dieter.status == Status.WAITING
    assert registrations.waiting_position(dieter) == 1
    [promoted] = mail.outbox
    assert promoted.to == ["clara@example.org"]
    assert "A seat became free: Stadtteilkonferenz im Mai" in promoted.subject
    assert registration_url(clara) in promoted.body
    # Anna keeps her seat; a waiting person who leaves sets no seat free.
    client.post(registration_url(dieter), {"action": "cancel"})
    anna.refresh_from_db()
    assert anna.status == Status.CONFIRMED
    assert len(mail.outbox) == 1


def test_signing_up_twice_makes_one_sign_up_and_mails_what_applies(client, meeting):
    first = sign_up(client, meeting)
    second = sign_up(client, meeting, email=" ERIKA@example.org ", name="Erika M.")

    assert first.status_code == second.status_code == 302
    registration = Registration.objects.get()
    assert registration.name == "Erika Muster"
    assert [link_in(message) for message in mail.outbox] == [registration.token] * 2

    registrations.confirm(registration)
    mail.outbox.clear()
    third = sign_up(client, meeting)

    assert third.status_code == 302
    assert Registration.objects.count() == 1
    [message] = mail.outbox
    assert "You are signed up already" in message.subject
    assert "you have a seat." in message.body
    # The page says the same in every case: nobody learns who signed up.
    messages = [str(m).lower() for m in third.wsgi_request._messages]
    assert len(messages) == 3
    assert set(messages) == {
        "thank you. we have sent a mail to erika@example.org. please open the link in it to "
        "confirm your sign-up. if it does not arrive within a few minutes, look in your spam "
        "folder."
    }


def test_a_new_sign_up_after_cancelling_is_a_new_one(client, meeting):
    sign_up(client, meeting)
    old = Registration.objects.get()
    registrations.confirm(old)
    registrations.cancel(old)

    sign_up(client, meeting)

    assert Registration.objects.count() == 2
    new = Registration.objects.exclude(pk=old.pk).get()
    assert new.status == Status.UNCONFIRMED
    assert new.token != old.token


def test_confirming_or_cancelling_twice_changes_nothing(client, meeting):
    sign_up(client, meeting)
    registration = Registration.objects.get()
    client.post(registration_url(registration), {"action": "confirm"})
    mail.outbox.clear()

    again = client.post(registration_url(registration), {"action": "confirm"}, follow=True)

    assert again.status_code == 200
    assert "You have already confirmed this sign-up." in page(again)
    assert mail.outbox == []
    registration.refresh_from_db()
    confirmed_at = registration.confirmed_at
    assert registration.status == Status.CONFIRMED

    client.post(registration_url(registration), {"action": "cancel"})
    twice = client.post(registration_url(registration), {"action": "cancel"}, follow=True)

    assert "This sign-up has already been cancelled." in page(twice)
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert registration.confirmed_at == confirmed_at
    # A cancelled sign-up cannot be confirmed again by its old link.
    refused = client.post(registration_url(registration), {"action": "confirm"})
    assert refused.status_code == 400
    registration.refresh_from_db()
    assert registration.status == Status.CANCELLED


def test_an_unknown_action_or_token_is_refused(client, meeting):
    sign_up(client, meeting)
    registration = Registration.objects.get()

    assert client.post(registration_url(registration), {"action": "delete"}).status_code == 400
    missing = client.get(reverse("conferences:registration", kwargs={"token": "nix"}))
    assert missing.status_code == 404
    assert "Sign-up not found" in page(missing)
    assert (
        client.post(
            reverse("conferences:registration", kwargs={"token": "nix"}), {"action": "confirm"}
        ).status_code
        == 404
    )
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED


def test_the_link_of_a_past_meeting_says_so_and_confirms_nothing(client, meeting):
    sign_up(client, meeting)
    registration = Registration.objects.get()
    meeting.start = timezone.now() - dt.timedelta(hours=1)
    meeting.end = timezone.now() + dt.timedelta(hours=1)
    meeting.save()

    opened = client.get(registration_url(registration))
    assert "This meeting has already begun or taken place" in page(opened)
    assert 'value="confirm"' not in opened.content.decode()

    refused = client.post(registration_url(registration), {"action": "confirm"})
    assert refused.status_code == 400
    assert "This meeting has already begun or taken place" in page(refused)
    registration.refresh_from_db()
    assert registration.status == Status.UNCONFIRMED
    # Who had a seat stays on the meeting's record.
    seated = confirmed_registration(
        MeetingFactory(state="invited", conference=meeting.conference), "Anna", "anna@example.org"
    )
    seated.meeting.start = timezone.now() - dt.timedelta(hours=3)
    seated.meeting.end = timezone.now() - dt.timedelta(hours=1)
    seated.meeting.save()
    assert client.post(registration_url(seated), {"action": "cancel"}).status_code == 400
    seated.refresh_from_db()
    assert seated.status == Status.CONFIRMED


# --- Refusals, bots and floods -----------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"state": "planned"}, "The sign-up opens when the invitations have been sent."),
        ({"state": "cancelled"}, "This meeting has been cancelled."),
        ({"state": "held"}, "This meeting has already taken place."),
        (
            {
                "start": timezone.now() - dt.timedelta(days=2),
                "end": timezone.now() - dt.timedelta(days=2, hours=-2),
            },
            "This meeting has already taken place.",
        ),
    ],
)
def test_sign_up_is_refused_with_a_reason_when_closed(client, meeting, changes, message):
    for name, value in changes.items():
        setattr(meeting, name, value)
    meeting.save()

    response = sign_up(client, meeting)

    assert response.status_code == 400
    assert message in page(response)
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_members_only_meetings_take_no_sign_ups(client, meeting):
    meeting.is_public = False
    meeting.save()
    member = ConferenceMembershipFactory(conference=meeting.conference).user

    assert sign_up(client, meeting).status_code == 404
    client.force_login(member)
    response = sign_up(client, meeting)

    assert response.status_code == 400
    assert "Only the members of the conference take part in this meeting." in page(response)
    assert not Registration.objects.exists()


def test_an_invalid_form_comes_back_with_errors_and_the_input(client, meeting):
    response = sign_up(
        client, meeting, name="", email="keine-adresse", accessibility_needs="x" * 1001
    )

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "email", "accessibility_needs"}
    assert 'value="keine-adresse"' in response.content.decode()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_bot_that_fills_the_trap_is_told_the_usual_and_nothing_is_saved(client, meeting):
    response = sign_up(client, meeting, homepage="https://spam.example")

    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_too_many_sign_ups_from_one_connection_are_refused_with_429(client, meeting):
    meeting.capacity = None
    meeting.save()
    for number in range(signup.SIGN_UPS_PER_HOUR):
        assert sign_up(client, meeting, email=f"person{number}@example.org").status_code == 302

    response = sign_up(client, meeting, name="Zu Viel", email="zu-viel@example.org")

    assert response.status_code == 429
    assert "too many sign-ups from your connection" in page(response)
    # The input stays, so the person can copy it.
    assert 'value="zu-viel@example.org"' in response.content.decode()
    assert Registration.objects.count() == signup.SIGN_UPS_PER_HOUR
    # Another connection is not affected.
    other = Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="192.0.2.7")
    assert sign_up(other, meeting, email="other@example.org").status_code == 302


def test_markup_in_a_name_is_shown_as_text_in_pages_and_mails(client, meeting):
    attack = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    moderator = UserFactory(is_moderator=True)
    sign_up(client, meeting, name=f"Eve {attack}", accessibility_needs=attack)
    registration = Registration.objects.get()
    assert registration.name == f"Eve {attack}"

    own = client.get(registration_url(registration)).content.decode()
    client.force_login(moderator)
    listed = client.get(list_url(meeting)).content.decode()

    for content in (own, listed):
        assert "<script>alert" not in content
        assert "<img src=x" not in content
        assert "&lt;script&gt;alert" in content
    # Mails are plain text only: the name is text there, nothing renders it as HTML.
    [message] = mail.outbox
    assert message.content_subtype == "plain"
    assert not getattr(message, "alternatives", [])
    assert f"Eve {attack}" in message.body


# --- Seats, capacity ------------------------------------------------------------------------


def test_seats_left_counts_confirmed_sign_ups_only(meeting):
    assert registrations.seats_left(meeting) == 2
    confirmed_registration(meeting, "Anna", "anna@example.org")
    Registration.objects.create(meeting=meeting, name="Offen", email="offen@example.org")
    assert registrations.seats_left(meeting) == 1
    meeting.capacity = None
    assert registrations.seats_left(meeting) is None


def test_a_lower_capacity_keeps_everybody_and_new_confirmations_wait(meeting):
    anna = confirmed_registration(meeting, "Anna", "anna@example.org")
    bernd = confirmed_registration(meeting, "Bernd", "bernd@example.org")
    meeting.capacity = 1
    meeting.save()

    clara = confirmed_registration(meeting, "Clara", "clara@example.org")
    assert clara.status == Status.WAITING
    assert registrations.seats_left(meeting) == 0

    # Bernd leaves: Anna alone fills the one seat, Clara keeps waiting.
    assert registrations.cancel(bernd) == []
    anna.refresh_from_db()
    clara.refresh_from_db()
    assert (anna.status, clara.status) == (Status.CONFIRMED, Status.WAITING)

    # A higher capacity gives the seat to Clara.
    meeting.capacity = 2
    meeting.save()
    assert registrations.fill_free_seats(meeting) == [clara]
    clara.refresh_from_db()
    assert clara.status == Status.CONFIRMED


def test_a_cancel_after_the_meeting_was_cancelled_promotes_nobody(meeting):
    anna = confirmed_registration(meeting, "Anna", "anna@example.org")
    confirmed_registration(meeting, "Bernd", "bernd@example.org")
    clara = confirmed_registration(meeting, "Clara", "clara@example.org")
    meeting.state = "cancelled"
    meeting.save()

    assert registrations.cancel(anna) == []
    clara.refresh_from_db()
    assert clara.status == Status.WAITING


# --- The sign-up form on the meeting's page ----------------------------------------------------


def render_on_meeting_page(meeting, source):
    request = RequestFactory(HTTP_ACCEPT_LANGUAGE="en").get(meeting.get_absolute_url())
    request.user = UserFactory()
    return Template(source).render(RequestContext(request, {"meeting": meeting}))


ALL_SEATS_TAKEN = (
    "All seats are taken. If you sign up, you are put on the waiting list and get a seat "
    + "by mail as soon as someone cancels."
)


def seats_left_text(seats):
    with translation.override("de"):
        return ngettext("%(seats)s seat left.", "%(seats)s seats left.", seats) % {"seats": seats}


def test_the_tag_renders_the_form_with_the_seats_left(meeting):
    confirmed_registration(meeting, "Anna", "anna@example.org")

    for source in (
        "{% load conferences_signup %}{% signup_form meeting %}",
        '{% include "conferences/includes/signup_form.html" %}',
    ):
        content = render_on_meeting_page(meeting, source)
        assert 'id="anmelden"' in content
        assert f'action="{sign_up_url(meeting)}"' in content
        assert 'name="csrfmiddlewaretoken"' in content
        assert 'name="homepage"' in content
        assert seats_left_text(1) in content
        assert reverse("core:privacy") in content

    confirmed_registration(meeting, "Bernd", "bernd@example.org")
    content = render_on_meeting_page(
        meeting, "{% load conferences_signup %}{% signup_form meeting %}"
    )
    assert german(ALL_SEATS_TAKEN) in content
    assert german("Sign up for the waiting list") in content


def test_the_form_is_not_offered_when_closed_and_absent_for_members_only(meeting):
    meeting.state = "planned"
    content = render_on_meeting_page(
        meeting, "{% load conferences_signup %}{% signup_form meeting %}"
    )
    assert german("The sign-up opens when the invitations have been sent.") in content
    assert "<form" not in content

    meeting.is_public = False
    content = Template("{% load conferences_signup %}{% signup_form meeting %}").render(
        Context({"meeting": meeting})
    )
    assert content.strip() == ""


def test_the_sign_up_page_shows_the_form(client, meeting):
    response = client.get(sign_up_url(meeting))

    assert response.status_code == 200
    assert 'id="anmelden"' in response.content.decode()
    assert "2 seats left." in page(response)


# --- The moderators' list ------------------------------------------------------------------


@pytest.fixture
def roles(meeting):
    conference = meeting.conference
    other = ConferenceFactory()
    return {
        "anonymous": None,
        "citizen": UserFactory(),
        "member": ConferenceMembershipFactory(conference=conference).user,
        "member_elsewhere": ConferenceMembershipFactory(conference=other).user,
        "conference_moderator": ConferenceMembershipFactory(
            conference=conference, role="moderator"
        ).user,
        "coordinator": UserFactory(is_moderator=True),
        "editor": UserFactory(is_editor=True),
    }


LIST_OUTCOMES = {
    "anonymous": 302,
    "citizen": 403,
    "member": 403,
    "member_elsewhere": 403,
    "conference_moderator": 200,
    "coordinator": 200,
    "editor": 200,
}


@pytest.mark.parametrize("role", LIST_OUTCOMES)
def test_only_those_who_manage_the_conference_see_the_sign_ups(client, meeting, roles, role):
    confirmed_registration(
        meeting, "Anna Rollstuhl", "anna@example.org", accessibility_needs="Rampe"
    )
    if roles[role]:
        client.force_login(roles[role])

    response = client.get(list_url(meeting))
    csv_response = client.get(list_url(meeting), {"format": "csv"})

    assert response.status_code == csv_response.status_code == LIST_OUTCOMES[role]
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    if LIST_OUTCOMES[role] == 200:
        assert "Anna Rollstuhl" in page(response)
        assert "Rampe" in page(response)
    else:
        assert b"Anna Rollstuhl" not in response.content
        assert b"Anna Rollstuhl" not in csv_response.content


def test_the_list_groups_by_status_with_counts_and_exports_csv(client, meeting):
    anna = confirmed_registration(meeting, "Anna", "anna@example.org", accessibility_needs="Rampe")
    confirmed_registration(meeting, "Bernd", "bernd@example.org")
    confirmed_registration(meeting, "=HYPERLINK(1)", "clara@example.org")
    Registration.objects.create(meeting=meeting, name="Dora", email="dora@example.org")
    registrations.cancel(anna)
    client.force_login(UserFactory(is_moderator=True))

    response = client.get(list_url(meeting))
    text = page(response)

    assert response["Cache-Control"] == "private, no-store"
    # Bernd moved up into Anna's seat: confirmed Bernd and Clara, nobody waiting.
    counts = response.context["counts"]
    assert counts == {"confirmed": 2, "waiting": 0, "unconfirmed": 1, "cancelled": 1}
    assert text.index("Bernd") < text.index("Dora") < text.index("Anna")

    exported = client.get(list_url(meeting), {"format": "csv"})
    assert exported["Content-Type"] == "text/csv; charset=utf-8"
    assert exported["Content-Disposition"].startswith('attachment; filename="anmeldungen-')
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig")), delimiter=";"))
    assert [row[1] for row in rows[1:]] == ["Bernd", "'=HYPERLINK(1)", "Dora", "Anna"]
    assert rows[4][3] == "Rampe"

    assert client.get(list_url(meeting), {"format": "xlsx"}).status_code == 400


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_takes_the_same_queries_for_any_number(
    client, meeting, django_assert_num_queries, count
):
    for number in range(count):
        confirmed_registration(meeting, f"Person {number}", f"p{number}@example.org")
    client.force_login(UserFactory(is_moderator=True))
    client.get(list_url(meeting))  # the session is warm

    # Session, user, meeting with its conference, the sign-ups; the page's frame: site
    # settings and the user's permissions (two).
    with django_assert_num_queries(7):
        response = client.get(list_url(meeting))
    assert len(response.context["sections"][0][2]) == min(count, 2)


# --- Many at once (PostgreSQL) ------------------------------------------------------------


def run_in_threads(function, items):
    """Run function(item) for every item in its own thread, all starting together."""
    barrier = threading.Barrier(len(items))
    errors = []

    def work(item):
        try:
            # Connected before the start, so that the work itself runs at the same time.
            connection.ensure_connection()
            barrier.wait()
            function(item)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


def needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite takes no row locks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_confirmations_at_once_fill_twenty_seats_and_queue_thirty():
    needs_postgresql()
    meeting = MeetingFactory(state="invited", capacity=20)
    pending = [
        Registration.objects.create(
            meeting=meeting, name=f"Person {number}", email=f"p{number}@example.org"
        )
        for number in range(50)
    ]

    errors = run_in_threads(
        lambda registration: registrations.confirm(Registration.objects.get(pk=registration.pk)),
        pending,
    )

    assert errors == []
    statuses = list(Registration.objects.filter(meeting=meeting).values_list("status", flat=True))
    assert len(statuses) == 50
    assert statuses.count(Status.CONFIRMED) == 20
    assert statuses.count(Status.WAITING) == 30
    # The waiting list is one queue without gaps or ties.
    waiting = Registration.objects.filter(meeting=meeting, status=Status.WAITING)
    assert sorted(registrations.waiting_position(r) for r in waiting) == list(range(1, 31))
    assert len(mail.outbox) == 50


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_five_cancellations_at_once_promote_exactly_five():
    needs_postgresql()
    meeting = MeetingFactory(state="invited", capacity=20)
    everyone = [
        registrations.confirm(
            Registration.objects.create(
                meeting=meeting, name=f"Person {number}", email=f"p{number}@example.org"
            )
        )
        for number in range(30)
    ]
    seated = [r for r in everyone if r.status == Status.CONFIRMED]
    first_waiting = [r.pk for r in everyone if r.status == Status.WAITING][:5]
    mail.outbox.clear()

    errors = run_in_threads(
        lambda registration: registrations.cancel(Registration.objects.get(pk=registration.pk)),
        seated[:5],
    )

    assert errors == []
    counts = registrations.counts_by_status(meeting)
    assert counts == {"unconfirmed": 0, "confirmed": 20, "waiting": 5, "cancelled": 5}
    promoted = Registration.objects.filter(pk__in=first_waiting, status=Status.CONFIRMED)
    assert promoted.count() == 5
    assert sorted(message.to[0] for message in mail.outbox) == sorted(r.email for r in promoted)


def test_the_meeting_page_carries_the_form_and_a_sign_up_from_it_works(client, meeting):
    content = client.get(meeting.get_absolute_url()).content.decode()

    assert 'id="anmelden"' in content
    assert f'action="{sign_up_url(meeting)}"' in content
    response = sign_up(client, meeting)
    followed = client.get(response["Location"])
    assert "We have sent a mail to erika@example.org" in page(followed)


def test_raising_the_capacity_gives_the_waiting_list_its_seats():
    meeting = MeetingFactory(state="invited", capacity=1)
    now = timezone.now()
    Registration.objects.create(
        meeting=meeting, name="Anna", email="anna@example.org", status="confirmed", confirmed_at=now
    )
    waiting = Registration.objects.create(
        meeting=meeting,
        name="Bernd",
        email="bernd@example.org",
        status="waiting",
        confirmed_at=now + dt.timedelta(minutes=1),
    )
    mail.outbox.clear()

    meetings.update_meeting(meeting, {"capacity": 2}, UserFactory(is_moderator=True))

    waiting.refresh_from_db()
    assert waiting.status == "confirmed"
    assert [message.to for message in mail.outbox] == [["bernd@example.org"]]
