"""The life of an event in the domain: create, edit, submit, review, cancel, postpone, report."""

import datetime as dt
import re
import time
import uuid
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from quartiersnetz.accounts.models import NotificationKind
from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Event, Report, Status
from tests.factories import (
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
    berlin,
)

pytestmark = pytest.mark.django_db


@contextmanager
def refused(code):
    with pytest.raises(ValidationError) as excinfo:
        yield
    assert excinfo.value.code == code, excinfo.value.messages


def link_in(message, path_part):
    return re.search(rf"https?://\S*{path_part}\S*", message.body).group(0)


@pytest.fixture
def organization():
    return OrganizationFactory(name="Heimatverein Welper e.V.")


@pytest.fixture
def organiser(organization):
    return MembershipFactory(organization=organization, user__email="ida@example.org").user


@pytest.fixture
def editor():
    return UserFactory(email="redaktion@example.org", is_editor=True)


def draft(organization, **fields):
    event = EventFactory(status=Status.DRAFT, organizers=[organization], **fields)
    return Event.objects.get(pk=event.pk)


def new_event(**fields):
    return Event(
        title="Lichterfest am Marktplatz",
        start=berlin(2027, 1, 15, 18),
        end=berlin(2027, 1, 15, 21),
        place=PlaceFactory(),
        **fields,
    )


def test_creating_saves_a_draft_with_its_dates_and_logs_every_value(organization, organiser):
    event, created = workflow.create_event(new_event(), actor=organiser, save_related=lambda: None)
    event.organizers.add(organization)

    assert created
    assert event.status == Status.DRAFT
    assert event.created_by == organiser
    assert event.occurrences.get().status == Status.DRAFT
    (entry,) = history(event)
    assert entry.action == workflow.Action.CREATED
    assert entry.actor == organiser
    assert entry.changes["title"] == ["", "Lichterfest am Marktplatz"]
    assert entry.changes["start"] == ["", "2027-01-15 18:00"]


def test_a_form_sent_twice_saves_one_event(organiser):
    key = uuid.uuid4()
    first, created = workflow.create_event(new_event(), actor=organiser, form_key=key)
    second, created_again = workflow.create_event(new_event(), actor=organiser, form_key=key)

    assert created
    assert not created_again
    assert second.pk == first.pk
    assert Event.objects.count() == 1


def test_an_edit_logs_before_and_after(organization, organiser):
    event = draft(organization, title="Stammtisch")
    opened = event.sequence
    event.title = "Stammtisch der Nachbarschaft"
    event.start += dt.timedelta(hours=1)
    event.end += dt.timedelta(hours=1)

    changes = workflow.update_event(event, actor=organiser, expected_sequence=opened)

    assert changes == {
        "title": ["Stammtisch", "Stammtisch der Nachbarschaft"],
        "start": ["2026-12-01 19:00", "2026-12-01 20:00"],
        "end": ["2026-12-01 21:00", "2026-12-01 22:00"],
    }
    entry = history(event).first()
    assert (entry.action, entry.actor, entry.changes) == ("edited", organiser, changes)
    assert event.occurrences.get().start == berlin(2026, 12, 1, 20)


def test_an_edit_of_a_changed_event_is_refused_and_saves_nothing(organization, organiser):
    event = draft(organization, title="Stammtisch")
    opened = event.sequence
    colleague = MembershipFactory(organization=organization, user__name="Greta").user
    meanwhile = Event.objects.get(pk=event.pk)
    meanwhile.title = "Stammtisch im Dezember"
    workflow.update_event(meanwhile, actor=colleague, expected_sequence=opened)

    event.title = "Mein Titel"
    with pytest.raises(ValidationError, match="Greta") as excinfo:
        workflow.update_event(event, actor=organiser, expected_sequence=opened)

    assert excinfo.value.code == "edited_meanwhile"
    assert Event.objects.get(pk=event.pk).title == "Stammtisch im Dezember"


def test_submitting_sends_the_event_to_review_and_tells_editors_who_asked(
    organization, organiser, editor
):
    subscribe(editor, NotificationKind.NEW_SUBMISSIONS)
    UserFactory(is_editor=True)  # did not ask for mails
    event = draft(organization)

    workflow.submit_event(event, organiser)

    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert event.submitted_by == organiser
    assert set(event.occurrences.values_list("status", flat=True)) == {Status.SUBMITTED}
    assert history(event).first().action == "submitted"
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]
    assert event.title in message.subject
    assert "/redaktion/" in message.body
    assert link_in(message, "/mails-abbestellen/")


def test_events_of_a_trusted_organisation_are_published_at_once(organization, organiser, editor):
    subscribe(editor, NotificationKind.NEW_SUBMISSIONS)
    organization.is_trusted = True
    organization.save()
    event = draft(organization)

    workflow.submit_event(event, organiser)

    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert event.is_listed
    assert history(event).first().action == "published"
    assert not mail.outbox


def test_an_event_without_place_or_link_cannot_be_submitted(organization, organiser):
    event = draft(organization, place=None)

    with pytest.raises(ValidationError) as excinfo:
        workflow.submit_event(event, organiser)

    assert "place" in excinfo.value.message_dict
    assert Event.objects.get(pk=event.pk).status == Status.DRAFT


def test_submitting_twice_is_refused(organization, organiser):
    event = draft(organization)
    workflow.submit_event(event, organiser)
    with refused("wrong_status"):
        workflow.submit_event(event, organiser)


def test_approval_publishes_and_tells_the_submitter_in_german_first(
    organization, organiser, editor
):
    subscribe(organiser, NotificationKind.REVIEW_RESULTS)
    event = draft(organization)
    workflow.submit_event(event, organiser)

    workflow.approve_event(event, editor)

    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert event.occurrences.get().is_listed
    (message,) = mail.outbox
    assert message.to == ["ida@example.org"]
    assert message.subject.index("Veröffentlicht") < message.subject.index("Published")
    assert event.get_absolute_url() in message.body
    # A second click changes nothing and sends nothing.
    with refused("wrong_status"):
        workflow.approve_event(event, editor)
    assert len(mail.outbox) == 1


def test_a_submitter_who_did_not_ask_gets_no_mail(organization, organiser, editor):
    event = draft(organization)
    workflow.submit_event(event, organiser)
    workflow.approve_event(event, editor)
    assert not mail.outbox


def test_rejection_needs_a_reason_which_the_organiser_reads(organization, organiser, editor):
    subscribe(organiser, NotificationKind.REVIEW_RESULTS)
    event = draft(organization)
    workflow.submit_event(event, organiser)

    with refused("required"):
        workflow.reject_event(event, editor, "   ")
    assert Event.objects.get(pk=event.pk).status == Status.SUBMITTED

    workflow.reject_event(event, editor, "Keine öffentliche Veranstaltung.")
    event.refresh_from_db()
    assert event.status == Status.REJECTED
    assert event.review_message == "Keine öffentliche Veranstaltung."
    assert not event.is_listed
    (message,) = mail.outbox
    assert "Keine öffentliche Veranstaltung." in message.body
    entry = history(event).first()
    assert (entry.action, entry.actor, entry.message) == (
        "rejected",
        editor,
        "Keine öffentliche Veranstaltung.",
    )
    # The organiser may improve it and submit again.
    workflow.submit_event(event, organiser)
    assert Event.objects.get(pk=event.pk).status == Status.SUBMITTED


def test_asking_for_changes_returns_a_draft_with_the_message(organization, organiser, editor):
    subscribe(organiser, NotificationKind.REVIEW_RESULTS)
    event = draft(organization)
    workflow.submit_event(event, organiser)

    workflow.request_changes(event, editor, "Bitte den Eintritt angeben.")

    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert event.review_message == "Bitte den Eintritt angeben."
    assert "Bitte den Eintritt angeben." in mail.outbox[0].body
    workflow.submit_event(event, organiser)
    assert Event.objects.get(pk=event.pk).review_message == ""


def test_withdrawing_a_submission_makes_it_a_draft(organization, organiser):
    event = draft(organization)
    workflow.submit_event(event, organiser)
    workflow.withdraw_event(event, organiser)
    assert Event.objects.get(pk=event.pk).status == Status.DRAFT
    with refused("wrong_status"):
        workflow.withdraw_event(event, organiser)


def test_unpublishing_takes_the_event_off_the_calendar(organization, organiser, editor):
    event = EventFactory(organizers=[organization], created_by=organiser)
    subscribe(organiser, NotificationKind.REVIEW_RESULTS)

    workflow.unpublish_event(event, editor, "Doppelter Eintrag.")

    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert not event.occurrences.get().is_listed
    assert "Doppelter Eintrag." in mail.outbox[0].body
    with refused("wrong_status"):
        workflow.unpublish_event(event, editor, "Doppelter Eintrag.")


def test_cancelling_keeps_the_event_listed_as_cancelled(organization, organiser):
    event = EventFactory(organizers=[organization])
    sequence = event.sequence

    workflow.cancel_event(event, organiser, "Sturmwarnung")

    event.refresh_from_db()
    assert event.status == Status.CANCELLED
    assert event.is_listed
    assert event.occurrences.get().is_cancelled
    assert event.sequence > sequence
    assert history(event).first().message == "Sturmwarnung"
    with refused("wrong_status"):
        workflow.cancel_event(draft(organization), organiser)


def test_postponing_keeps_the_previous_start(organization, organiser):
    event = EventFactory(organizers=[organization])

    workflow.postpone_event(event, organiser, berlin(2027, 1, 12, 19), berlin(2027, 1, 12, 21))

    event.refresh_from_db()
    assert event.status == Status.POSTPONED
    assert event.previous_start == berlin(2026, 12, 1, 19)
    assert event.occurrences.get().start == berlin(2027, 1, 12, 19)
    assert history(event).first().changes["start"] == ["2026-12-01 19:00", "2027-01-12 19:00"]


def test_postponing_refuses_an_end_before_the_start_and_a_series(organization, organiser):
    event = EventFactory(organizers=[organization])
    with pytest.raises(ValidationError) as excinfo:
        workflow.postpone_event(event, organiser, berlin(2027, 1, 12, 19), berlin(2027, 1, 12, 18))
    assert "end" in excinfo.value.message_dict
    assert Event.objects.get(pk=event.pk).status == Status.PUBLISHED

    series = EventFactory(organizers=[organization], recurrence_rule="FREQ=WEEKLY;COUNT=3")
    with refused("recurring"):
        workflow.postpone_event(series, organiser, berlin(2027, 1, 12, 19), berlin(2027, 1, 12, 21))


def test_only_drafts_are_deleted_and_the_log_remembers_them(organization, organiser):
    event = draft(organization, title="Probe")
    pk = event.pk

    workflow.delete_draft(event, organiser)

    assert not Event.objects.filter(pk=pk).exists()
    entry = ActivityLog.objects.get(action="deleted")
    assert (entry.object_label, entry.actor) == ("Probe", organiser)
    with refused("wrong_status"):
        workflow.delete_draft(EventFactory(organizers=[organization]), organiser)


def test_a_report_reaches_the_editors_who_asked_and_is_handled_once(editor):
    subscribe(editor, NotificationKind.NEW_REPORTS)
    event = EventFactory(title="Flohmarkt")

    report = workflow.report_event(
        event, reason=Report.Reason.WRONG, message="Findet nicht mehr statt."
    )

    assert report.reporter is None
    (message,) = mail.outbox
    assert message.to == ["redaktion@example.org"]
    assert "Findet nicht mehr statt." in message.body
    workflow.resolve_report(report, editor, "Veranstalter angerufen")
    report.refresh_from_db()
    assert report.resolved_by == editor
    with refused("handled"):
        workflow.resolve_report(report, editor)
    with refused("invalid_reason"):
        workflow.report_event(event, reason="nonsense")


def test_an_anonymous_submission_waits_for_the_confirmed_address(editor):
    subscribe(editor, NotificationKind.NEW_SUBMISSIONS)
    event = workflow.create_anonymous_submission(
        new_event(), name="Ida", email="ida@example.org", wants_decision=True
    )
    assert event.status == Status.DRAFT
    (confirmation,) = mail.outbox
    assert confirmation.to == ["ida@example.org"]
    token = link_in(confirmation, "/bestaetigen/").rstrip("/").split("/")[-1]

    workflow.confirm_anonymous_submission(token)

    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert mail.outbox[-1].to == ["redaktion@example.org"]
    with refused("already_confirmed"):
        workflow.confirm_anonymous_submission(token)

    workflow.approve_event(event, editor)
    decision = mail.outbox[-1]
    assert decision.to == ["ida@example.org"]
    stop = link_in(decision, "/keine-mails/").rstrip("/").split("/")[-1]
    workflow.stop_submitter_mails(stop)
    assert not Event.objects.get(pk=event.pk).submitter_wants_decision


def test_an_expired_or_forged_confirmation_link_is_refused(monkeypatch):
    four_days_ago = time.time() - 4 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(time, "time", lambda: four_days_ago)
        event = workflow.create_anonymous_submission(
            new_event(), name="Ida", email="ida@example.org", wants_decision=False
        )
    token = link_in(mail.outbox[0], "/bestaetigen/").rstrip("/").split("/")[-1]

    with refused("expired"):
        workflow.confirm_anonymous_submission(token)
    with refused("invalid_link"):
        workflow.confirm_anonymous_submission(token[:-2] + "xx")
    assert Event.objects.get(pk=event.pk).status == Status.DRAFT
