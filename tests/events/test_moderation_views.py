"""The editors' pages: the review queue, the decisions on it (with and without htmx) and
the review page of one event with its activity log."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Event, Report, Status
from quartiersnetz.events.workflow import Action
from tests.factories import (
    CategoryFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    ReportFactory,
    UserFactory,
    berlin,
)

pytestmark = pytest.mark.django_db

QUEUE_URL = reverse("events:review-queue")
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
HTMX = {"HTTP_HX_REQUEST": "true"}
ROLES = ["anonymous", "citizen", "member", "editor", "administrator"]


@pytest.fixture
def editor():
    return UserFactory(email="rita@example.org", name="Rita Redaktion", is_editor=True)


@pytest.fixture
def organiser():
    """A member of the Heimatverein Welper who asked for the editors' decisions by mail."""
    membership = MembershipFactory(
        organization=OrganizationFactory(name="Heimatverein Welper"),
        user=UserFactory(email="olaf@example.org", name="Olaf Organisator"),
    )
    subscribe(membership.user, "review_results")
    return membership.user


def organization_of(person):
    return person.organization_memberships.get().organization


def submitted_event(organiser, **kwargs):
    """An event the organiser sent to review, through the workflow (with its log)."""
    event = EventFactory(status=Status.DRAFT, organizers=[organization_of(organiser)], **kwargs)
    workflow.submit_event(event, organiser)
    event.refresh_from_db()
    return event


def person_for(role, event=None):
    """Someone with the role; the organisation member acts for the event's organiser."""
    if role == "anonymous":
        return None
    if role == "citizen":
        return UserFactory()
    if role == "member":
        organization = (event.organizers.first() if event else None) or OrganizationFactory()
        return MembershipFactory(organization=organization).user
    if role == "editor":
        return UserFactory(is_editor=True)
    return UserFactory(is_superuser=True, is_staff=True)


def sign_in(client, role, event=None):
    person = person_for(role, event)
    if person is not None:
        client.force_login(person)
    return person


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def review_url(event):
    return reverse("events:review", kwargs={"pk": event.pk})


# --- Who may see and use the pages ---------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_review_queue_is_for_editors_and_administrators(client, organiser, role):
    event = submitted_event(organiser, title="Osterfeuer am Kemnader See")
    sign_in(client, role, event)

    response = client.get(QUEUE_URL)

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("citizen", "member"):
        assert response.status_code == 403
        assert "Osterfeuer am Kemnader See" not in response.content.decode()
    else:
        assert response.status_code == 200
        assert "Osterfeuer am Kemnader See" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_review_page_is_for_editors_and_administrators(client, organiser, role):
    event = submitted_event(organiser, title="Osterfeuer am Kemnader See")
    sign_in(client, role, event)

    response = client.get(review_url(event))

    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    elif role in ("citizen", "member"):
        assert response.status_code == 403
    else:
        assert response.status_code == 200
        assert response.context["event"] == event


@pytest.mark.parametrize("role", ["anonymous", "citizen", "member"])
@pytest.mark.parametrize(
    ("url_name", "data"),
    [
        ("events:approve", {}),
        ("events:reject", {"reason": "Werbung"}),
        ("events:request-changes", {"message": "Bitte Ort ergänzen"}),
    ],
)
def test_people_who_are_not_editors_cannot_decide(client, organiser, role, url_name, data):
    event = submitted_event(organiser)
    mail.outbox.clear()
    sign_in(client, role, event)

    response = client.post(reverse(url_name, kwargs={"pk": event.pk}), data)

    assert response.status_code == (302 if role == "anonymous" else 403)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert not history(event).filter(action__in=[Action.APPROVED, Action.REJECTED]).exists()
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["anonymous", "citizen", "member"])
def test_people_who_are_not_editors_cannot_unpublish_or_resolve(client, role):
    report = ReportFactory()
    event = report.event
    sign_in(client, role, event)

    unpublish = client.post(reverse("events:unpublish", kwargs={"pk": event.pk}), {"reason": "x"})
    resolve = client.post(reverse("events:resolve-report", kwargs={"pk": report.pk}), {})

    for response in (unpublish, resolve):
        assert response.status_code == (302 if role == "anonymous" else 403)
    event.refresh_from_db()
    report.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert report.resolved_at is None


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_and_administrators_approve(client, organiser, role):
    event = submitted_event(organiser)
    person = sign_in(client, role, event)

    response = client.post(reverse("events:approve", kwargs={"pk": event.pk}))

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert history(event).first().actor == person


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_and_administrators_unpublish_and_resolve(client, role):
    report = ReportFactory()
    person = sign_in(client, role)

    client.post(
        reverse("events:resolve-report", kwargs={"pk": report.pk}), {"resolution": "Geprüft"}
    )
    client.post(
        reverse("events:unpublish", kwargs={"pk": report.event.pk}),
        {"reason": "Findet nicht statt", "origin": "review"},
    )

    report.refresh_from_db()
    assert report.resolved_by == person
    assert report.resolution == "Geprüft"
    report.event.refresh_from_db()
    assert report.event.status == Status.DRAFT


def test_decisions_are_post_only(client, organiser, editor):
    event = submitted_event(organiser)
    client.force_login(editor)
    for name in ("approve", "reject", "request-changes", "unpublish"):
        assert client.get(reverse(f"events:{name}", kwargs={"pk": event.pk})).status_code == 405
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED


def test_editorial_office_link_leads_editors_to_the_queue(client, editor):
    home = reverse("events:home")
    client.force_login(UserFactory())
    assert f'href="{QUEUE_URL}"' not in client.get(home).content.decode()
    client.force_login(editor)
    page = client.get(home).content.decode()
    assert f'href="{QUEUE_URL}"' in page
    assert f'href="{reverse("admin:index")}"' not in page
    queue = client.get(QUEUE_URL).content.decode()
    assert f'href="{QUEUE_URL}" aria-current="page"' in queue


def test_queue_links_to_the_administration_site_and_to_people(client, editor):
    client.force_login(editor)
    page = client.get(QUEUE_URL).content.decode()
    assert f'href="{reverse("admin:index")}"' in page
    assert f'href="{reverse("accounts:people")}"' in page


# --- The queue ------------------------------------------------------------------------


def test_queue_lists_waiting_events_longest_waiting_first_with_their_details(
    client, organiser, editor
):
    later = submitted_event(
        organiser, title="Herbstmarkt Blankenstein", start=berlin(2026, 10, 3, 11)
    )
    earlier = submitted_event(
        organiser,
        title="Frühlingsfest Welper",
        start=berlin(2026, 5, 9, 14),
        categories=[CategoryFactory(name="Feste")],
    )
    ActivityLog.objects.filter(object_id=earlier.pk, action=Action.SUBMITTED).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    EventFactory(title="Schon veröffentlicht")
    client.force_login(editor)

    response = client.get(QUEUE_URL, **ENGLISH)

    assert [row["event"] for row in response.context["submissions"]] == [earlier, later]
    page = response.content.decode()
    assert "Schon veröffentlicht" not in page
    assert re.search(
        r"Waiting for review\s*<span class=\"count\">\(<span id=\"submissions-count\">2<", page
    )
    assert "Heimatverein Welper" in page
    assert "Feste" in page
    assert "by Olaf Organisator" in page
    assert '<time datetime="2026-05-09T14:00+02:00">' in page
    assert f'action="{reverse("events:approve", kwargs={"pk": earlier.pk})}"' in page
    assert f'hx-post="{reverse("events:reject", kwargs={"pk": earlier.pk})}"' in page
    # Every field is labelled, with ids unique on the page.
    assert f'<label for="reject-{earlier.pk}-reason">' in page
    assert f'<label for="changes-{later.pk}-message">' in page


def test_queue_names_the_sender_of_an_event_sent_without_an_account(client, editor):
    event = EventFactory(
        status=Status.DRAFT,
        title="Flohmarkt im Hof",
        submitter_name="Gerda Gast",
        submitter_email="gerda@example.org",
    )
    workflow.submit_event(event, None)
    client.force_login(editor)

    page = client.get(QUEUE_URL, **ENGLISH).content.decode()

    assert "Flohmarkt im Hof" in page
    assert "Gerda Gast" in page
    assert "gerda@example.org" in page
    assert "sent without an account" in page


def test_queue_lists_open_reports_with_reason_message_and_reporter(client, editor):
    reporter = UserFactory(name="Karl Kritisch", email="karl@example.org")
    report = ReportFactory(
        event=EventFactory(title="Lesung im Bügeleisenhaus"),
        reason=Report.Reason.SPAM,
        message="Nur Werbung für einen Laden.",
        reporter=reporter,
    )
    handled = ReportFactory(event=EventFactory(title="Erledigter Fall"))
    workflow.resolve_report(handled, editor, "")
    client.force_login(editor)

    response = client.get(QUEUE_URL, **ENGLISH)

    assert [row["report"] for row in response.context["reports"]] == [report]
    page = response.content.decode()
    assert "Lesung im Bügeleisenhaus" in page
    assert "Erledigter Fall" not in page
    assert "Advertising or spam" in page
    assert "Nur Werbung für einen Laden." in page
    assert "Karl Kritisch" in page
    assert f'action="{reverse("events:resolve-report", kwargs={"pk": report.pk})}"' in page
    assert f'href="{review_url(report.event)}#unpublish-heading"' in page
    assert '<span id="reports-count">1</span>' in page


def test_queue_shows_recent_changes_to_published_events_only(client, editor):
    published = EventFactory(title="Sommerkino Hattingen")
    workflow.update_event(
        _changed(published, title="Sommerkino im Park", teaser="Neu"),
        actor=UserFactory(name="Paula Pflege"),
        expected_sequence=published.sequence,
    )
    old = EventFactory(title="Alte Änderung")
    workflow.update_event(
        _changed(old, title="Alte Änderung (neu)"), actor=editor, expected_sequence=old.sequence
    )
    ActivityLog.objects.filter(object_id=old.pk, action=Action.EDITED).update(
        created_at=timezone.now() - dt.timedelta(days=15)
    )
    draft = EventFactory(status=Status.DRAFT, title="Entwurf")
    workflow.update_event(
        _changed(draft, title="Entwurf (neu)"), actor=editor, expected_sequence=draft.sequence
    )
    client.force_login(editor)

    response = client.get(QUEUE_URL, **ENGLISH)

    changes = response.context["changes"]
    assert [change["entry"].object_id for change in changes] == [published.pk]
    page = response.content.decode()
    assert "Paula Pflege" in page
    assert "Title, Teaser" in page
    assert f'href="{review_url(published)}"' in page
    assert "Alte Änderung" not in page


def _changed(event, **values):
    event = Event.objects.get(pk=event.pk)
    for name, value in values.items():
        setattr(event, name, value)
    return event


def test_queue_says_when_there_is_nothing_to_do(client, editor):
    client.force_login(editor)
    page = client.get(QUEUE_URL, **ENGLISH).content.decode()
    assert "No events are waiting for review." in page
    assert "No open reports." in page
    assert "No published event has been changed in this time." in page


def _fill_queue(organiser, editor, n):
    for i in range(n):
        submitted_event(
            organiser,
            categories=[CategoryFactory(), CategoryFactory()],
            place__name=f"Ort {n}-{i}",
        )
        organization = OrganizationFactory()
        ReportFactory(event=EventFactory(organizers=[organization]), reporter=UserFactory())
        published = EventFactory()
        workflow.update_event(
            _changed(published, title=f"Geändert {n}-{i}"),
            actor=editor,
            expected_sequence=published.sequence,
        )


@pytest.mark.parametrize("count", [1, 3])
def test_queue_needs_the_same_number_of_queries_for_one_and_three_of_everything(
    client, django_assert_num_queries, organiser, editor, count
):
    _fill_queue(organiser, editor, count)
    client.force_login(editor)
    client.get(QUEUE_URL)  # the content types are cached from here on

    with django_assert_num_queries(10):
        response = client.get(QUEUE_URL)

    assert len(response.context["submissions"]) == count
    assert len(response.context["reports"]) == count
    assert len(response.context["changes"]) == count


# --- Decisions without JavaScript --------------------------------------------------------


def test_approving_publishes_mails_the_organiser_and_returns_to_the_queue(
    client, organiser, editor
):
    event = submitted_event(organiser, title="Kinderflohmarkt Holthausen")
    mail.outbox.clear()
    client.force_login(editor)

    response = client.post(
        reverse("events:approve", kwargs={"pk": event.pk}), {"origin": "queue"}, **ENGLISH
    )

    assert response.status_code == 302
    assert response["Location"] == QUEUE_URL
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    entry = history(event).first()
    assert (entry.action, entry.actor) == (Action.APPROVED, editor)
    assert [message.to for message in mail.outbox] == [["olaf@example.org"]]
    page = client.get(QUEUE_URL, **ENGLISH)
    assert messages_on(page) == [
        "“Kinderflohmarkt Holthausen” has been approved and is now in the calendar. "
        "The organiser has been told by mail."
    ]
    assert "Kinderflohmarkt Holthausen" not in page.content.decode().split("<h1>")[1]


def test_rejection_mail_is_german_first_and_gives_the_reason(client, organiser, editor):
    event = submitted_event(organiser, title="Tanz in den Mai")
    mail.outbox.clear()
    client.force_login(editor)

    client.post(
        reverse("events:reject", kwargs={"pk": event.pk}),
        {"reason": "Die Veranstaltung ist privat.", "origin": "queue"},
    )

    event.refresh_from_db()
    assert event.status == Status.REJECTED
    assert event.review_message == "Die Veranstaltung ist privat."
    (message,) = mail.outbox
    assert message.to == ["olaf@example.org"]
    german_body, english_body = message.body.split("\n\n-----\n\n")
    with translation.override("de"):
        german_subject = gettext("Not published: %(title)s") % {"title": "Tanz in den Mai"}
    with translation.override("en"):
        english_subject = gettext("Not published: %(title)s") % {"title": "Tanz in den Mai"}
    assert message.subject.endswith(f"{german_subject} / {english_subject}")
    assert "Die Veranstaltung ist privat." in german_body
    assert "Die Veranstaltung ist privat." in english_body
    assert "The editors have decided not to publish" in english_body
    entry = history(event).first()
    assert (entry.action, entry.message) == (Action.REJECTED, "Die Veranstaltung ist privat.")


def test_asking_for_changes_sends_the_event_back_with_the_message(client, organiser, editor):
    event = submitted_event(organiser, title="Repair-Café")
    mail.outbox.clear()
    client.force_login(editor)

    response = client.post(
        reverse("events:request-changes", kwargs={"pk": event.pk}),
        {"message": "Bitte die Adresse ergänzen.", "origin": "queue"},
        **ENGLISH,
    )

    assert response["Location"] == QUEUE_URL
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert event.review_message == "Bitte die Adresse ergänzen."
    (message,) = mail.outbox
    assert "Bitte die Adresse ergänzen." in message.body.split("\n\n-----\n\n")[0]
    assert history(event).first().action == Action.CHANGES_REQUESTED


def test_no_mail_when_the_organiser_did_not_ask_for_one_and_the_editor_is_told(client, editor):
    quiet = MembershipFactory().user
    event = submitted_event(quiet, title="Seniorentreff")
    mail.outbox.clear()
    client.force_login(editor)

    response = client.post(
        reverse("events:approve", kwargs={"pk": event.pk}), follow=True, **ENGLISH
    )

    assert mail.outbox == []
    assert messages_on(response) == [
        "“Seniorentreff” has been approved and is now in the calendar. "
        "No mail has been sent: the organiser did not ask for one."
    ]


@pytest.mark.parametrize(
    ("url_name", "field"), [("events:reject", "reason"), ("events:request-changes", "message")]
)
def test_rejecting_or_asking_for_changes_without_a_text_shows_the_error_by_the_field(
    client, organiser, editor, url_name, field
):
    event = submitted_event(organiser)
    mail.outbox.clear()
    client.force_login(editor)

    response = client.post(
        reverse(url_name, kwargs={"pk": event.pk}), {field: "   ", "origin": "queue"}, **ENGLISH
    )

    assert response.status_code == 400
    page = response.content.decode()
    kind = "reject" if field == "reason" else "changes"
    field_id = f"{kind}-{event.pk}-{field}"
    error = re.search(
        rf'<div class="alert field-error" role="alert" id="{field_id}_error">(.*?)</div>',
        page,
        re.S,
    )
    assert error is not None
    expected = (
        "Give the organiser a reason for the rejection."
        if field == "reason"
        else "Tell the organiser what to change."
    )
    assert expected in error.group(1)
    textarea = re.search(rf'<textarea[^>]*id="{field_id}"[^>]*>', page).group(0)
    assert 'aria-invalid="true"' in textarea
    assert f'aria-describedby="{field_id}_error"' in textarea
    assert "autofocus" in textarea
    # The form with the error is open; the page is the whole queue.
    assert re.search(r'<details class="decision" open>', page)
    assert "<h1>Editorial office</h1>" in page
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert mail.outbox == []


def test_a_second_click_tells_who_handled_it_and_sends_no_second_mail(client, organiser, editor):
    event = submitted_event(organiser, title="Laternenumzug")
    workflow.approve_event(event, editor)
    mail.outbox.clear()
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("events:reject", kwargs={"pk": event.pk}),
        {"reason": "Doppelt", "origin": "queue"},
        follow=True,
        **ENGLISH,
    )

    assert response.status_code == 200
    (message,) = messages_on(response)
    assert message.startswith("Already handled by Rita Redaktion (Approved, ")
    assert mail.outbox == []
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert history(event).filter(action=Action.REJECTED).count() == 0


def test_a_second_click_with_an_empty_text_also_says_it_was_handled(client, organiser, editor):
    event = submitted_event(organiser)
    workflow.approve_event(event, editor)
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("events:reject", kwargs={"pk": event.pk}), {"reason": ""}, follow=True, **ENGLISH
    )

    assert response.status_code == 200
    assert messages_on(response)[0].startswith("Already handled by Rita Redaktion")


def test_an_event_deleted_meanwhile_is_reported_as_gone(client, editor):
    client.force_login(editor)
    response = client.post(reverse("events:approve", kwargs={"pk": 987654}), follow=True, **ENGLISH)
    assert messages_on(response) == ["This event no longer exists."]


# --- Decisions with htmx -------------------------------------------------------------


def test_htmx_approval_replaces_the_row_with_a_status_line(client, organiser, editor):
    event = submitted_event(organiser, title="Weihnachtsmarkt Altstadt")
    submitted_event(organiser, title="Noch offen")
    client.force_login(editor)

    response = client.post(
        reverse("events:approve", kwargs={"pk": event.pk}), {"origin": "queue"}, **HTMX, **ENGLISH
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert f'<li class="queue-item queue-item-done" id="submission-{event.pk}">' in fragment
    assert 'role="status" tabindex="-1" autofocus' in fragment
    assert "“Weihnachtsmarkt Altstadt” has been approved" in fragment
    assert "The organiser has been told by mail." in fragment
    assert '<span id="submissions-count" hx-swap-oob="true">1</span>' in fragment
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert len(mail.outbox) == 1
    # The news was shown in place: it does not come up again on the next page.
    assert messages_on(client.get(QUEUE_URL)) == []


def test_htmx_rejection_without_a_reason_answers_400_with_the_row_and_its_error(
    client, organiser, editor
):
    event = submitted_event(organiser, title="Kirmes")
    client.force_login(editor)

    response = client.post(
        reverse("events:reject", kwargs={"pk": event.pk}),
        {"reason": "", "origin": "queue"},
        **HTMX,
        **ENGLISH,
    )

    assert response.status_code == 400
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert fragment.strip().startswith(f'<li class="queue-item" id="submission-{event.pk}">')
    assert "Give the organiser a reason for the rejection." in fragment
    assert '<details class="decision" open>' in fragment
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED


def test_htmx_second_click_answers_with_who_handled_it(client, organiser, editor):
    event = submitted_event(organiser)
    workflow.reject_event(event, editor, "Privat")
    mail.outbox.clear()
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("events:approve", kwargs={"pk": event.pk}), {"origin": "queue"}, **HTMX, **ENGLISH
    )

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "message-info" in fragment
    assert "Already handled by Rita Redaktion (Rejected, " in fragment
    assert mail.outbox == []


def test_htmx_resolving_a_report_replaces_its_row(client, editor):
    report = ReportFactory(event=EventFactory(title="Stadtteilfest Winz-Baak"))
    client.force_login(editor)

    response = client.post(
        reverse("events:resolve-report", kwargs={"pk": report.pk}),
        {"resolution": "Termin korrigiert.", "origin": "queue"},
        **HTMX,
        **ENGLISH,
    )

    fragment = response.content.decode()
    assert f'id="report-{report.pk}"' in fragment
    assert "The report on “Stadtteilfest Winz-Baak” has been marked as handled." in fragment
    assert '<span id="reports-count" hx-swap-oob="true">0</span>' in fragment
    report.refresh_from_db()
    assert report.resolved_by == editor
    assert report.resolution == "Termin korrigiert."
    entry = history(report.event).first()
    assert (entry.action, entry.message) == (Action.REPORT_HANDLED, "Termin korrigiert.")


def test_resolving_a_report_twice_says_who_handled_it(client, editor):
    report = ReportFactory()
    workflow.resolve_report(report, editor, "")
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("events:resolve-report", kwargs={"pk": report.pk}), {}, follow=True, **ENGLISH
    )

    assert messages_on(response)[0].startswith(
        "This report has already been handled by Rita Redaktion"
    )
    assert history(report.event).filter(action=Action.REPORT_HANDLED).count() == 1


# --- The review page -------------------------------------------------------------------


def test_review_page_shows_a_submitted_event_its_actions_and_its_log(client, organiser, editor):
    event = submitted_event(
        organiser,
        title="Offenes Singen",
        teaser="Für alle, die gern singen",
        description="Wir singen **Volkslieder**.",
        contact_email="chor@example.org",
    )
    client.force_login(editor)

    response = client.get(review_url(event), **ENGLISH)

    page = response.content.decode()
    assert page.count("<h1>") == 1
    assert "<h1>Offenes Singen</h1>" in page
    assert "Waiting for review" in page
    assert "Für alle, die gern singen" in page
    assert "<strong>Volkslieder</strong>" in page
    assert "chor@example.org" in page
    assert "Heimatverein Welper" in page
    assert f'action="{reverse("events:approve", kwargs={"pk": event.pk})}"' in page
    assert f'action="{reverse("events:reject", kwargs={"pk": event.pk})}"' in page
    assert 'name="origin" value="review"' in page
    assert "hx-post" not in page.split("<main")[1]
    assert "Submitted for review" in page
    assert "Olaf Organisator" in page


def test_review_page_shows_the_log_with_field_names_and_before_and_after(client, organiser, editor):
    event = EventFactory(
        title="Stadtführung", description="Kurz.", organizers=[organization_of(organiser)]
    )
    workflow.update_event(
        _changed(event, title="Stadtführung durch die Altstadt", description="Lang.\n\nMit Pause."),
        actor=organiser,
        expected_sequence=event.sequence,
    )
    ActivityLog.objects.filter(object_id=event.pk).update(
        created_at=dt.datetime(2026, 7, 4, 10, 30, tzinfo=dt.UTC)
    )
    client.force_login(editor)

    response = client.get(review_url(event), **ENGLISH)

    (row,) = response.context["log"]
    assert row["action"] == "Edited"
    assert [change["label"] for change in row["changes"]] == ["Title", "Description"]
    page = response.content.decode()
    assert '<time datetime="2026-07-04T12:30+02:00">' in page
    assert '<th scope="col">Who</th>' in page
    assert "<dt>Title</dt>" in page
    assert "<del>Stadtführung</del>" in page
    assert "<ins>Stadtführung durch die Altstadt</ins>" in page
    # The description changed over several lines: before and after are folded away.
    description = page.split("<dt>Description</dt>")[1].split("</dd>")[0]
    assert "<details>" in description
    assert "Kurz." in description
    assert "Lang.\n\nMit Pause." in description


def test_review_page_of_a_published_event_offers_unpublishing_and_its_reports(client, editor):
    report = ReportFactory(message="Die Adresse stimmt nicht.")
    client.force_login(editor)

    page = client.get(review_url(report.event), **ENGLISH).content.decode()

    assert f'action="{reverse("events:unpublish", kwargs={"pk": report.event.pk})}"' in page
    assert 'id="unpublish-heading"' in page
    assert "Die Adresse stimmt nicht." in page
    assert f'action="{reverse("events:resolve-report", kwargs={"pk": report.pk})}"' in page
    assert f'action="{reverse("events:approve", kwargs={"pk": report.event.pk})}"' not in page


def test_review_page_works_for_drafts(client, editor):
    draft = EventFactory(status=Status.DRAFT, title="Noch nicht fertig", place=None)
    client.force_login(editor)
    response = client.get(review_url(draft), **ENGLISH)
    assert response.status_code == 200
    assert "Nothing to decide: the event is with its organisers." in response.content.decode()


def test_unpublishing_needs_a_reason_shown_on_the_review_page(client, editor):
    event = EventFactory(title="Sommerfest")
    client.force_login(editor)

    response = client.post(
        reverse("events:unpublish", kwargs={"pk": event.pk}),
        {"reason": "", "origin": "review"},
        **ENGLISH,
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "<h1>Sommerfest</h1>" in page
    assert f'id="unpublish-{event.pk}-reason_error"' in page
    assert "Give the organiser a reason." in page
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED


def test_unpublishing_takes_the_event_off_the_calendar_and_tells_the_organiser(
    client, organiser, editor
):
    event = submitted_event(organiser, title="Sommerfest")
    workflow.approve_event(event, editor)
    mail.outbox.clear()
    client.force_login(editor)

    response = client.post(
        reverse("events:unpublish", kwargs={"pk": event.pk}),
        {"reason": "Findet nicht statt.", "origin": "review"},
    )

    assert response["Location"] == review_url(event)
    event.refresh_from_db()
    assert event.status == Status.DRAFT
    assert client.get(event.get_absolute_url()).status_code == 404
    (message,) = mail.outbox
    assert "Findet nicht statt." in message.body.split("\n\n-----\n\n")[0]
    again = client.post(
        reverse("events:unpublish", kwargs={"pk": event.pk}),
        {"reason": "Nochmal", "origin": "review"},
        follow=True,
        **ENGLISH,
    )
    assert messages_on(again)[0].startswith("Already handled by Rita Redaktion (Taken off")
    assert len(mail.outbox) == 1


def test_review_page_offers_to_block_the_submitter_when_the_editor_may(client, organiser, editor):
    event = submitted_event(organiser)
    editors_event = submitted_event(
        MembershipFactory(user=UserFactory(is_editor=True)).user, title="Von der Redaktion"
    )
    anonymous = EventFactory(status=Status.SUBMITTED, submitter_email="gast@example.org")
    client.force_login(editor)
    block_url = reverse("accounts:block", kwargs={"pk": organiser.pk})

    assert f'href="{block_url}"' in client.get(review_url(event)).content.decode()
    assert "/sperren/" not in client.get(review_url(editors_event)).content.decode()
    assert "/sperren/" not in client.get(review_url(anonymous)).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_review_page_needs_the_same_number_of_queries_for_one_and_three_of_everything(
    client, django_assert_num_queries, organiser, editor, count
):
    event = submitted_event(
        organiser,
        categories=[CategoryFactory() for _ in range(count)],
        recurrence_rule=f"FREQ=WEEKLY;COUNT={count}",
    )
    for i in range(count):
        ReportFactory(event=event, reporter=UserFactory())
        workflow.update_event(
            _changed(event, title=f"Neu {i}"), actor=organiser, expected_sequence=event.sequence
        )
        event.refresh_from_db()
    client.force_login(editor)
    client.get(review_url(event))

    with django_assert_num_queries(11):
        response = client.get(review_url(event))

    assert len(response.context["report_rows"]) == count
    assert len(response.context["dates"]) == count


def test_a_second_click_from_the_review_page_with_an_empty_text_says_it_was_handled(
    client, organiser, editor
):
    event = submitted_event(organiser)
    workflow.approve_event(event, editor)
    client.force_login(UserFactory(is_editor=True))

    response = client.post(
        reverse("events:request-changes", kwargs={"pk": event.pk}),
        {"message": "", "origin": "review"},
        **ENGLISH,
    )

    assert response.status_code == 302
    assert response["Location"] == review_url(event)
    page = client.get(response["Location"], **ENGLISH)
    assert messages_on(page)[0].startswith("Already handled by Rita Redaktion (Approved, ")


def test_rejecting_from_the_review_page_returns_there(client, organiser, editor):
    event = submitted_event(organiser)
    client.force_login(editor)

    response = client.post(
        reverse("events:reject", kwargs={"pk": event.pk}),
        {"reason": "Keine öffentliche Veranstaltung.", "origin": "review"},
    )

    assert response["Location"] == review_url(event)
    page = client.get(review_url(event), **ENGLISH).content.decode()
    assert "Keine öffentliche Veranstaltung." in page
    assert "<td>Rejected</td>" in page
