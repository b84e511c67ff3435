"""Editors find people and block them: a blocked person cannot sign in and is signed out
at once; what they published stays. Editors cannot block editors, administrators or
themselves."""

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from quartiersnetz.core.activity import history
from quartiersnetz.events.models import Status
from tests.factories import EventFactory, MembershipFactory, OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

PEOPLE_URL = reverse("accounts:people")
PASSWORD = UserFactory.password
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def editor():
    return UserFactory(email="rita@example.org", name="Rita Redaktion", is_editor=True)


@pytest.fixture
def administrator():
    return UserFactory(email="verwaltung@example.org", is_superuser=True, is_staff=True)


@pytest.fixture
def troll():
    """A member of an organisation who published an event."""
    membership = MembershipFactory(
        organization=OrganizationFactory(name="Kulturkreis Mitte"),
        user=UserFactory(email="troll@example.org", name="Tobias Troll"),
    )
    return membership.user


def block_url(person):
    return reverse("accounts:block", kwargs={"pk": person.pk})


def unblock_url(person):
    return reverse("accounts:unblock", kwargs={"pk": person.pk})


def person_for(role):
    return {
        "citizen": lambda: UserFactory(),
        "member": lambda: MembershipFactory().user,
        "editor": lambda: UserFactory(is_editor=True),
        "administrator": lambda: UserFactory(is_superuser=True, is_staff=True),
    }[role]()


def messages_on(response):
    return [str(message) for message in response.context["messages"]]


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


# --- Who may use the pages --------------------------------------------------------


def test_visitors_are_sent_to_sign_in(client, troll):
    for response in (
        client.get(PEOPLE_URL),
        client.get(block_url(troll)),
        client.post(block_url(troll), {"reason": "Spam"}),
        client.post(unblock_url(troll)),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    troll.refresh_from_db()
    assert troll.is_active


@pytest.mark.parametrize("role", ["citizen", "member"])
def test_people_without_the_editor_role_are_refused(client, troll, role):
    client.force_login(person_for(role))

    assert client.get(PEOPLE_URL).status_code == 403
    assert client.get(block_url(troll)).status_code == 403
    assert client.post(block_url(troll), {"reason": "Spam"}).status_code == 403
    troll.refresh_from_db()
    assert troll.is_active
    troll.is_active = False
    troll.save(update_fields=["is_active"])
    assert client.post(unblock_url(troll)).status_code == 403
    troll.refresh_from_db()
    assert not troll.is_active


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_and_administrators_see_people_with_their_organisations(client, troll, role):
    blocked = UserFactory(email="gesperrt@example.org", is_active=False)
    client.force_login(person_for(role))

    response = client.get(PEOPLE_URL, **ENGLISH)

    assert response.status_code == 200
    page = response.content.decode()
    assert "Tobias Troll" in page
    assert "troll@example.org" in page
    assert "Kulturkreis Mitte" in page
    assert f'href="{block_url(troll)}"' in page
    assert "gesperrt@example.org" in page
    assert "<strong>blocked</strong>" in page
    assert f'action="{unblock_url(blocked)}"' in page


def test_people_are_found_by_name_or_email(client, editor, troll):
    UserFactory(email="anna@example.org", name="Anna Ruhr")
    client.force_login(editor)

    by_name = client.get(PEOPLE_URL, {"q": "troll"})
    by_email = client.get(PEOPLE_URL, {"q": "ANNA@"})

    assert [row["person"] for row in by_name.context["rows"]] == [troll]
    assert [row["person"].email for row in by_email.context["rows"]] == ["anna@example.org"]


def test_people_are_shown_fifty_to_a_page(client, editor):
    for number in range(52):
        UserFactory(email=f"nachbar{number:02d}@example.org")
    client.force_login(editor)

    first = client.get(PEOPLE_URL, {"q": "nachbar"})
    second = client.get(PEOPLE_URL, {"q": "nachbar", "page": "2"})

    assert len(first.context["rows"]) == 50
    assert first.context["rows"][0]["person"].email == "nachbar00@example.org"
    assert [row["person"].email for row in second.context["rows"]] == [
        "nachbar50@example.org",
        "nachbar51@example.org",
    ]
    assert 'href="?q=nachbar&amp;page=2"' in first.content.decode()


def test_an_overlong_search_is_a_400(client, editor):
    client.force_login(editor)
    response = client.get(PEOPLE_URL, {"q": "x" * 201})
    assert response.status_code == 400
    assert response.context["rows"] == []


def test_editors_are_offered_no_block_link_for_editors_administrators_or_themselves(
    client, editor, administrator
):
    other_editor = UserFactory(email="kollegin@example.org", is_editor=True)
    client.force_login(editor)

    page = client.get(PEOPLE_URL).content.decode()

    for person in (editor, administrator, other_editor):
        assert f'href="{block_url(person)}"' not in page


@pytest.mark.parametrize("count", [1, 3])
def test_people_page_query_count(client, django_assert_num_queries, editor, count):
    for _ in range(count):
        person = MembershipFactory().user
        MembershipFactory(user=person)
    client.force_login(editor)
    client.get(PEOPLE_URL)  # the site settings are created on the first request

    with django_assert_num_queries(8):
        response = client.get(PEOPLE_URL, {"q": "person"})

    assert len(response.context["rows"]) == count


# --- Blocking -------------------------------------------------------------------------


def test_editor_confirms_blocking_with_a_reason(client, editor, troll):
    client.force_login(editor)

    page = client.get(block_url(troll), **ENGLISH).content.decode()

    assert "<h1>Block Tobias Troll</h1>" in page
    assert "Kulturkreis Mitte" in page
    assert '<label for="id_reason">Reason for blocking</label>' in page
    assert f'action="{block_url(troll)}"' in page


def test_blocking_needs_a_reason(client, editor, troll):
    client.force_login(editor)

    response = client.post(block_url(troll), {"reason": "  "}, **ENGLISH)

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_reason_error"' in page
    assert "Give a reason for blocking." in page
    troll.refresh_from_db()
    assert troll.is_active


def test_a_blocked_person_is_signed_out_cannot_sign_in_and_their_events_stay(client, editor, troll):
    event = EventFactory(
        title="Lesung",
        created_by=troll,
        organizers=[troll.organization_memberships.get().organization],
    )
    troll_client = Client()
    troll_client.force_login(troll)
    mine = reverse("organizations:mine")
    assert troll_client.get(mine).status_code == 200
    client.force_login(editor)

    response = client.post(block_url(troll), {"reason": "Beleidigende Beiträge"}, **ENGLISH)

    assert response.status_code == 302
    assert response["Location"] == f"{PEOPLE_URL}?q=troll%40example.org"
    assert messages_on(client.get(response["Location"], **ENGLISH)) == [
        "Tobias Troll has been blocked and can no longer sign in."
    ]
    troll.refresh_from_db()
    assert not troll.is_active
    entry = history(troll).first()
    assert (entry.action, entry.actor, entry.message) == (
        "blocked",
        editor,
        "Beleidigende Beiträge",
    )
    # The open session has ended.
    assert not any(
        session.get_decoded().get("_auth_user_id") == str(troll.pk)
        for session in Session.objects.all()
    )
    signed_out = troll_client.get(mine)
    assert signed_out.status_code == 302
    assert signed_out["Location"].startswith(reverse("account_login"))
    # Signing in again fails.
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": "troll@example.org", "password": PASSWORD})
    assert signed_in_user_id(fresh) is None
    # What they published stays.
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    assert event.created_by == troll
    assert client.get(event.get_absolute_url()).status_code == 200
    assert troll.organization_memberships.count() == 1


def test_blocking_twice_says_so(client, editor, troll):
    client.force_login(editor)
    client.post(block_url(troll), {"reason": "Spam"})

    response = client.get(block_url(troll), follow=True, **ENGLISH)

    assert messages_on(response)[-1] == "Tobias Troll is already blocked."
    assert history(troll).filter(action="blocked").count() == 1


@pytest.mark.parametrize("target", ["editor", "administrator"])
def test_editors_cannot_block_editors_or_administrators(client, editor, target):
    person = person_for(target)
    client.force_login(editor)

    assert client.get(block_url(person)).status_code == 403
    response = client.post(block_url(person), {"reason": "Machtkampf"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.is_active
    assert not history(person).exists()


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_nobody_blocks_themselves(client, role):
    person = person_for(role)
    client.force_login(person)

    assert client.get(block_url(person)).status_code == 403
    response = client.post(block_url(person), {"reason": "Urlaub"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.is_active
    assert signed_in_user_id(client) == str(person.pk)


def test_administrators_block_editors(client, administrator):
    other_editor = UserFactory(is_editor=True)
    client.force_login(administrator)

    client.post(block_url(other_editor), {"reason": "Hat die Stadt verlassen"})

    other_editor.refresh_from_db()
    assert not other_editor.is_active


def test_unknown_person_is_not_found(client, editor):
    client.force_login(editor)
    assert client.get(reverse("accounts:block", kwargs={"pk": 987654})).status_code == 404


# --- Unblocking -----------------------------------------------------------------------


def test_unblocked_people_sign_in_again(client, editor, troll):
    client.force_login(editor)
    client.post(block_url(troll), {"reason": "Spam"})

    response = client.post(unblock_url(troll), **ENGLISH)

    assert response.status_code == 302
    assert messages_on(client.get(response["Location"], **ENGLISH))[-1] == (
        "Tobias Troll can sign in again."
    )
    troll.refresh_from_db()
    assert troll.is_active
    assert history(troll).first().action == "unblocked"
    fresh = Client()
    fresh.post(reverse("account_login"), {"login": "troll@example.org", "password": PASSWORD})
    assert signed_in_user_id(fresh) == str(troll.pk)
    assert mail.outbox == []


def test_unblocking_is_post_only(client, editor, troll):
    client.force_login(editor)
    assert client.get(unblock_url(troll)).status_code == 405


def test_editors_cannot_unblock_an_editor_blocked_by_an_administrator(
    client, editor, administrator
):
    other_editor = UserFactory(is_editor=True, is_active=False)
    client.force_login(editor)

    response = client.post(unblock_url(other_editor))

    assert response.status_code == 403
    other_editor.refresh_from_db()
    assert not other_editor.is_active


def test_administrators_unblock_editors(client, administrator):
    other_editor = UserFactory(is_editor=True, is_active=False)
    client.force_login(administrator)

    client.post(unblock_url(other_editor))

    other_editor.refresh_from_db()
    assert other_editor.is_active
