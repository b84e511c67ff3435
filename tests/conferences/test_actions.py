"""Action items: creating and changing them, their status (by managers and by the
person assigned), the lists per conference and across conferences, and the reminders."""

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences import tasks
from quartiersnetz.conferences.domain import actions as domain
from quartiersnetz.conferences.models import ActionItem
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    OrganizationFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def days(offset):
    return local_today() + dt.timedelta(days=offset)


@pytest.fixture
def conference():
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", slug="holthausen")


@pytest.fixture
def other_conference():
    return ConferenceFactory(name="Stadtteilkonferenz Welper", slug="welper")


@pytest.fixture
def moderator(conference):
    return ConferenceMembershipFactory(
        conference=conference, role="moderator", name="Mona", user__email="mona@example.org"
    ).user


@pytest.fixture
def member_ship(conference):
    return ConferenceMembershipFactory(
        conference=conference,
        name="Max Mitglied",
        user__email="max@example.org",
        on_behalf_of__name="Heimatverein Holthausen",
    )


@pytest.fixture
def member(member_ship):
    return member_ship.user


@pytest.fixture
def colleague(conference):
    """Another member of the same conference: sees the items, changes none."""
    return ConferenceMembershipFactory(conference=conference, user__email="clara@example.org").user


@pytest.fixture
def other_member(other_conference):
    return ConferenceMembershipFactory(
        conference=other_conference, user__email="otto@example.org"
    ).user


@pytest.fixture
def citizen():
    return UserFactory(email="carla@example.org")


@pytest.fixture
def coordinator():
    return UserFactory(email="dana@example.org", is_moderator=True)


@pytest.fixture
def editor():
    return UserFactory(email="eddi@example.org", is_editor=True)


def action_item(conference, **kwargs):
    values = {"conference": conference, "title": "Schaukeln bestellen", "due_date": days(20)}
    values.update(kwargs)
    return ActionItem.objects.create(**values)


def actions_url(conference, **query):
    address = reverse("conferences:actions", kwargs={"slug": conference.slug})
    if query:
        address += "?" + "&".join(f"{key}={value}" for key, value in query.items())
    return address


def edit_url(item):
    return reverse("conferences:action-edit", kwargs={"pk": item.pk})


# --- Creating and changing ------------------------------------------------------------


def test_a_manager_adds_an_action_item_and_the_person_is_told(
    client, moderator, member_ship, conference
):
    meeting = MeetingFactory(conference=conference)
    client.force_login(moderator)
    mail.outbox.clear()
    response = client.post(
        actions_url(conference),
        {
            "title": "Angebot für Schaukeln einholen",
            "description": "Zwei Firmen fragen.",
            "assignee": member_ship.pk,
            "due_date": days(14).isoformat(),
            "meeting": meeting.pk,
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.title, item.assignee, item.due_date, item.meeting, item.status) == (
        "Angebot für Schaukeln einholen",
        member_ship,
        days(14),
        meeting,
        ActionItem.Status.OPEN,
    )
    assert item.created_by == moderator
    assert history(item).first().action == domain.Action.CREATED
    assert [message.to for message in mail.outbox] == [["max@example.org"]]
    assert "Angebot für Schaukeln einholen" in mail.outbox[0].body
    assert edit_url(item) in mail.outbox[0].body


def test_an_action_item_needs_what_and_who(client, moderator, conference):
    client.force_login(moderator)
    response = client.post(actions_url(conference), {"title": "", "due_date": "kein Datum"})
    assert response.status_code == 400
    assert not ActionItem.objects.exists()
    response = client.post(actions_url(conference), {"title": "Etwas tun"})
    assert response.status_code == 400
    assert german("Choose who does it: a member or an organisation.") in page(response)


def test_a_member_of_another_conference_cannot_be_assigned(
    client, moderator, conference, other_conference
):
    stranger = ConferenceMembershipFactory(conference=other_conference)
    client.force_login(moderator)
    response = client.post(actions_url(conference), {"title": "Etwas", "assignee": stranger.pk})
    assert response.status_code == 400
    assert not ActionItem.objects.exists()


def test_a_manager_edits_and_a_new_due_date_restarts_the_reminders(
    client, moderator, member_ship, conference
):
    item = action_item(conference, assignee=member_ship, reminded_at=timezone.now())
    client.force_login(moderator)
    response = client.post(
        edit_url(item),
        {
            "title": "Schaukeln und Rutsche bestellen",
            "assignee": member_ship.pk,
            "due_date": days(40).isoformat(),
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.due_date, item.reminded_at) == (
        "Schaukeln und Rutsche bestellen",
        days(40),
        None,
    )
    entry = history(item).first()
    assert entry.action == domain.Action.EDITED
    assert entry.changes["title"] == ["Schaukeln bestellen", "Schaukeln und Rutsche bestellen"]


def test_the_assignee_marks_the_item_done(client, member, member_ship, conference):
    item = action_item(conference, assignee=member_ship)
    client.force_login(member)
    response = client.get(edit_url(item))
    assert response.status_code == 200
    assert response.context["form"] is None  # the assignee changes the status only
    response = client.post(edit_url(item), {"status": "done"}, follow=True)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE
    assert item.done_at is not None
    assert history(item).first().changes["status"][1] == str(ActionItem.Status.DONE.label)
    # A second click finds it done already.
    response = client.post(edit_url(item), {"status": "done"}, follow=True)
    assert german(
        "This action item is already “%(status)s”.", status=ActionItem.Status.DONE.label
    ) in messages_of(response)
    # Reopened, it loses the time it was done.
    client.post(edit_url(item), {"status": "open"})
    item.refresh_from_db()
    assert (item.status, item.done_at) == (ActionItem.Status.OPEN, None)


def test_the_assignee_cannot_change_what_was_agreed(client, member, member_ship, conference):
    item = action_item(conference, assignee=member_ship)
    client.force_login(member)
    response = client.post(edit_url(item), {"title": "Nichts tun", "assignee": member_ship.pk})
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.title == "Schaukeln bestellen"


def test_the_status_buttons_return_to_the_list(client, moderator, conference):
    item = action_item(conference, organization=OrganizationFactory())
    client.force_login(moderator)
    response = client.post(
        edit_url(item), {"status": "in_progress", "next": actions_url(conference)}
    )
    assert response["Location"] == actions_url(conference)
    response = client.post(edit_url(item), {"status": "done", "next": "https://evil.example/"})
    assert response["Location"] == edit_url(item)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.DONE


def test_an_unknown_status_is_refused(client, moderator, conference):
    item = action_item(conference)
    client.force_login(moderator)
    response = client.post(edit_url(item), {"status": "vergessen"}, follow=True)
    assert german("Unknown status.") in messages_of(response)
    item.refresh_from_db()
    assert item.status == ActionItem.Status.OPEN


@pytest.mark.parametrize(
    ("who", "get", "status_post"),
    [
        ("anonymous", "login", "login"),
        ("citizen", 404, 404),
        ("other_member", 404, 404),
        ("colleague", 403, 403),
        ("member", 200, 302),  # the assignee
        ("moderator", 200, 302),
        ("coordinator", 200, 302),
        ("editor", 200, 302),
    ],
)
def test_who_may_open_and_change_an_action_item(
    client, request, who, get, status_post, member_ship, moderator, conference
):
    item = action_item(conference, assignee=member_ship)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    for response, expected in (
        (client.get(edit_url(item)), get),
        (client.post(edit_url(item), {"status": "in_progress"}), status_post),
    ):
        if expected == "login":
            assert is_login_redirect(response)
        else:
            assert response.status_code == expected
    item.refresh_from_db()
    assert (item.status == ActionItem.Status.IN_PROGRESS) == (status_post == 302)


# --- The lists -------------------------------------------------------------------------


def test_the_conference_list_has_overdue_open_and_done_sections(
    client, member, member_ship, conference, other_conference
):
    action_item(conference, title="Überfällig", due_date=days(-2), assignee=member_ship)
    action_item(conference, title="In Arbeit", due_date=days(-1), status="in_progress")
    action_item(conference, title="Demnächst", due_date=days(5))
    action_item(conference, title="Ohne Datum", due_date=None)
    action_item(
        conference, title="Erledigt", due_date=days(-10), status="done", done_at=timezone.now()
    )
    action_item(conference, title="Verworfen", status="dropped")
    action_item(other_conference, title="Fremde Aufgabe", due_date=days(-3))
    client.force_login(member)
    response = client.get(actions_url(conference))
    assert response.status_code == 200
    titles = {
        section["key"]: [row.item.title for row in section["rows"]]
        for section in response.context["sections"]
    }
    assert titles == {
        "overdue": ["Überfällig", "In Arbeit"],
        "open": ["Demnächst", "Ohne Datum"],
        "done": ["Erledigt"],
        "dropped": ["Verworfen"],
    }
    assert "Fremde Aufgabe" not in page(response)
    # The member changes the status of their own item only.
    buttons = {
        row.item.title: bool(row.buttons)
        for section in response.context["sections"]
        for row in section["rows"]
    }
    assert buttons["Überfällig"] is True
    assert buttons["Demnächst"] is False


def test_the_list_is_filtered_by_status(client, member, conference):
    action_item(conference, title="Offen")
    action_item(conference, title="Erledigt", status="done")
    client.force_login(member)
    response = client.get(actions_url(conference, status="done"))
    titles = [row.item.title for section in response.context["sections"] for row in section["rows"]]
    assert titles == ["Erledigt"]
    response = client.get(actions_url(conference, status="unsinn"))
    assert response.status_code == 200
    assert len([row for section in response.context["sections"] for row in section["rows"]]) == 2


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 403),
        ("other_member", 403),
        ("member", 200),
        ("moderator", 200),
        ("coordinator", 200),
        ("editor", 200),
    ],
)
def test_who_sees_a_conferences_action_items(client, request, who, expected, conference):
    action_item(conference, title="Interne Aufgabe")
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(actions_url(conference))
    if expected == "login":
        assert is_login_redirect(response)
        return
    assert response.status_code == expected
    if expected == 200:
        assert "Interne Aufgabe" in page(response)
        assert (response.context["form"] is not None) == (who != "member")


@pytest.mark.parametrize("who", ["member", "citizen"])
def test_only_managers_add_action_items(client, request, who, conference):
    client.force_login(request.getfixturevalue(who))
    response = client.post(actions_url(conference), {"title": "Etwas", "organization": ""})
    assert response.status_code == 403
    assert not ActionItem.objects.exists()


def test_all_action_items_across_the_persons_conferences(
    client, member, coordinator, citizen, conference, other_conference
):
    action_item(conference, title="Holthausen überfällig", due_date=days(-1))
    action_item(conference, title="Holthausen offen", due_date=days(3))
    action_item(conference, title="Holthausen erledigt", status="done")
    action_item(other_conference, title="Welper offen")
    address = reverse("conferences:all-actions")

    client.force_login(member)
    response = client.get(address)
    titles = {
        section["key"]: [row.item.title for row in section["rows"]]
        for section in response.context["sections"]
    }
    assert titles == {"overdue": ["Holthausen überfällig"], "open": ["Holthausen offen"]}

    client.force_login(coordinator)
    response = client.get(address)
    titles = {
        section["key"]: [row.item.title for row in section["rows"]]
        for section in response.context["sections"]
    }
    assert titles == {
        "overdue": ["Holthausen überfällig"],
        "open": ["Holthausen offen", "Welper offen"],
    }

    client.force_login(citizen)
    response = client.get(address)
    assert response.status_code == 200
    assert "offen" not in page(response)

    client.logout()
    assert is_login_redirect(client.get(address))


def test_an_ended_membership_no_longer_shows_the_items(client, member, member_ship, conference):
    action_item(conference, title="Alte Aufgabe")
    member_ship.start_date = days(-100)
    member_ship.end_date = days(-1)
    member_ship.save()
    client.force_login(member)
    assert client.get(actions_url(conference)).status_code == 403
    response = client.get(reverse("conferences:all-actions"))
    assert "Alte Aufgabe" not in page(response)


def _count_queries(client, address):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("view", ["conference", "all"])
def test_the_lists_need_the_same_number_of_queries_for_1_and_3_items(
    client, view, moderator, member_ship, conference
):
    meeting = MeetingFactory(conference=conference)
    address = (
        actions_url(conference) if view == "conference" else reverse("conferences:all-actions")
    )
    action_item(
        conference, assignee=member_ship, meeting=meeting, organization=OrganizationFactory()
    )
    client.force_login(moderator)
    client.get(address)  # warm up caches (content types, site settings)
    one = _count_queries(client, address)
    for due in (-3, 4):
        action_item(
            conference,
            assignee=member_ship,
            meeting=meeting,
            organization=OrganizationFactory(),
            due_date=days(due),
        )
    assert _count_queries(client, address) == one


# --- Reminders -------------------------------------------------------------------------


@pytest.fixture
def reminder_days(settings):
    settings.CONFERENCES_REMINDER_DAYS = 3
    return 3


def test_a_reminder_before_the_due_date_is_sent_once(reminder_days, member_ship, conference):
    item = action_item(conference, assignee=member_ship, due_date=days(2))
    action_item(conference, title="Noch lange hin", assignee=member_ship, due_date=days(10))
    mail.outbox.clear()
    assert domain.send_reminders() == {"soon": 1, "overdue": 0, "no_address": 0}
    assert domain.send_reminders() == {"soon": 0, "overdue": 0, "no_address": 0}
    assert [message.to for message in mail.outbox] == [["max@example.org"]]
    assert "Schaukeln bestellen" in mail.outbox[0].body
    item.refresh_from_db()
    assert item.reminded_at is not None
    assert history(item).first().action == domain.Action.REMINDED


def test_an_overdue_item_is_reminded_once_more(reminder_days, member_ship, conference):
    item = action_item(conference, assignee=member_ship, due_date=days(1))
    mail.outbox.clear()
    domain.send_reminders()
    assert len(mail.outbox) == 1
    # Two days later the item is overdue: one more reminder, and then no more.
    ActionItem.objects.filter(pk=item.pk).update(
        due_date=days(-1), reminded_at=timezone.now() - dt.timedelta(days=2)
    )
    assert domain.send_reminders() == {"soon": 0, "overdue": 1, "no_address": 0}
    assert domain.send_reminders() == {"soon": 0, "overdue": 0, "no_address": 0}
    assert domain.send_reminders(today=days(7)) == {"soon": 0, "overdue": 0, "no_address": 0}
    assert len(mail.outbox) == 2
    assert german("Overdue: %(title)s", title=item.title) in mail.outbox[1].subject


def test_done_and_dropped_items_are_not_reminded(reminder_days, member_ship, conference):
    action_item(conference, assignee=member_ship, due_date=days(1), status="done")
    action_item(conference, assignee=member_ship, due_date=days(-1), status="dropped")
    mail.outbox.clear()
    assert domain.send_reminders() == {"soon": 0, "overdue": 0, "no_address": 0}
    assert mail.outbox == []


def test_without_a_person_the_organisation_is_reminded(reminder_days, conference):
    organization = OrganizationFactory(email="info@heimatverein.example")
    action_item(conference, organization=organization, due_date=days(-1))
    action_item(conference, title="Niemand zuständig", due_date=days(-1))
    mail.outbox.clear()
    assert domain.send_reminders() == {"soon": 0, "overdue": 1, "no_address": 1}
    assert [message.to for message in mail.outbox] == [["info@heimatverein.example"]]


def test_a_person_who_left_is_replaced_by_the_organisation(reminder_days, member_ship, conference):
    member_ship.start_date = days(-100)
    member_ship.end_date = days(-1)
    member_ship.save()
    organization = OrganizationFactory(email="info@heimatverein.example")
    action_item(conference, assignee=member_ship, organization=organization, due_date=days(2))
    mail.outbox.clear()
    domain.send_reminders()
    assert [message.to for message in mail.outbox] == [["info@heimatverein.example"]]


def test_the_command_sends_the_reminders_and_shows_progress(reminder_days, member_ship, conference):
    action_item(conference, assignee=member_ship, due_date=days(2))
    action_item(conference, assignee=member_ship, due_date=days(-5))
    mail.outbox.clear()
    output = StringIO()
    call_command("send_action_reminders", stdout=output)
    text = output.getvalue()
    assert "Action items: 2/2 (100 %)" in text
    assert "Sent 1 reminders before the due date and 1 about overdue items." in text
    assert len(mail.outbox) == 2
    output = StringIO()
    call_command("send_action_reminders", stdout=output)
    assert "Sent 0 reminders" in output.getvalue()
    assert len(mail.outbox) == 2


def test_the_task_sends_the_reminders(reminder_days, member_ship, conference):
    action_item(conference, assignee=member_ship, due_date=days(0))
    mail.outbox.clear()
    result = tasks.send_action_reminders.enqueue()
    assert result.return_value == {"soon": 1, "overdue": 0, "no_address": 0}
    assert len(mail.outbox) == 1
