"""Anyone reports a published event to the editors: a form with a reason, a rate limit
and a trap for bots."""

import pytest
from django.core import mail
from django.urls import reverse

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Report, Status, Visibility
from quartiersnetz.events.workflow import Action
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


def report_url(event):
    return reverse("events:report", kwargs={"pk": event.pk})


@pytest.fixture
def event():
    return EventFactory(title="Sommerfest am Rathausplatz")


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def test_the_event_page_links_to_the_report_form(client, event):
    page = client.get(event.get_absolute_url()).content.decode()
    assert f'href="{report_url(event)}"' in page


def test_visitors_get_a_form_with_a_reason_group_a_message_and_an_email(client, event):
    response = client.get(report_url(event), **ENGLISH)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert "<legend>What is wrong with this event?</legend>" in page
    for value, label in Report.Reason.choices:
        assert f'value="{value}"' in page
        assert f"{label}</label>" in page
    assert '<label for="id_message">' in page
    assert '<label for="id_email">' in page
    assert 'class="visually-hidden-field" aria-hidden="true"' in page
    assert f'href="{event.get_absolute_url()}"' in page


def test_signed_in_people_are_not_asked_for_their_email(client, event):
    client.force_login(UserFactory())
    page = client.get(report_url(event)).content.decode()
    assert 'name="email"' not in page
    assert 'name="reason"' in page


@pytest.mark.parametrize(
    "values",
    [
        {"status": Status.DRAFT},
        {"status": Status.SUBMITTED},
        {"status": Status.REJECTED},
        {"visibility": Visibility.INTERNAL},
    ],
    ids=["draft", "submitted", "rejected", "internal"],
)
def test_only_listed_events_can_be_reported(client, values):
    hidden = EventFactory(**values)

    assert client.get(report_url(hidden)).status_code == 404
    response = client.post(report_url(hidden), {"reason": "spam"})

    assert response.status_code == 404
    assert not Report.objects.exists()


def test_unknown_event_is_not_found(client):
    assert client.get(reverse("events:report", kwargs={"pk": 987654})).status_code == 404


def test_a_visitor_reports_an_event_and_the_editors_are_told(client, event):
    editor = UserFactory(is_editor=True, email="redaktion@example.org")
    subscribe(editor, "new_reports")
    UserFactory(is_editor=True, email="stumm@example.org")

    response = client.post(
        report_url(event),
        {
            "reason": "wrong",
            "message": "Das Fest wurde auf Sonntag verlegt.",
            "email": "anwohnerin@example.org",
        },
        **ENGLISH,
    )

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    report = Report.objects.get()
    assert report.event == event
    assert report.reason == Report.Reason.WRONG
    assert report.message == "Das Fest wurde auf Sonntag verlegt."
    assert report.email == "anwohnerin@example.org"
    assert report.reporter is None
    assert report.resolved_at is None
    assert history(event).first().action == Action.REPORTED
    assert [message.to for message in mail.outbox] == [["redaktion@example.org"]]
    assert "Das Fest wurde auf Sonntag verlegt." in mail.outbox[0].body
    page = client.get(response["Location"], **ENGLISH)
    assert messages_on(page) == ["Thank you for your report. The editors will look at the event."]


@pytest.mark.parametrize("role", ["citizen", "member", "editor", "administrator"])
def test_signed_in_people_of_every_role_report_under_their_name(client, event, role):
    person = {
        "citizen": lambda: UserFactory(),
        "member": lambda: MembershipFactory().user,
        "editor": lambda: UserFactory(is_editor=True),
        "administrator": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[role]()
    client.force_login(person)

    response = client.post(report_url(event), {"reason": "spam", "email": "andere@example.org"})

    assert response.status_code == 302
    report = Report.objects.get()
    assert report.reporter == person
    assert report.email == ""
    assert history(event).first().actor == person


def test_a_report_needs_a_reason_and_keeps_the_message(client, event):
    response = client.post(report_url(event), {"message": "Hier stimmt etwas nicht."}, **ENGLISH)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reason_error"' in page
    assert "Choose a reason." in page
    assert 'aria-describedby="id_reason_error"' in page
    assert "Hier stimmt etwas nicht.</textarea>" in page
    assert not Report.objects.exists()


def test_a_message_longer_than_5000_characters_is_refused(client, event):
    response = client.post(report_url(event), {"reason": "other", "message": "x" * 5001})

    assert response.status_code == 400
    assert 'id="id_message_error"' in response.content.decode()
    assert not Report.objects.exists()


def test_an_unknown_reason_is_refused(client, event):
    response = client.post(report_url(event), {"reason": "boring"})
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_bots_filling_the_trap_are_thanked_and_nothing_is_stored(client, event):
    subscribe(UserFactory(is_editor=True), "new_reports")

    response = client.post(
        report_url(event),
        {"reason": "spam", "message": "Buy now", "homepage": "https://spam.example"},
        **ENGLISH,
    )

    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    assert not Report.objects.exists()
    assert mail.outbox == []
    page = client.get(response["Location"], **ENGLISH)
    assert messages_on(page) == ["Thank you for your report. The editors will look at the event."]


def test_more_than_five_reports_an_hour_are_refused_and_the_text_is_kept(client, event):
    for number in range(5):
        response = client.post(
            report_url(event), {"reason": "wrong", "message": f"Meldung {number}"}
        )
        assert response.status_code == 302

    response = client.post(
        report_url(event),
        {"reason": "other", "message": "Meine sechste Meldung", "email": "ich@example.org"},
        **ENGLISH,
    )

    assert response.status_code == 429
    page = response.content.decode()
    assert "too many reports from your connection" in page
    assert "Meine sechste Meldung</textarea>" in page
    assert 'value="ich@example.org"' in page
    assert 'value="other" id="id_reason_3" required checked' in page
    assert Report.objects.count() == 5
    # Another connection may still report.
    other = client.post(report_url(event), {"reason": "wrong"}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    assert Report.objects.count() == 6
