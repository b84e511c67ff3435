"""Administrators grant the editor and moderator roles on the roles page."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from quartiersnetz.accounts.domain import export_personal_data, set_roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES_URL = reverse("accounts:roles")


@pytest.fixture
def administrator():
    return UserFactory(email="verwaltung@example.org", is_superuser=True, is_staff=True)


def set_roles_url(person):
    return reverse("accounts:set-roles", args=[person.pk])


def test_visitors_are_sent_to_sign_in(client):
    person = UserFactory()
    for response in (
        client.get(ROLES_URL),
        client.post(set_roles_url(person), {"is_editor": "on"}),
    ):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    person.refresh_from_db()
    assert not person.is_editor


@pytest.mark.parametrize(
    "flags",
    [{}, {"is_editor": True}, {"is_moderator": True}],
    ids=["citizen", "editor", "moderator"],
)
def test_people_who_are_not_administrators_are_refused(client, flags):
    person = UserFactory(email="bernd@example.org")
    client.force_login(UserFactory(**flags))

    assert client.get(ROLES_URL).status_code == 403
    response = client.post(set_roles_url(person), {"is_editor": "on", "is_moderator": "on"})

    assert response.status_code == 403
    person.refresh_from_db()
    assert not person.is_editor
    assert not person.is_moderator
    assert mail.outbox == []


def test_administrator_sees_people_and_their_roles(client, administrator):
    UserFactory(email="anna@example.org", name="Anna Ruhr", is_editor=True)
    client.force_login(administrator)

    response = client.get(ROLES_URL)

    assert response.status_code == 200
    content = response.content.decode()
    assert "<caption>" in content
    assert '<th scope="col">' in content
    assert "anna@example.org" in content
    assert "Anna Ruhr" in content
    assert [person.email for person in response.context["people"]] == [
        "anna@example.org",
        "verwaltung@example.org",
    ]


def test_administrator_grants_roles_and_returns_to_the_search(client, administrator):
    anna = UserFactory(email="anna@example.org")
    client.force_login(administrator)

    response = client.post(
        set_roles_url(anna), {"is_editor": "on", "is_moderator": "on", "q": "anna"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{ROLES_URL}?q=anna"
    anna.refresh_from_db()
    assert anna.is_editor
    assert anna.is_moderator
    assert [message.to for message in mail.outbox] == [["anna@example.org"]]
    page = client.get(response["Location"])
    assert 'class="message message-success"' in page.content.decode()


def test_unticked_boxes_remove_the_roles(client, administrator):
    anna = UserFactory(is_editor=True, is_moderator=True)
    client.force_login(administrator)

    client.post(set_roles_url(anna), {})

    anna.refresh_from_db()
    assert not anna.is_editor
    assert not anna.is_moderator


def test_unknown_person_is_not_found(client, administrator):
    client.force_login(administrator)
    assert client.post(reverse("accounts:set-roles", args=[987654]), {}).status_code == 404


def test_set_roles_changes_only_the_two_flags_and_mails_the_person(administrator):
    anna = UserFactory(email="anna@example.org", name="Anna Ruhr")

    set_roles(anna, editor=False, moderator=True, granted_by=administrator)

    anna.refresh_from_db()
    assert anna.is_moderator
    assert not anna.is_editor
    assert not anna.is_superuser
    assert anna.name == "Anna Ruhr"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Ihre Rollen haben sich geändert" in message.subject
    assert "Your roles have changed" in message.subject
    assert "Moderator/in für Stadtteilkonferenzen: ja" in message.body
    assert "Conference moderator: yes" in message.body
    assert export_personal_data(anna)["account"]["roles"]["moderator"] is True


def test_no_mail_when_nothing_changed(administrator):
    anna = UserFactory(is_editor=True)
    set_roles(anna, editor=True, moderator=False, granted_by=administrator)
    assert mail.outbox == []


@pytest.mark.parametrize(
    "flags",
    [{}, {"is_editor": True}, {"is_moderator": True}],
    ids=["citizen", "editor", "moderator"],
)
def test_only_administrators_may_set_roles(flags):
    anna = UserFactory()
    with pytest.raises(ValidationError):
        set_roles(anna, editor=True, moderator=True, granted_by=UserFactory(**flags))
    anna.refresh_from_db()
    assert not anna.is_editor
    assert not anna.is_moderator
    assert mail.outbox == []


def test_search_matches_email_or_name(client, administrator):
    UserFactory(email="anna@example.org", name="Anna Ruhr")
    UserFactory(email="bernd@example.org", name="Bernd Welper")
    UserFactory(email="carla@example.org", name="Carla Blankenstein")
    client.force_login(administrator)

    by_email = client.get(ROLES_URL, {"q": "BERND@"}).context["people"]
    by_name = client.get(ROLES_URL, {"q": "blanken"}).context["people"]

    assert [person.email for person in by_email] == ["bernd@example.org"]
    assert [person.email for person in by_name] == ["carla@example.org"]


def test_too_long_search_is_a_bad_request(client, administrator):
    client.force_login(administrator)

    response = client.get(ROLES_URL, {"q": "a" * 201})

    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert response.context["people"] == []
    assert client.get(ROLES_URL, {"q": "a" * 200}).status_code == 200


def test_roles_link_in_the_account_nav_only_for_administrators(client, administrator):
    link = f'href="{ROLES_URL}"'
    assert link not in client.get(reverse("events:home")).content.decode()
    for flags in ({}, {"is_editor": True}, {"is_moderator": True}):
        client.force_login(UserFactory(**flags))
        assert link not in client.get(reverse("events:home")).content.decode()
    client.force_login(administrator)
    assert link in client.get(reverse("events:home")).content.decode()
    assert f'{link} aria-current="page"' in client.get(ROLES_URL).content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_roles_page_query_count(client, django_assert_num_queries, administrator, count):
    for _ in range(count - 1):
        UserFactory()
    client.force_login(administrator)
    with django_assert_num_queries(7):
        response = client.get(ROLES_URL)
    assert len(response.context["people"]) == count
