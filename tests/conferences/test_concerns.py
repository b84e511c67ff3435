"""The concerns board: raising a concern with and without an account, confirmation by
button, bots and floods, the public lists and history, following with double opt-in
and one-click unsubscribe, and the moderators' steps with their permissions."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from quartiersnetz.conferences.domain import concerns as domain
from quartiersnetz.conferences.models import (
    AgendaItem,
    Concern,
    ConcernFollower,
    ConcernUpdate,
)
from quartiersnetz.conferences.views import concerns as views
from quartiersnetz.core.models import ActivityLog
from tests.factories import (
    AgendaItemFactory,
    ConcernFactory,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    MeetingFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
)
from tests.helpers import page

pytestmark = pytest.mark.django_db

Status = Concern.Status
CONFIRM_LINK = re.compile(r"https://quartiersnetz\.example/anliegen/bestaetigen/([-\w]+)/\n")
FOLLOW_LINK = re.compile(r"https://quartiersnetz\.example/anliegen/folgen/([-\w]+)/\n")


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def holthausen():
    return DistrictFactory(name="Holthausen", slug="holthausen")


@pytest.fixture
def conference(holthausen):
    return ConferenceFactory(name="Stadtteilkonferenz Holthausen", districts=[holthausen])


@pytest.fixture
def moderator(conference):
    return ConferenceMembershipFactory(conference=conference, role="moderator").user


@pytest.fixture
def item(conference):
    return AgendaItemFactory(meeting=MeetingFactory(conference=conference), title="Anliegen")


@pytest.fixture
def concern(holthausen):
    return ConcernFactory(district=holthausen, title="Treffpunkt am Quartiersplatz")


def data(district, **extra):
    return {
        "district": district.slug,
        "title": "Keine Bank am Quartiersplatz",
        "description": "Wir brauchen **Bänke**.",
        "topic": "meeting_places",
        "location_text": "Ecke Marxstraße",
        "name": "Greta Gast",
        "email": "Greta@Example.org",
        **extra,
    }


def create_url():
    return reverse("conferences:concern-create")


def triage_url(concern):
    return reverse("conferences:concern-triage", kwargs={"pk": concern.pk})


def follow(concern, email):
    follower = ConcernFollower.objects.create(
        concern=concern, email=email, confirmed_at=timezone.now()
    )
    return follower


# --- Raising a concern -------------------------------------------------------------------


def test_without_an_account_the_concern_waits_for_the_confirmation_by_button(client, holthausen):
    form = client.get(create_url() + "?district=holthausen")
    assert form.status_code == 200
    assert '<option value="holthausen" selected>' in form.content.decode()
    assert 'name="email"' in form.content.decode()

    response = client.post(create_url(), data(holthausen))

    assert response.status_code == 302
    concern = Concern.objects.get()
    assert concern.status == Status.UNCONFIRMED
    assert concern.author_email == "greta@example.org"
    assert concern.author is None
    # Not public: neither listed nor reachable at its address.
    assert concern.title not in page(client.get(reverse("conferences:concerns")))
    assert client.get(concern.get_absolute_url()).status_code == 404
    [message] = mail.outbox
    assert message.to == ["greta@example.org"]
    token = CONFIRM_LINK.search(message.body).group(1)
    assert token == concern.token
    confirm_url = reverse("conferences:concern-confirm", kwargs={"token": token})

    # Opening the link (as a mail scanner does) changes nothing.
    assert client.get(confirm_url).status_code == 200
    concern.refresh_from_db()
    assert concern.status == Status.UNCONFIRMED

    response = client.post(confirm_url)
    assert response.status_code == 302
    assert response["Location"] == concern.get_absolute_url()
    concern.refresh_from_db()
    assert concern.status == Status.NEW
    assert concern.confirmed_at is not None
    assert list(concern.updates.values_list("status", flat=True)) == [Status.NEW]
    # The author follows it from now on.
    assert concern.followers.get().email == "greta@example.org"
    assert concern.followers.get().confirmed_at is not None
    assert concern.title in page(client.get(reverse("conferences:concerns")))

    # A second click says so and changes nothing.
    response = client.post(confirm_url, follow=True)
    assert "You have already confirmed this concern." in page(response)
    assert concern.updates.count() == 1


def test_with_an_account_the_concern_is_public_at_once(client, holthausen):
    user = UserFactory(email="karl@example.org")
    client.force_login(user)
    form = client.get(create_url())
    assert 'name="email"' not in form.content.decode()

    response = client.post(create_url(), data(holthausen, name="", email=""))

    concern = Concern.objects.get()
    assert response["Location"] == concern.get_absolute_url()
    assert concern.status == Status.NEW
    assert concern.author == user
    assert concern.followers.get().email == "karl@example.org"
    assert mail.outbox == []
    assert ActivityLog.objects.filter(action=domain.Action.RAISED).exists()


def test_a_place_must_lie_in_the_district(client, holthausen):
    elsewhere = PlaceFactory(district=DistrictFactory(name="Welper"))
    response = client.post(create_url(), data(holthausen, place=elsewhere.pk))
    assert response.status_code == 400
    assert "place" in response.context["form"].errors
    here = PlaceFactory(district=holthausen)
    response = client.post(create_url(), data(holthausen, place=here.pk))
    assert response.status_code == 302
    assert Concern.objects.get().place == here


def test_missing_fields_come_back_with_errors(client, holthausen):
    response = client.post(create_url(), {"district": "holthausen"})
    assert response.status_code == 400
    assert {"title", "description", "topic", "name", "email"} <= set(
        response.context["form"].errors
    )
    assert not Concern.objects.exists()


def test_the_honeypot_saves_nothing(client, holthausen):
    response = client.post(create_url(), data(holthausen, homepage="http://spam.example"))
    assert response.status_code == 302
    assert not Concern.objects.exists()
    assert mail.outbox == []


def test_too_many_concerns_from_one_connection_are_refused_with_429(client, holthausen):
    for number in range(views.CONCERNS_PER_HOUR):
        response = client.post(create_url(), data(holthausen, title=f"Anliegen {number}"))
        assert response.status_code == 302
    response = client.post(create_url(), data(holthausen, title="Eins zu viel"))
    assert response.status_code == 429
    assert 'value="Eins zu viel"' in response.content.decode()
    assert Concern.objects.count() == views.CONCERNS_PER_HOUR


def test_markup_is_escaped_and_markdown_sanitised(client, holthausen):
    client.force_login(UserFactory())
    client.post(
        create_url(),
        data(
            holthausen,
            title="<script>alert(1)</script>",
            description="<script>alert(2)</script> **fett**",
        ),
    )
    concern = Concern.objects.get()
    content = client.get(concern.get_absolute_url()).content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)" in content
    assert "<script>alert(2)" not in content
    assert "<strong>fett</strong>" in content


# --- Lists -------------------------------------------------------------------------------


def test_lists_filter_by_status_topic_and_district(client, holthausen):
    welper = DistrictFactory(name="Welper", slug="welper")
    ConcernFactory(district=holthausen, title="Bank fehlt", topic="meeting_places")
    ConcernFactory(district=holthausen, title="Weg kaputt", topic="traffic", status="done")
    ConcernFactory(district=welper, title="Spielplatz", topic="green")
    ConcernFactory(district=welper, title="Geheim", status="unconfirmed", confirmed_at=None)

    everything = page(client.get(reverse("conferences:concerns")))
    assert {"Bank fehlt", "Weg kaputt", "Spielplatz"} <= set(
        re.findall(r">([^<>]+)</a>", everything)
    )
    assert "Geheim" not in everything

    done = page(client.get(reverse("conferences:concerns") + "?status=done"))
    assert "Weg kaputt" in done
    assert "Bank fehlt" not in done

    green = page(client.get(reverse("conferences:concerns") + "?topic=green&topic=traffic"))
    assert "Spielplatz" in green
    assert "Weg kaputt" in green
    assert "Bank fehlt" not in green

    in_welper = page(client.get(reverse("conferences:concerns") + "?district=welper"))
    assert "Spielplatz" in in_welper
    assert "Bank fehlt" not in in_welper

    district_page = client.get(
        reverse("conferences:district-concerns", kwargs={"slug": "holthausen"})
    )
    assert "Bank fehlt" in page(district_page)
    assert "Spielplatz" not in page(district_page)

    bad = client.get(reverse("conferences:concerns") + "?status=unconfirmed")
    assert bad.status_code == 400
    assert client.get(reverse("conferences:concerns") + "?page=x").status_code == 400


def test_the_list_is_paginated_with_the_filters_kept(client, holthausen, settings):
    settings.EVENTS_PER_PAGE = 2
    for number in range(3):
        ConcernFactory(district=holthausen, title=f"Anliegen {number}")
    first = client.get(reverse("conferences:concerns") + "?district=holthausen")
    assert 'href="?district=holthausen&amp;page=2"' in first.content.decode()
    second = page(client.get(reverse("conferences:concerns") + "?district=holthausen&page=2"))
    assert "Anliegen 0" in second
    assert "Anliegen 2" not in second


def test_the_conference_page_include_lists_the_latest_concerns(conference, concern):
    from django.template import Context, Template

    html = Template("{% load conferences_concerns %}{% latest_concerns conference %}").render(
        Context({"conference": conference})
    )
    assert concern.title in html
    assert reverse("conferences:district-concerns", kwargs={"slug": "holthausen"}) in html


# --- The moderators' steps -------------------------------------------------------------


def test_the_whole_way_with_history_and_mails(client, concern, moderator, item):
    follower = follow(concern, "greta@example.org")
    hwg = OrganizationFactory(name="hwg")
    client.force_login(moderator)
    form = client.get(triage_url(concern))
    assert form.status_code == 200
    assert item.title in page(form)

    response = client.post(
        triage_url(concern),
        {"action": "in_discussion", "agenda_item": item.pk, "message": "Wir sprechen darüber."},
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.IN_DISCUSSION
    assert concern.agenda_item == item
    [message] = mail.outbox
    assert message.to == ["greta@example.org"]
    assert "Wir sprechen darüber." in message.body
    unfollow = domain.unfollow_url(follower)
    assert unfollow in message.body
    assert message.extra_headers["List-Unsubscribe"] == f"<{unfollow}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    client.post(triage_url(concern), {"action": "taken_up", "organization": hwg.pk})
    client.post(triage_url(concern), {"action": "done", "message": "Bänke stehen."})
    concern.refresh_from_db()
    assert concern.status == Status.DONE
    assert concern.taken_up_by == hwg
    assert len(mail.outbox) == 3
    assert "hwg" in mail.outbox[1].body

    history = page(Client(HTTP_ACCEPT_LANGUAGE="en").get(concern.get_absolute_url()))
    for text in ("In discussion", "Taken up", "Done", item.title, "hwg", "Bänke stehen."):
        assert text in history
    assert list(ConcernUpdate.objects.values_list("status", flat=True)) == [
        Status.IN_DISCUSSION,
        Status.TAKEN_UP,
        Status.DONE,
    ]
    assert ActivityLog.objects.filter(action=domain.Action.DONE).count() == 1


def test_a_new_item_can_be_added_to_the_next_meeting(client, concern, moderator, conference):
    meeting = MeetingFactory(conference=conference)
    client.force_login(moderator)
    response = client.post(triage_url(concern), {"action": "in_discussion", "new_item": "on"})
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.agenda_item.meeting == meeting
    assert AgendaItem.objects.get(meeting=meeting).title == concern.title


def test_declining_needs_a_reason_that_stays_public(client, concern, moderator):
    client.force_login(moderator)
    response = client.post(triage_url(concern), {"action": "declined", "message": " "})
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.status == Status.NEW

    client.post(triage_url(concern), {"action": "declined", "message": "Die Stadt ist zuständig."})
    concern.refresh_from_db()
    assert concern.status == Status.DECLINED
    assert concern.status_reason == "Die Stadt ist zuständig."
    public = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert "Die Stadt ist zuständig." in page(public.get(concern.get_absolute_url()))
    assert concern.title in page(public.get(reverse("conferences:concerns") + "?status=declined"))


def test_a_double_click_is_refused_with_a_message(client, concern, moderator):
    client.force_login(moderator)
    client.post(triage_url(concern), {"action": "done", "message": "Erledigt."})
    response = client.post(triage_url(concern), {"action": "done"}, follow=True)
    assert "nothing was changed" in page(response)
    assert concern.updates.filter(status=Status.DONE).count() == 1
    with pytest.raises(domain.ValidationError):
        domain.mark_done(concern, moderator)


def test_back_to_new_clears_the_agenda_item(client, concern, moderator, item):
    client.force_login(moderator)
    client.post(triage_url(concern), {"action": "in_discussion", "agenda_item": item.pk})
    client.post(triage_url(concern), {"action": "new", "message": "Verschoben."})
    concern.refresh_from_db()
    assert concern.status == Status.NEW
    assert concern.agenda_item is None


def test_an_item_of_another_conference_cannot_be_chosen(client, concern, moderator):
    other = AgendaItemFactory()
    client.force_login(moderator)
    response = client.post(
        triage_url(concern), {"action": "in_discussion", "agenda_item": other.pk}
    )
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.status == Status.NEW


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("citizen", False),
        ("member", False),
        ("moderator of another district", False),
        ("moderator", True),
        ("coordinator", True),
        ("editor", True),
    ],
)
def test_only_moderators_of_the_district_triage(client, concern, conference, role, allowed):
    if role == "citizen":
        user = UserFactory()
    elif role == "member":
        user = ConferenceMembershipFactory(conference=conference).user
    elif role == "moderator of another district":
        user = ConferenceMembershipFactory(role="moderator").user
    elif role == "moderator":
        user = ConferenceMembershipFactory(conference=conference, role="moderator").user
    else:
        flag = "is_moderator" if role == "coordinator" else "is_editor"
        user = UserFactory(**{flag: True})
    client.force_login(user)
    assert client.get(triage_url(concern)).status_code == (200 if allowed else 403)
    response = client.post(triage_url(concern), {"action": "done", "message": "Fertig."})
    assert response.status_code == (302 if allowed else 403)
    concern.refresh_from_db()
    assert (concern.status == Status.DONE) is allowed
    assert ("Next step" in page(client.get(concern.get_absolute_url()))) is allowed


def test_anonymous_people_are_sent_to_sign_in(client, concern):
    response = client.get(triage_url(concern))
    assert response.status_code == 302
    assert "login" in response["Location"] or "anmelden" in response["Location"]
    assert client.post(triage_url(concern), {"action": "done"}).status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.NEW


def test_a_member_of_an_organisation_takes_it_up_for_their_own_only(client, concern):
    membership = MembershipFactory(organization=OrganizationFactory(name="hwg"))
    other = OrganizationFactory(name="Andere")
    client.force_login(membership.user)
    detail = page(client.get(concern.get_absolute_url()))
    assert "Our organisation takes this up" in detail

    response = client.post(triage_url(concern), {"action": "taken_up", "organization": other.pk})
    assert response.status_code == 400
    concern.refresh_from_db()
    assert concern.status == Status.NEW

    response = client.post(
        triage_url(concern),
        {
            "action": "taken_up",
            "organization": membership.organization.pk,
            "message": "Machen wir.",
        },
    )
    assert response.status_code == 302
    concern.refresh_from_db()
    assert concern.status == Status.TAKEN_UP
    assert concern.taken_up_by == membership.organization
    # Other steps stay with the moderators.
    assert client.post(triage_url(concern), {"action": "done"}).status_code == 403
    assert client.get(triage_url(concern)).status_code == 403


# --- Following -------------------------------------------------------------------------


def test_following_needs_the_confirmation_and_stops_with_one_click(client, concern, moderator):
    follow_url = reverse("conferences:concern-follow", kwargs={"pk": concern.pk})
    response = client.post(follow_url, {"email": "Nachbar@Example.org"})
    assert response.status_code == 302
    follower = ConcernFollower.objects.get(email="nachbar@example.org")
    assert follower.confirmed_at is None
    [message] = mail.outbox
    token = FOLLOW_LINK.search(message.body).group(1)
    confirm_url = reverse("conferences:concern-follow-confirm", kwargs={"token": token})
    client.get(confirm_url)
    follower.refresh_from_db()
    assert follower.confirmed_at is None
    client.post(confirm_url)
    follower.refresh_from_db()
    assert follower.confirmed_at is not None

    mail.outbox.clear()
    domain.mark_done(concern, moderator, message="Erledigt.")
    [update] = mail.outbox
    assert update.to == ["nachbar@example.org"]

    # The one-click unsubscribe: a POST without a CSRF token.
    strict = Client(enforce_csrf_checks=True)
    unfollow_url = reverse("conferences:concern-unfollow", kwargs={"token": follower.token})
    assert strict.get(unfollow_url).status_code == 200
    assert ConcernFollower.objects.filter(pk=follower.pk).exists()
    assert strict.post(unfollow_url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not ConcernFollower.objects.filter(pk=follower.pk).exists()
    assert client.get(unfollow_url).status_code == 404


def test_a_signed_in_person_follows_with_a_verified_address_at_once(client, concern):
    user = UserFactory(email="karl@example.org")
    client.force_login(user)
    follow_url = reverse("conferences:concern-follow", kwargs={"pk": concern.pk})
    client.post(follow_url, {"email": "karl@example.org"})
    assert ConcernFollower.objects.get().confirmed_at is not None
    assert mail.outbox == []
    # Another address still needs the confirmation.
    client.post(follow_url, {"email": "fremd@example.org"})
    assert ConcernFollower.objects.get(email="fremd@example.org").confirmed_at is None


def test_unconfirmed_followers_get_no_updates(client, concern, moderator):
    ConcernFollower.objects.create(concern=concern, email="offen@example.org")
    domain.mark_done(concern, moderator)
    assert mail.outbox == []


def test_following_honeypot_and_unknown_links(client, concern):
    follow_url = reverse("conferences:concern-follow", kwargs={"pk": concern.pk})
    client.post(follow_url, {"email": "bot@example.org", "homepage": "x"})
    assert not ConcernFollower.objects.exists()
    assert (
        client.get(reverse("conferences:concern-follow-confirm", kwargs={"token": "x"})).status_code
        == 404
    )
    assert (
        client.get(reverse("conferences:concern-confirm", kwargs={"token": "x"})).status_code == 404
    )


def test_recent_meeting_items_are_offered_old_ones_not(concern, conference):
    recent = AgendaItemFactory(
        meeting=MeetingFactory(conference=conference, start=timezone.now() - dt.timedelta(days=10))
    )
    old = AgendaItemFactory(
        meeting=MeetingFactory(conference=conference, start=timezone.now() - dt.timedelta(days=400))
    )
    internal = AgendaItemFactory(meeting=recent.meeting, is_public=False)
    offered = set(domain.agenda_item_choices(concern))
    assert recent in offered
    assert old not in offered
    assert internal not in offered


def test_demo_concerns_in_every_state_once(conference, holthausen):
    from quartiersnetz.core.timeutil import local_today
    from quartiersnetz.demo.concerns import load_concerns
    from quartiersnetz.demo.hattingen import DEMO_MARK

    DistrictFactory(name="Welper", slug="welper")
    DistrictFactory(name="Winz-Baak", slug="winz-baak")
    DistrictFactory(name="Mitte", slug="mitte")
    hwg = OrganizationFactory(name="hwg eG", slug="hwg")
    item = AgendaItemFactory(
        meeting=MeetingFactory(conference=conference),
        title="Spielplatz und Treffpunkt am Quartiersplatz",
    )

    assert load_concerns(local_today()) > 0
    assert load_concerns(local_today()) == 0

    square = Concern.objects.get(title="Treffpunkt am Quartiersplatz Holthausen")
    assert square.status == Status.TAKEN_UP
    assert square.taken_up_by == hwg
    assert square.agenda_item == item
    assert DEMO_MARK in square.description
    assert list(square.updates.values_list("status", flat=True)) == [
        Status.NEW,
        Status.IN_DISCUSSION,
        Status.TAKEN_UP,
    ]
    assert square.updates.get(status=Status.IN_DISCUSSION).agenda_item == item
    assert square.created_at < square.updates.last().created_at
    statuses = set(Concern.objects.values_list("status", flat=True))
    assert {Status.NEW, Status.IN_DISCUSSION, Status.TAKEN_UP, Status.DONE, Status.DECLINED} <= (
        statuses
    )
    assert Concern.objects.filter(district__slug="welper").exists()
