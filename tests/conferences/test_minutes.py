"""The minutes of a meeting: writing them, draft → sent for comments → approved →
published, comments (also through a member's personal link), what each role sees."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.domain import minutes as domain
from quartiersnetz.conferences.models import ActionItem, Meeting, Minutes, MinutesComment
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    AgendaItemFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    MeetingFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db

PUBLIC_TEXT = "Der Spielplatz am Bruchfeld bekommt neue Schaukeln."
INTERNAL_TEXT = "Vertraulich: Kosten der Hausmeisterstelle."
NOTES = "Anwesend: zwölf Mitglieder. Gäste aus Welper."


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def conference():
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", slug="holthausen")


@pytest.fixture
def moderator(conference):
    return ConferenceMembershipFactory(
        conference=conference,
        role="moderator",
        name="Mona Moderatorin",
        user__email="mona@example.org",
        user__name="Mona Moderatorin",
    ).user


@pytest.fixture
def member_ship(conference):
    return ConferenceMembershipFactory(
        conference=conference, name="Max Mitglied", user__email="max@example.org"
    )


@pytest.fixture
def member(member_ship):
    return member_ship.user


@pytest.fixture
def guest_ship(conference):
    """A member without an account: reads and comments through the personal link."""
    return ConferenceMembershipFactory(
        conference=conference, user=None, name="Greta Gast", email="greta@example.org"
    )


@pytest.fixture
def other_member():
    return ConferenceMembershipFactory(
        conference=ConferenceFactory(name="Stadtteilkonferenz Welper", slug="welper"),
        user__email="otto@example.org",
    ).user


@pytest.fixture
def citizen():
    return UserFactory(email="carla@example.org")


@pytest.fixture
def coordinator():
    return UserFactory(email="dana@example.org", is_moderator=True, name="Dana Entwicklerin")


@pytest.fixture
def editor():
    return UserFactory(email="eddi@example.org", is_editor=True)


def held_meeting(conference, **kwargs):
    start = timezone.now() - dt.timedelta(days=7)
    values = {
        "conference": conference,
        "start": start,
        "end": start + dt.timedelta(hours=2),
        "state": Meeting.State.HELD,
    }
    values.update(kwargs)
    return MeetingFactory(**values)


@pytest.fixture
def meeting(conference):
    return held_meeting(conference)


@pytest.fixture
def public_item(meeting):
    return AgendaItemFactory(meeting=meeting, position=1, title="Spielplatz Bruchfeld")


@pytest.fixture
def internal_item(meeting):
    return AgendaItemFactory(
        meeting=meeting, position=2, title="Personalangelegenheiten", is_public=False
    )


def url(name, meeting, **kwargs):
    return reverse(
        f"conferences:{name}", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk, **kwargs}
    )


def write(meeting, user, *, state=Minutes.State.DRAFT, public_item=None, internal_item=None):
    """Minutes saved through the domain, then moved to state."""
    items = {}
    if public_item is not None:
        items[public_item.pk] = (PUBLIC_TEXT, "Einstimmig beschlossen.")
    if internal_item is not None:
        items[internal_item.pk] = (INTERNAL_TEXT, "")
    minutes, _changes = domain.save_minutes(Minutes(meeting=meeting), NOTES, items, 0, user)
    steps = {
        Minutes.State.DRAFT: [],
        Minutes.State.IN_REVIEW: ["send"],
        Minutes.State.APPROVED: ["send", "approve"],
        Minutes.State.PUBLISHED: ["send", "approve", "publish"],
    }[state]
    for step in steps:
        domain.transition(minutes, step, user)
    minutes.refresh_from_db()
    return minutes


def form_data(minutes, items, notes=NOTES, **extra):
    data = {"version": str(minutes.version if minutes else 0), "notes": notes}
    for item, (text, decision) in items.items():
        data[f"item-{item.pk}-minutes"] = text
        data[f"item-{item.pk}-decision"] = decision
    data.update(extra)
    return data


# --- The whole workflow ----------------------------------------------------------------


def test_the_whole_workflow_from_draft_to_the_public_page(
    client, moderator, member, guest_ship, meeting, public_item, internal_item
):
    client.force_login(moderator)
    response = client.get(url("minutes-edit", meeting))
    assert response.status_code == 200
    assert "Spielplatz Bruchfeld" in page(response)

    response = client.post(
        url("minutes-edit", meeting),
        form_data(
            None,
            {
                public_item: (PUBLIC_TEXT, "Einstimmig beschlossen."),
                internal_item: (INTERNAL_TEXT, ""),
            },
        ),
    )
    assert response.status_code == 302
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.state == Minutes.State.DRAFT
    assert minutes.version == 1
    assert minutes.author == moderator
    assert minutes.notes == NOTES
    public_item.refresh_from_db()
    assert public_item.minutes == PUBLIC_TEXT
    assert public_item.decision == "Einstimmig beschlossen."
    assert history(minutes).first().action == domain.Action.CREATED

    # A draft is the writer's: members and the public do not see it yet.
    client.force_login(member)
    assert client.get(url("minutes", meeting)).status_code == 404
    client.logout()
    assert client.get(url("minutes", meeting)).status_code == 404

    client.force_login(moderator)
    mail.outbox.clear()
    response = client.post(url("minutes-transition", meeting, action="send"), follow=True)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.IN_REVIEW
    assert minutes.sent_at is not None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["greta@example.org", "max@example.org", "mona@example.org"]
    guest_mail = next(message for message in mail.outbox if message.to == ["greta@example.org"])
    assert f"?token={guest_ship.token}" in guest_mail.body
    member_mail = next(message for message in mail.outbox if message.to == ["max@example.org"])
    assert "token=" not in member_mail.body
    assert url("minutes", meeting) in member_mail.body

    client.force_login(member)
    response = client.get(url("minutes", meeting))
    assert response.status_code == 200
    assert INTERNAL_TEXT in page(response)
    mail.outbox.clear()
    response = client.post(
        url("minutes-comment", meeting), {"text": "Bitte Welper als Gast ergänzen."}
    )
    assert response.status_code == 302
    comment = MinutesComment.objects.get()
    assert (comment.name, comment.author, comment.membership.user) == (
        "Max Mitglied",
        member,
        member,
    )
    assert [message.to for message in mail.outbox] == [["mona@example.org"]]
    assert "Bitte Welper als Gast ergänzen." in mail.outbox[0].body

    client.force_login(moderator)
    client.post(url("minutes-transition", meeting, action="approve"))
    minutes.refresh_from_db()
    meeting.refresh_from_db()
    assert minutes.state == Minutes.State.APPROVED
    assert minutes.approved_by == moderator
    assert minutes.approved_at is not None
    assert meeting.state == Meeting.State.MINUTES_APPROVED
    client.logout()
    assert client.get(url("minutes", meeting)).status_code == 404

    client.force_login(moderator)
    client.post(url("minutes-transition", meeting, action="publish"))
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.PUBLISHED
    assert minutes.published_at is not None

    client.logout()
    response = client.get(url("minutes", meeting))
    assert response.status_code == 200
    text = page(response)
    assert PUBLIC_TEXT in text
    assert "Einstimmig beschlossen." in text
    assert NOTES in text
    assert INTERNAL_TEXT not in text
    assert "Personalangelegenheiten" not in text
    assert "Bitte Welper als Gast ergänzen." not in text

    client.force_login(moderator)
    client.post(url("minutes-transition", meeting, action="unpublish"))
    minutes.refresh_from_db()
    assert (minutes.state, minutes.published_at) == (Minutes.State.APPROVED, None)
    client.logout()
    assert client.get(url("minutes", meeting)).status_code == 404
    actions = [entry.action for entry in history(minutes)]
    assert actions[:5] == [
        domain.Action.UNPUBLISHED,
        domain.Action.PUBLISHED,
        domain.Action.APPROVED,
        domain.Action.COMMENTED,
        domain.Action.SENT,
    ]


def test_back_to_draft_hides_the_minutes_from_the_members_again(
    client, moderator, member, meeting, public_item
):
    minutes = write(meeting, moderator, state=Minutes.State.IN_REVIEW, public_item=public_item)
    client.force_login(moderator)
    client.post(url("minutes-transition", meeting, action="back-to-draft"))
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT
    client.force_login(member)
    assert client.get(url("minutes", meeting)).status_code == 404


def test_a_step_in_the_wrong_state_is_refused_with_a_message(client, moderator, meeting):
    minutes = write(meeting, moderator)
    client.force_login(moderator)
    response = client.post(url("minutes-transition", meeting, action="approve"), follow=True)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT
    assert messages_of(response) == [
        german("Only minutes that were sent to the members for comments can be approved.")
    ]
    response = client.post(url("minutes-transition", meeting, action="publish"), follow=True)
    assert german("Only approved minutes can be published.") in messages_of(response)
    response = client.post(url("minutes-transition", meeting, action="unpublish"), follow=True)
    assert german("These minutes are not published.") in messages_of(response)
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.DRAFT


def test_a_double_click_on_send_mails_the_members_once(client, moderator, member, meeting):
    write(meeting, moderator)
    client.force_login(moderator)
    mail.outbox.clear()
    client.post(url("minutes-transition", meeting, action="send"))
    response = client.post(url("minutes-transition", meeting, action="send"), follow=True)
    assert german("These minutes have already been sent to the members.") in messages_of(response)
    assert sorted(message.to[0] for message in mail.outbox) == [
        "max@example.org",
        "mona@example.org",
    ]


def test_an_unknown_step_is_not_found(client, moderator, meeting):
    write(meeting, moderator)
    client.force_login(moderator)
    assert client.post(url("minutes-transition", meeting, action="delete")).status_code == 404
    assert client.get(url("minutes-transition", meeting, action="send")).status_code == 405


def test_a_step_without_minutes_asks_to_write_them_first(client, moderator, meeting):
    client.force_login(moderator)
    response = client.post(url("minutes-transition", meeting, action="send"))
    assert response["Location"] == url("minutes-edit", meeting)
    assert not Minutes.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 403),
        ("member", 403),
        ("other_member", 403),
        ("moderator", 302),
        ("coordinator", 302),
        ("editor", 302),
    ],
)
def test_who_may_send_the_minutes(client, request, who, expected, moderator, member, meeting):
    write(meeting, moderator)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(url("minutes-transition", meeting, action="send"))
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected
    sent = Minutes.objects.get().state == Minutes.State.IN_REVIEW
    assert sent == (expected == 302)


# --- Meetings that have (no) minutes --------------------------------------------------


def test_minutes_are_written_only_for_held_meetings(client, moderator, conference):
    planned = MeetingFactory(conference=conference)
    cancelled = held_meeting(conference, state=Meeting.State.CANCELLED)
    client.force_login(moderator)
    response = client.get(url("minutes-edit", planned), follow=True)
    assert german("Minutes can be written once the meeting has been held.") in messages_of(response)
    response = client.get(url("minutes-edit", cancelled), follow=True)
    assert german("This meeting was cancelled: it has no minutes.") in messages_of(response)
    with pytest.raises(ValidationError) as refused:
        domain.save_minutes(Minutes(meeting=cancelled), "Notizen", {}, 0, moderator)
    assert refused.value.code == "meeting_cancelled"
    assert client.get(url("minutes", planned)).status_code == 404
    assert not Minutes.objects.exists()


def test_approved_minutes_are_final(client, moderator, meeting, public_item):
    minutes = write(meeting, moderator, state=Minutes.State.APPROVED, public_item=public_item)
    client.force_login(moderator)
    response = client.get(url("minutes-edit", meeting), follow=True)
    assert german("Approved minutes cannot be changed any more.") in messages_of(response)
    response = client.post(
        url("minutes-edit", meeting), form_data(minutes, {public_item: ("Neu", "")})
    )
    assert response.status_code == 302
    public_item.refresh_from_db()
    assert public_item.minutes == PUBLIC_TEXT
    with pytest.raises(ValidationError) as refused:
        domain.save_minutes(minutes, "Neu", {}, minutes.version, moderator)
    assert refused.value.code == "final"


def test_minutes_can_be_edited_while_sent_for_comments(client, moderator, meeting, public_item):
    minutes = write(meeting, moderator, state=Minutes.State.IN_REVIEW, public_item=public_item)
    client.force_login(moderator)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(minutes, {public_item: ("Korrigiert nach Hinweis.", "")}),
    )
    assert response.status_code == 302
    minutes.refresh_from_db()
    public_item.refresh_from_db()
    assert (minutes.version, minutes.state) == (2, Minutes.State.IN_REVIEW)
    assert public_item.minutes == "Korrigiert nach Hinweis."
    entry = history(minutes).first()
    assert entry.action == domain.Action.EDITED
    label = next(label for label in entry.changes if "Spielplatz Bruchfeld" in label)
    assert entry.changes[label] == [PUBLIC_TEXT, "Korrigiert nach Hinweis."]


def test_saving_without_changes_keeps_the_version(client, moderator, meeting, public_item):
    minutes = write(meeting, moderator, public_item=public_item)
    client.force_login(moderator)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(minutes, {public_item: (PUBLIC_TEXT, "Einstimmig beschlossen.")}),
        follow=True,
    )
    assert german("Nothing has changed.") in messages_of(response)
    minutes.refresh_from_db()
    assert minutes.version == 1


def test_too_long_minutes_are_refused_with_the_input_kept(client, moderator, meeting, public_item):
    client.force_login(moderator)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(None, {public_item: ("x" * 50_001, "")}, notes="Behalten"),
    )
    assert response.status_code == 400
    assert "Behalten" in page(response)
    assert not Minutes.objects.exists()


# --- Concurrent edits ------------------------------------------------------------------


def test_a_save_over_someone_elses_newer_version_is_refused(
    client, moderator, coordinator, meeting, public_item
):
    minutes = write(meeting, moderator, public_item=public_item)
    opened_with = minutes.version
    client.force_login(coordinator)
    client.post(
        url("minutes-edit", meeting),
        form_data(minutes, {public_item: ("Fassung von Dana.", "")}),
    )
    client.force_login(moderator)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(minutes, {public_item: ("Fassung von Mona.", "")}, version=str(opened_with)),
    )
    assert response.status_code == 409
    text = page(response)
    assert "Dana Entwicklerin" in text
    assert "Fassung von Mona." in text  # the input is kept
    assert "Fassung von Dana." in text  # and what is saved now is shown
    public_item.refresh_from_db()
    assert public_item.minutes == "Fassung von Dana."
    minutes.refresh_from_db()
    assert minutes.version == opened_with + 1
    # The form now carries the current version: saving again replaces it.
    assert response.context["form"]["version"].value() == str(minutes.version)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(minutes, {public_item: ("Fassung von Mona.", "")}),
    )
    assert response.status_code == 302
    public_item.refresh_from_db()
    assert public_item.minutes == "Fassung von Mona."


def test_two_first_saves_create_the_minutes_once(moderator, coordinator, meeting, public_item):
    domain.save_minutes(Minutes(meeting=meeting), "Erste", {}, 0, moderator)
    with pytest.raises(ValidationError) as refused:
        domain.save_minutes(Minutes(meeting=meeting), "Zweite", {}, 0, coordinator)
    assert refused.value.code == "edited_meanwhile"
    assert "Mona Moderatorin" in refused.value.messages[0]
    assert Minutes.objects.get().notes == "Erste"


# --- Comments --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "state", [Minutes.State.DRAFT, Minutes.State.APPROVED, Minutes.State.PUBLISHED]
)
def test_comments_only_while_sent_for_comments(client, state, moderator, member, meeting):
    minutes = write(meeting, moderator, state=state)
    client.force_login(moderator if state == Minutes.State.DRAFT else member)
    response = client.post(url("minutes-comment", meeting), {"text": "Zu spät?"}, follow=True)
    assert german(
        "Comments are possible only while the minutes are sent to the members."
    ) in messages_of(response)
    assert not MinutesComment.objects.exists()
    with pytest.raises(ValidationError):
        domain.add_comment(minutes, "Zu spät?", user=member)


def test_an_empty_comment_is_refused(client, moderator, member, meeting):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    client.force_login(member)
    response = client.post(url("minutes-comment", meeting), {"text": "   "})
    assert response.status_code == 400
    assert not MinutesComment.objects.exists()


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", "login"), ("citizen", 403), ("other_member", 403)],
)
def test_only_members_comment(client, request, who, expected, moderator, meeting):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.post(url("minutes-comment", meeting), {"text": "Meine Meinung"})
    if expected == "login":
        assert is_login_redirect(response)
    else:
        # Another conference's member is a citizen here: the public meeting is visible,
        # its minutes under review are not theirs to comment on.
        assert response.status_code == expected
    assert not MinutesComment.objects.exists()


# --- The personal link of a member without an account ---------------------------------


def test_the_personal_link_lets_a_member_without_account_read_and_comment(
    client, moderator, guest_ship, meeting, public_item, internal_item
):
    write(
        meeting,
        moderator,
        state=Minutes.State.IN_REVIEW,
        public_item=public_item,
        internal_item=internal_item,
    )
    response = client.get(url("minutes", meeting) + f"?token={guest_ship.token}")
    assert response.status_code == 200
    text = page(response)
    assert INTERNAL_TEXT in text
    assert "Greta Gast" in text
    assert f'value="{guest_ship.token}"' in text

    mail.outbox.clear()
    response = client.post(
        url("minutes-comment", meeting),
        {"text": "Die Schaukeln kommen im Mai.", "token": guest_ship.token},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"?token={guest_ship.token}#comments")
    comment = MinutesComment.objects.get()
    assert (comment.membership, comment.author, comment.name) == (guest_ship, None, "Greta Gast")
    assert [message.to for message in mail.outbox] == [["mona@example.org"]]


def test_the_personal_link_opens_the_pdf_too(client, moderator, guest_ship, meeting, internal_item):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW, internal_item=internal_item)
    response = client.get(url("minutes-pdf", meeting) + f"?token={guest_ship.token}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert [section["item"] for section in response.context["sections"]] == [internal_item]


def test_the_personal_link_gives_nothing_else(client, moderator, guest_ship, meeting):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    token = f"?token={guest_ship.token}"
    assert is_login_redirect(client.get(url("minutes-edit", meeting) + token))
    assert is_login_redirect(
        client.post(
            url("minutes-transition", meeting, action="approve") + token,
            {"token": guest_ship.token},
        )
    )
    assert is_login_redirect(
        client.get(reverse("conferences:actions", kwargs={"slug": "holthausen"}) + token)
    )
    assert Minutes.objects.get().state == Minutes.State.IN_REVIEW


@pytest.mark.parametrize("case", ["wrong", "ended", "other_conference", "inactive"])
def test_a_link_that_is_not_a_current_members_shows_nothing_internal(
    client, case, moderator, guest_ship, meeting
):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    token = guest_ship.token
    if case == "wrong":
        token = "x" * 43
    elif case == "ended":
        guest_ship.start_date = local_today() - dt.timedelta(days=30)
        guest_ship.end_date = local_today() - dt.timedelta(days=1)
        guest_ship.save()
    elif case == "other_conference":
        token = ConferenceMembershipFactory(user=None, name="Fremd", email="f@example.org").token
    else:
        meeting.conference.is_active = False
        meeting.conference.save()
    response = client.get(url("minutes", meeting) + f"?token={token}")
    assert response.status_code == 404
    response = client.post(url("minutes-comment", meeting), {"text": "Hallo", "token": token})
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert is_login_redirect(response)
    assert not MinutesComment.objects.exists()


# --- What each role sees ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "in_review", "published"),
    [
        # What the person gets for minutes sent for comments and for published minutes:
        # "full" (with the internal items), "public" (public items only) or 404.
        ("anonymous", 404, "public"),
        ("citizen", 404, "public"),
        ("other_member", 404, "public"),
        ("member", "full", "full"),
        ("moderator", "full", "full"),
        ("coordinator", "full", "full"),
        ("editor", "full", "full"),
    ],
)
def test_what_each_role_sees(
    client,
    request,
    who,
    in_review,
    published,
    moderator,
    member,
    meeting,
    public_item,
    internal_item,
):
    minutes = write(
        meeting,
        moderator,
        state=Minutes.State.IN_REVIEW,
        public_item=public_item,
        internal_item=internal_item,
    )
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))

    def check(expected):
        response = client.get(url("minutes", meeting))
        if expected == 404:
            assert response.status_code == 404
            return
        assert response.status_code == 200
        text = page(response)
        assert PUBLIC_TEXT in text
        assert (INTERNAL_TEXT in text) == (expected == "full")
        assert ("Personalangelegenheiten" in text) == (expected == "full")

    check(in_review)
    domain.approve(minutes, moderator)
    domain.publish(minutes, moderator)
    check(published)


def test_the_members_only_meetings_minutes_stay_with_the_members(
    client, moderator, member, other_member, conference
):
    meeting = held_meeting(conference, is_public=False)
    item = AgendaItemFactory(meeting=meeting, title="Haushalt")
    write(meeting, moderator, state=Minutes.State.PUBLISHED, public_item=item)
    assert client.get(url("minutes", meeting)).status_code == 404
    client.force_login(other_member)
    assert client.get(url("minutes", meeting)).status_code == 404
    assert client.get(url("minutes-pdf", meeting)).status_code == 404
    client.force_login(member)
    assert PUBLIC_TEXT in page(client.get(url("minutes", meeting)))


def test_the_manager_sees_the_draft_with_the_steps_to_take(client, moderator, meeting):
    write(meeting, moderator)
    client.force_login(moderator)
    response = client.get(url("minutes", meeting))
    text = page(response)
    assert url("minutes-edit", meeting) in text
    assert url("minutes-transition", meeting, action="send") in text
    assert url("minutes-transition", meeting, action="approve") not in text


def test_the_manager_is_invited_to_write_missing_minutes(client, moderator, member, meeting):
    client.force_login(moderator)
    response = client.get(url("minutes", meeting))
    assert response.status_code == 200
    assert url("minutes-edit", meeting) in page(response)
    client.force_login(member)
    assert client.get(url("minutes", meeting)).status_code == 404


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", "login"),
        ("citizen", 403),
        ("member", 403),
        ("other_member", 403),
        ("moderator", 200),
        ("coordinator", 200),
        ("editor", 200),
    ],
)
def test_who_may_write_the_minutes(client, request, who, expected, moderator, meeting):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(url("minutes-edit", meeting))
    if expected == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == expected


def test_the_public_pdf_has_only_the_public_items(
    client, moderator, meeting, public_item, internal_item
):
    write(
        meeting,
        moderator,
        state=Minutes.State.PUBLISHED,
        public_item=public_item,
        internal_item=internal_item,
    )
    response = client.get(url("minutes-pdf", meeting))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert [section["item"] for section in response.context["sections"]] == [public_item]
    client.force_login(moderator)
    response = client.get(url("minutes-pdf", meeting))
    assert [section["item"] for section in response.context["sections"]] == [
        public_item,
        internal_item,
    ]


# --- Action items agreed in the minutes ------------------------------------------------


def test_an_action_item_is_added_with_the_minutes(
    client, moderator, member_ship, meeting, public_item
):
    client.force_login(moderator)
    mail.outbox.clear()
    due = local_today() + dt.timedelta(days=14)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(
            None,
            {public_item: (PUBLIC_TEXT, "")},
            **{
                f"item-{public_item.pk}-action-title": "Angebot für Schaukeln einholen",
                f"item-{public_item.pk}-action-assignee": str(member_ship.pk),
                f"item-{public_item.pk}-action-due": due.isoformat(),
            },
        ),
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.title, item.assignee, item.due_date) == (
        "Angebot für Schaukeln einholen",
        member_ship,
        due,
    )
    assert (item.meeting, item.agenda_item, item.conference) == (
        meeting,
        public_item,
        meeting.conference,
    )
    assert item.created_by == moderator
    assert [message.to for message in mail.outbox] == [["max@example.org"]]
    # The edit page lists it under its item.
    assert "Angebot für Schaukeln einholen" in page(client.get(url("minutes-edit", meeting)))


def test_an_action_item_without_who_is_refused_and_nothing_is_saved(
    client, moderator, meeting, public_item
):
    client.force_login(moderator)
    response = client.post(
        url("minutes-edit", meeting),
        form_data(
            None,
            {public_item: (PUBLIC_TEXT, "")},
            **{f"item-{public_item.pk}-action-title": "Irgendwer macht das"},
        ),
    )
    assert response.status_code == 400
    assert not Minutes.objects.exists()
    assert not ActionItem.objects.exists()


def test_a_comment_sent_twice_is_saved_once(client, moderator, member, meeting):
    write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    client.force_login(member)
    mail.outbox.clear()
    for _attempt in range(2):
        response = client.post(url("minutes-comment", meeting), {"text": "Doppelt geklickt"})
        assert response.status_code == 302
    assert MinutesComment.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_domain_refuses_comments_of_people_outside_the_conference(moderator, citizen, meeting):
    minutes = write(meeting, moderator, state=Minutes.State.IN_REVIEW)
    with pytest.raises(ValidationError) as refused:
        domain.add_comment(minutes, "Ich auch", user=citizen)
    assert refused.value.code == "not_member"
