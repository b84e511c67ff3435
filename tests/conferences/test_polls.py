"""Finding a date: proposing dates, members answering (with or without an account),
the results with the clashes the date coordination engine finds, picking the date;
who may do what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from quartiersnetz.conferences.domain import polls
from quartiersnetz.conferences.models import DatePoll, Meeting, PollAnswer, PollOption
from quartiersnetz.coordination.engine import ConflictKind, Severity
from quartiersnetz.core.activity import history
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    BERLIN,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DateHoldFactory,
    DistrictFactory,
    EventFactory,
    PlaceFactory,
    UserFactory,
)
from tests.helpers import german, page

pytestmark = pytest.mark.django_db


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def day(offset):
    return local_today() + dt.timedelta(days=offset)


def at(offset, hour, minute=0):
    """Local time on the day offset days from today."""
    return dt.datetime.combine(day(offset), dt.time(hour, minute), tzinfo=BERLIN)


def is_login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


@pytest.fixture
def holthausen():
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", districts=[district])


@pytest.fixture
def place(holthausen):
    return PlaceFactory(name="Nachbarschaftstreff Holthausen", district=holthausen.districts.get())


@pytest.fixture
def moderator(holthausen):
    return ConferenceMembershipFactory(
        conference=holthausen,
        user=UserFactory(email="moderatorin@example.org"),
        name="Mia Moderatorin",
        role="moderator",
    )


@pytest.fixture
def member(holthausen):
    return ConferenceMembershipFactory(
        conference=holthausen,
        user=UserFactory(email="mitglied@example.org"),
        name="Max Mitglied",
    )


@pytest.fixture
def guest(holthausen):
    """A member without an account, who answers through the personal link."""
    return ConferenceMembershipFactory(
        conference=holthausen, user=None, name="Greta Gast", email="greta@example.org"
    )


@pytest.fixture
def outsider():
    """A member of another conference."""
    return ConferenceMembershipFactory(
        conference=ConferenceFactory(name="Stadtteilkonferenz Welper"),
        user=UserFactory(email="welper@example.org"),
        name="Walter Welper",
    )


@pytest.fixture
def poll(holthausen, place, moderator, member, guest):
    created, _new = polls.create_poll(
        holthausen,
        "Frühjahrssitzung",
        "Es geht um das Stadtteilfest.",
        place,
        [(at(20, 17), at(20, 19)), (at(27, 17), at(27, 19)), (at(34, 18), at(34, 20))],
        moderator.user,
    )
    mail.outbox.clear()
    return created


def options_of(poll):
    return list(poll.options.order_by("start"))


def create_data(place, **rows):
    data = {"title": "Herbstsitzung", "place": str(place.pk), "note": "", "rows": "10"}
    for number in range(1, 11):
        data.update({f"day_{number}": "", f"start_{number}": "17:00", f"end_{number}": "19:00"})
    data.update(rows)
    return data


def answer_url(poll, membership):
    return reverse("conferences:poll-answer", kwargs={"pk": poll.pk, "token": membership.token})


def pick_url(poll):
    return reverse("conferences:poll-pick", kwargs={"pk": poll.pk})


def poll_url(poll):
    return reverse("conferences:poll", kwargs={"pk": poll.pk})


# --- Creating a poll ------------------------------------------------------------------


def test_moderator_proposes_dates_and_every_member_gets_a_personal_link(
    client, holthausen, place, moderator, member, guest, outsider
):
    ConferenceMembershipFactory(
        conference=holthausen, user=None, name="Ohne Adresse", email="", role="member"
    )
    ConferenceMembershipFactory(
        conference=holthausen,
        user=None,
        name="Ehemalige",
        email="ehemalige@example.org",
        end_date=day(-10),
        start_date=day(-400),
    )
    client.force_login(moderator.user)
    create = reverse("conferences:poll-create", kwargs={"slug": holthausen.slug})
    form = client.get(create)
    assert form.status_code == 200
    assert 'type="date"' in page(form)
    assert "<legend>" in page(form)

    response = client.post(
        create,
        create_data(
            place,
            note="Bitte bis Freitag antworten.",
            day_1=day(14).isoformat(),
            day_2=day(21).isoformat(),
            start_2="18:00",
            end_2="20:00",
        ),
    )

    poll = DatePoll.objects.get()
    assert response.status_code == 302
    assert response["Location"] == poll_url(poll)
    assert poll.title == "Herbstsitzung"
    assert poll.place == place
    assert poll.is_open
    assert poll.created_by == moderator.user
    assert [(o.start, o.end) for o in options_of(poll)] == [
        (at(14, 17), at(14, 19)),
        (at(21, 18), at(21, 20)),
    ]
    recipients = sorted(address for message in mail.outbox for address in message.to)
    # Current members with an address: not the one without, not the former member,
    # not the other conference's member.
    assert recipients == ["greta@example.org", "mitglied@example.org", "moderatorin@example.org"]
    to_greta = next(message for message in mail.outbox if message.to == ["greta@example.org"])
    assert f"https://quartiersnetz.example{answer_url(poll, guest)}" in to_greta.body
    assert member.token not in to_greta.body
    assert "Bitte bis Freitag antworten." in to_greta.body
    assert "Nachbarschaftstreff Holthausen" in to_greta.body
    # In German and in English, each with the link.
    assert "\n-----\n" in to_greta.body
    assert to_greta.body.count(answer_url(poll, guest)) == 2
    assert [entry.action for entry in history(poll)] == [polls.Action.CREATED]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ({"day_1": "PAST", "day_2": "FUTURE"}, "This date is in the past."),
        (
            {"day_1": "FUTURE", "start_1": "19:00", "end_1": "17:00", "day_2": "FUTURE2"},
            "The end must be after the start.",
        ),
        ({"day_1": "FUTURE"}, "Propose at least %(count)s dates, so that members have a choice."),
        ({"day_1": "FUTURE", "day_2": "FUTURE"}, "This date is proposed twice."),
        ({"day_1": "FUTURE", "day_2": "nächste Woche"}, "Enter a valid date."),
        ({"day_1": "FUTURE", "start_2": "10:00"}, "Enter the day of this date."),
        ({"day_1": "FUTURE", "day_2": "FUTURE2", "end_2": ""}, "Enter the time the meeting ends."),
    ],
)
def test_invalid_dates_are_refused_with_a_message_and_nothing_is_saved(
    client, holthausen, place, moderator, member, rows, message
):
    values = {"PAST": day(-1), "FUTURE": day(10), "FUTURE2": day(11)}
    rows = {key: str(values.get(value, value)) for key, value in rows.items()}
    client.force_login(moderator.user)

    response = client.post(
        reverse("conferences:poll-create", kwargs={"slug": holthausen.slug}),
        create_data(place, **rows),
    )

    assert response.status_code == 400
    text = page(response)
    assert german("Nothing has been saved yet.") in text
    if "%(count)s" in message:
        assert german(message, count=2) in text
    else:
        assert german(message) in text
    # What was typed comes back.
    assert 'value="Herbstsitzung"' in text
    assert not DatePoll.objects.exists()
    assert not PollOption.objects.exists()
    assert mail.outbox == []


def test_the_domain_refuses_a_single_date_and_dates_in_the_past(holthausen, moderator):
    with pytest.raises(ValidationError) as error:
        polls.create_poll(holthausen, "", "", None, [(at(3, 17), at(3, 19))], moderator.user)
    assert error.value.messages == [
        german("Propose at least %(count)s dates, so that members have a choice.", count=2)
    ]
    with pytest.raises(ValidationError) as error:
        polls.create_poll(
            holthausen,
            "",
            "",
            None,
            [(at(-3, 17), at(-3, 19)), (at(3, 19), at(3, 17))],
            moderator.user,
        )
    assert error.value.messages == [
        german(
            "Date %(number)s: %(message)s", number=1, message=german("This date is in the past.")
        ),
        german(
            "Date %(number)s: %(message)s",
            number=2,
            message=german("The end must be after the start."),
        ),
    ]
    assert not DatePoll.objects.exists()


def test_a_form_sent_twice_saves_one_poll(client, holthausen, place, moderator, member):
    client.force_login(moderator.user)
    data = create_data(place, day_1=day(10).isoformat(), day_2=day(17).isoformat())
    create = reverse("conferences:poll-create", kwargs={"slug": holthausen.slug})

    client.post(create, data)
    second = client.post(create, data, follow=True)

    assert DatePoll.objects.count() == 1
    assert len(mail.outbox) == 2
    assert german("This form had already been sent: the poll was saved once.") in messages_of(
        second
    )


def test_more_rows_can_be_asked_for_without_javascript(client, holthausen, moderator):
    client.force_login(moderator.user)
    response = client.get(
        reverse("conferences:poll-create", kwargs={"slug": holthausen.slug}) + "?rows=50"
    )
    text = page(response)
    assert 'name="day_20"' in text
    assert 'name="day_21"' not in text


# --- Answering ------------------------------------------------------------------------


def test_a_member_without_an_account_answers_through_the_personal_link(client, poll, guest):
    first, second, third = options_of(poll)

    form = client.get(answer_url(poll, guest))

    assert form.status_code == 200
    text = page(form)
    assert "Greta Gast" in text
    assert text.count('<fieldset class="poll-option') == 3
    assert '<legend><time datetime="' in text
    assert f'name="option_{first.pk}" value="maybe"' in text
    assert form["X-Robots-Tag"] == "noindex"

    response = client.post(
        answer_url(poll, guest),
        {f"option_{first.pk}": "yes", f"option_{second.pk}": "maybe", f"option_{third.pk}": "no"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == answer_url(poll, guest)
    assert german("Thank you, your answers have been saved.") in messages_of(response)
    assert dict(guest.poll_answers.values_list("option_id", "answer")) == {
        first.pk: "yes",
        second.pk: "maybe",
        third.pk: "no",
    }
    # The form shows the answers given.
    assert f'name="option_{first.pk}" value="yes" id="id_option_{first.pk}_0" checked' in page(
        response
    )


def test_changing_an_answer_updates_it_and_keeps_the_others(client, poll, guest):
    first, second, _third = options_of(poll)
    client.post(answer_url(poll, guest), {f"option_{first.pk}": "no", f"option_{second.pk}": "no"})

    client.post(answer_url(poll, guest), {f"option_{first.pk}": "yes"})

    assert PollAnswer.objects.filter(membership=guest).count() == 2
    assert dict(guest.poll_answers.values_list("option_id", "answer")) == {
        first.pk: "yes",
        second.pk: "no",
    }
    entries = [entry for entry in history(poll) if entry.action == polls.Action.ANSWERED]
    assert len(entries) == 2
    assert entries[0].message.startswith("Greta Gast")


def test_an_empty_or_invalid_answer_is_refused(client, poll, guest):
    first = options_of(poll)[0]

    empty = client.post(answer_url(poll, guest), {})
    invalid = client.post(answer_url(poll, guest), {f"option_{first.pk}": "perhaps"})

    assert empty.status_code == 400
    assert german("Answer at least one of the dates.") in page(empty)
    assert invalid.status_code == 400
    assert german("Answer this date with yes, if need be or no.") in page(invalid)
    assert not PollAnswer.objects.exists()


def test_a_signed_in_member_answers_on_the_polls_page(client, poll, member):
    first = options_of(poll)[0]
    client.force_login(member.user)

    shown = client.get(poll_url(poll))
    response = client.post(poll_url(poll), {f"option_{first.pk}": "maybe"})

    assert german("Your answers") in page(shown)
    # Members answer; they do not see the others' answers or pick the date.
    assert german("Who answered what") not in page(shown)
    assert pick_url(poll) not in page(shown)
    assert response.status_code == 302
    assert response["Location"] == poll_url(poll)
    assert PollAnswer.objects.get(membership=member).answer == "maybe"


@pytest.mark.parametrize("which", ["unknown", "other_conference", "former_member"])
def test_a_token_that_is_not_a_current_member_of_the_polls_conference_is_refused(
    client, poll, holthausen, outsider, which
):
    token = {
        "unknown": "x" * 43,
        "other_conference": outsider.token,
        "former_member": ConferenceMembershipFactory(
            conference=holthausen,
            user=None,
            email="weg@example.org",
            start_date=day(-100),
            end_date=day(-1),
        ).token,
    }[which]
    first = options_of(poll)[0]
    address = reverse("conferences:poll-answer", kwargs={"pk": poll.pk, "token": token})

    assert client.get(address).status_code == 404
    assert client.post(address, {f"option_{first.pk}": "yes"}).status_code == 404
    assert not PollAnswer.objects.exists()


def test_the_domain_refuses_answers_of_another_conferences_member(poll, outsider):
    first = options_of(poll)[0]
    with pytest.raises(ValidationError) as error:
        polls.answer(poll, outsider, {first.pk: "yes"})
    assert error.value.code == "not_member"
    assert not PollAnswer.objects.exists()


def test_a_closed_poll_shows_the_date_and_refuses_answers(client, poll, guest, moderator):
    first, second, _third = options_of(poll)
    polls.answer(poll, guest, {first.pk: "no"})
    polls.pick(poll, second, moderator.user)

    shown = client.get(answer_url(poll, guest))
    response = client.post(answer_url(poll, guest), {f"option_{first.pk}": "yes"})

    assert shown.status_code == 200
    text = page(shown)
    assert german("The date has been fixed:") in text
    assert 'class="poll-answer-form"' not in text
    assert german("No") in text
    assert response.status_code == 400
    assert german("This date poll is closed: answers are no longer possible.") in page(response)
    assert PollAnswer.objects.get(membership=guest).answer == "no"
    with pytest.raises(ValidationError) as error:
        polls.answer(DatePoll.objects.get(pk=poll.pk), guest, {first.pk: "yes"})
    assert error.value.code == "closed"


# --- Results and clashes --------------------------------------------------------------


def test_results_count_the_answers_and_name_the_best_date(poll, moderator, member, guest):
    first, second, third = options_of(poll)
    polls.answer(poll, moderator, {first.pk: "yes", second.pk: "yes", third.pk: "no"})
    polls.answer(poll, member, {first.pk: "maybe", second.pk: "yes", third.pk: "no"})
    polls.answer(poll, guest, {first.pk: "yes", second.pk: "maybe"})

    found = polls.results(poll, with_clashes=False)

    counts = [(row.option, row.yes, row.maybe, row.no) for row in found.options]
    assert counts == [(first, 2, 1, 0), (second, 2, 1, 0), (third, 0, 0, 2)]
    # A tie on yes and if need be: the earlier date.
    assert found.best.option == first
    assert found.options[0].is_best
    rows = {row.membership.name: [cell.answer for cell in row.cells] for row in found.members}
    assert rows == {
        "Mia Moderatorin": ["yes", "yes", "no"],
        "Max Mitglied": ["maybe", "yes", "no"],
        "Greta Gast": ["yes", "maybe", ""],
    }
    polls.answer(poll, member, {first.pk: "no"})
    assert polls.results(poll, with_clashes=False).best.option == second


def test_without_answers_there_is_no_best_date(poll):
    assert polls.results(poll, with_clashes=False).best is None


def test_the_moderator_sees_a_table_of_answers_as_text(client, poll, moderator, guest):
    first, second, _third = options_of(poll)
    polls.answer(poll, guest, {first.pk: "yes", second.pk: "no"})
    client.force_login(moderator.user)

    response = client.get(poll_url(poll))

    text = page(response)
    assert '<th scope="col">' in text
    assert '<th scope="row">' in text
    assert german("Who answered what") in text
    guest_row = text[text.index("Greta Gast") : text.index("</tr>", text.index("Greta Gast"))]
    assert german("Yes") in guest_row
    assert german("No") in guest_row
    assert german("no answer") in guest_row
    assert text.count(f'action="{pick_url(poll)}"') == 3


def test_an_event_at_the_same_place_and_time_is_shown_as_a_clash(
    client, poll, place, moderator, guest
):
    first, second, _third = options_of(poll)
    EventFactory(title="Laternenumzug", place=place, start=first.start, end=first.end)
    client.force_login(moderator.user)

    found = polls.clashes(poll)
    detail = page(client.get(poll_url(poll)))
    personal = page(client.get(answer_url(poll, guest)))

    [same_place] = [c for c in found[first.pk] if c.kind == ConflictKind.SAME_PLACE]
    assert "Laternenumzug" in same_place.message
    assert same_place.severity == Severity.HARD
    assert not any("Laternenumzug" in conflict.message for conflict in found[second.pk])
    sentence = german("Same place at the same time: %(booking)s", booking="Laternenumzug")
    assert sentence in personal
    # Beside its date: in the first date's row of the table, not in the second's.
    rows = detail.split('<th scope="row"><time')
    first_row = next(row for row in rows if f'value="{first.pk}"' in row)
    second_row = next(row for row in rows if f'value="{second.pk}"' in row)
    assert sentence in first_row
    with translation.override("de"):
        assert f"{str(Severity.HARD.label).capitalize()}:" in first_row
    assert "Laternenumzug" not in second_row


def test_holds_only_organisers_see_are_left_out_on_the_personal_link(poll, holthausen):
    first = options_of(poll)[0]
    DateHoldFactory(
        title="Geheimes Sommerfest",
        district=holthausen.districts.get(),
        first_day=first.start.astimezone(BERLIN).date(),
        last_day=first.start.astimezone(BERLIN).date(),
        expected_attendance=5000,
    )

    everything = polls.clashes(poll)
    public = polls.clashes(poll, public_only=True)

    assert any("Geheimes Sommerfest" in c.message for c in everything[first.pk])
    assert not any("Geheimes Sommerfest" in c.message for c in public[first.pk])


# --- Picking the date -----------------------------------------------------------------


def test_picking_a_date_creates_the_meeting_once_and_tells_the_members(
    client, poll, place, moderator, member, guest
):
    second = options_of(poll)[1]
    client.force_login(moderator.user)

    response = client.post(pick_url(poll), {"option": str(second.pk)})
    again = client.post(pick_url(poll), {"option": str(second.pk)}, follow=True)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    assert (meeting.start, meeting.end) == (second.start, second.end)
    assert meeting.place == place
    assert meeting.state == Meeting.State.PLANNED
    assert meeting.conference == poll.conference
    assert meeting.created_by == moderator.user
    assert meeting.title == "Frühjahrssitzung"
    poll.refresh_from_db()
    assert not poll.is_open
    assert poll.meeting == meeting
    assert german("The date of this poll has already been fixed.") in messages_of(again)
    assert again.redirect_chain[-1][0] == poll_url(poll)
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["greta@example.org", "mitglied@example.org", "moderatorin@example.org"]
    assert all(
        german("Please note the date. The invitation with the agenda follows.") in m.body
        for m in mail.outbox
    )
    with pytest.raises(ValidationError):
        polls.pick(poll, second, moderator.user)
    assert Meeting.objects.count() == 1
    assert next(entry.action for entry in history(poll)) == polls.Action.PICKED


def test_a_date_of_another_poll_cannot_be_picked(client, poll, holthausen, moderator):
    other, _created = polls.create_poll(
        holthausen, "Andere", "", None, [(at(40, 17), at(40, 19)), (at(41, 17), at(41, 19))], None
    )
    client.force_login(moderator.user)

    response = client.post(pick_url(poll), {"option": str(options_of(other)[0].pk)})
    nothing = client.post(pick_url(poll), {"option": "abc"})

    assert response.status_code == 400
    assert nothing.status_code == 400
    assert not Meeting.objects.exists()
    poll.refresh_from_db()
    assert poll.is_open


def test_the_open_polls_of_a_conference_are_listed_with_their_answers(poll, guest, holthausen):
    polls.answer(poll, guest, {options_of(poll)[0].pk: "yes"})
    [listed] = polls.open_polls(holthausen)
    assert listed == poll
    assert listed.option_count == 3
    assert listed.answered_count == 1


# --- Who may do what ------------------------------------------------------------------


@pytest.fixture
def people(moderator, member, outsider):
    return {
        "anonymous": None,
        "citizen": UserFactory(email="buergerin@example.org"),
        "member": member.user,
        "other_member": outsider.user,
        "moderator": moderator.user,
        "coordinator": UserFactory(email="koordination@example.org", is_moderator=True),
        "editor": UserFactory(email="redaktion@example.org", is_editor=True),
    }


LOGIN, DENIED, OK = "login", 403, 200


def outcome(response):
    if is_login_redirect(response):
        return LOGIN
    return response.status_code


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("citizen", DENIED),
        ("member", OK),
        ("other_member", DENIED),
        ("moderator", OK),
        ("coordinator", OK),
        ("editor", OK),
    ],
)
def test_who_sees_a_poll(client, poll, people, role, expected):
    if people[role]:
        client.force_login(people[role])
    response = client.get(poll_url(poll))
    assert outcome(response) == expected
    if expected == OK:
        shows_results = german("Who answered what") in page(response)
        assert shows_results == (role in ("moderator", "coordinator", "editor"))


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("citizen", DENIED),
        ("member", DENIED),
        ("other_member", DENIED),
        ("moderator", OK),
        ("coordinator", OK),
        ("editor", OK),
    ],
)
def test_who_may_propose_dates(client, holthausen, place, people, role, expected):
    if people[role]:
        client.force_login(people[role])
    create = reverse("conferences:poll-create", kwargs={"slug": holthausen.slug})
    assert outcome(client.get(create)) == expected
    response = client.post(
        create, create_data(place, day_1=day(5).isoformat(), day_2=day(6).isoformat())
    )
    assert outcome(response) == (302 if expected == OK else expected)
    assert DatePoll.objects.exists() == (expected == OK)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("citizen", DENIED),
        ("member", DENIED),
        ("other_member", DENIED),
        ("moderator", 302),
        ("coordinator", 302),
        ("editor", 302),
    ],
)
def test_who_may_pick_the_date(client, poll, people, role, expected):
    if people[role]:
        client.force_login(people[role])
    response = client.post(pick_url(poll), {"option": str(options_of(poll)[0].pk)})
    assert outcome(response) == expected
    assert Meeting.objects.exists() == (expected == 302)


def test_picking_needs_a_post(client, poll, moderator):
    client.force_login(moderator.user)
    assert client.get(pick_url(poll)).status_code == 405


def test_a_poll_of_an_inactive_conference_is_hidden_from_its_members(
    client, poll, holthausen, member, guest
):
    holthausen.is_active = False
    holthausen.save()
    client.force_login(member.user)
    assert client.get(poll_url(poll)).status_code == 404
    assert client.get(answer_url(poll, guest)).status_code == 404


def test_the_place_is_required_for_a_poll_from_the_form(client, holthausen, place, moderator):
    client.force_login(moderator.user)
    data = create_data(place, day_1=day(10).isoformat(), day_2=day(17).isoformat())
    data["place"] = ""

    response = client.post(
        reverse("conferences:poll-create", kwargs={"slug": holthausen.slug}), data
    )

    assert response.status_code == 400
    assert german("Choose the place of the meeting.") in page(response)
    assert not DatePoll.objects.exists()


def test_a_poll_without_a_place_cannot_become_a_meeting(holthausen, moderator):
    poll, _created = polls.create_poll(
        holthausen, "", "", None, [(at(9, 17), at(9, 19)), (at(10, 17), at(10, 19))], None
    )
    with pytest.raises(ValidationError) as error:
        polls.pick(poll, options_of(poll)[0], moderator.user)
    assert error.value.code == "no_place"
    assert not Meeting.objects.exists()
    poll.refresh_from_db()
    assert poll.is_open


def test_the_conference_page_include_lists_open_polls(rf, poll, holthausen, moderator):
    closed, _created = polls.create_poll(
        holthausen,
        "Schon entschieden",
        "",
        poll.place,
        [(at(50, 17), at(50, 19)), (at(51, 17), at(51, 19))],
        None,
    )
    polls.pick(closed, options_of(closed)[0], moderator.user)

    text = render_to_string(
        "conferences/includes/poll_list.html",
        {
            "polls": polls.open_polls(holthausen),
            "conference": holthausen,
            "can": {"manage": True, "view_internal": True},
        },
    )

    assert poll_url(poll) in text
    assert "Frühjahrssitzung" in text
    assert "Schon entschieden" not in text
    assert reverse("conferences:poll-create", kwargs={"slug": holthausen.slug}) in text


def test_the_results_page_needs_the_same_queries_for_one_or_three_answers(
    client, poll, holthausen, moderator
):
    client.force_login(moderator.user)
    first = options_of(poll)[0]

    def queries_with(count):
        for number in range(count - PollAnswer.objects.count()):
            polls.answer(
                poll,
                ConferenceMembershipFactory(conference=holthausen, name=f"Person {number}"),
                {first.pk: "yes"},
            )
        client.get(poll_url(poll))  # warm caches (settings rows, content types)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(poll_url(poll))
        assert response.status_code == 200
        return len(captured)

    assert queries_with(1) == queries_with(3)
