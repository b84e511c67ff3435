"""Opt-in mail notifications: choosing them, and stopping them from a mail without login."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from quartiersnetz.accounts.models import NotificationKind, User
from quartiersnetz.accounts.notifications import notify, subscribe, subscribed_kinds
from quartiersnetz.organizations.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("accounts:notifications")


def unsubscribe_link(message):
    return re.search(r"https?://\S+/mails-abbestellen/\S+/", message.body).group(0)


def send_review_mail(person):
    notify(
        User.objects.filter(pk=person.pk),
        NotificationKind.REVIEW_RESULTS,
        "accounts/mail/roles_changed.txt",
        {"is_editor": False, "is_moderator": False, "site_url": "https://example.org/"},
    )


def test_nothing_is_sent_without_asking(client):
    person = UserFactory()
    send_review_mail(person)
    assert not mail.outbox


def test_a_person_chooses_the_kinds_that_concern_them(client):
    person = UserFactory()
    client.force_login(person)

    page = client.get(URL).content.decode()
    assert 'value="review_results"' in page
    assert 'value="new_submissions"' not in page  # editors only
    assert 'value="membership_requests"' not in page  # organisation admins only
    assert "checked" not in page.split("<fieldset", 1)[1]

    response = client.post(URL, {"kinds": ["review_results"]}, follow=True)
    assert subscribed_kinds(person) == {"review_results"}
    assert "gespeichert" in response.content.decode()
    assert "checked" in client.get(URL).content.decode().split("<fieldset", 1)[1]

    client.post(URL, {"kinds": []})
    assert subscribed_kinds(person) == set()


def test_editors_and_organisation_admins_see_their_kinds(client):
    editor = UserFactory(is_editor=True)
    client.force_login(editor)
    page = client.get(URL).content.decode()
    assert 'value="new_submissions"' in page
    assert 'value="new_reports"' in page

    admin = MembershipFactory(role=Membership.Role.ADMIN).user
    client.force_login(admin)
    page = client.get(URL).content.decode()
    assert 'value="membership_requests"' in page
    assert 'value="new_reports"' not in page


def test_a_kind_that_does_not_concern_the_person_is_refused(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(URL, {"kinds": ["new_reports"]})
    assert response.status_code == 400
    assert subscribed_kinds(person) == set()


def test_the_link_in_a_mail_stops_that_kind_without_login(client):
    person = UserFactory(email="ida@example.org")
    subscribe(person, NotificationKind.REVIEW_RESULTS)
    send_review_mail(person)
    (message,) = mail.outbox
    link = unsubscribe_link(message)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"

    page = client.get(link).content.decode()
    assert "ida@example.org" in page
    assert subscribed_kinds(person) == {"review_results"}  # a GET changes nothing

    response = client.post(link)
    assert "nicht mehr" in response.content.decode()
    assert subscribed_kinds(person) == set()
    # Twice is fine.
    assert client.post(link).status_code == 200


def test_one_click_unsubscribe_works_without_a_csrf_token():
    from django.test import Client

    person = UserFactory()
    subscribe(person, NotificationKind.REVIEW_RESULTS)
    send_review_mail(person)
    link = unsubscribe_link(mail.outbox[0])

    response = Client(enforce_csrf_checks=True).post(link, {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert subscribed_kinds(person) == set()


def test_a_forged_link_changes_nothing(client):
    person = UserFactory()
    subscribe(person, NotificationKind.REVIEW_RESULTS)
    url = reverse("accounts:unsubscribe", kwargs={"token": "eyJ1c2VyIjoxfQ:forged"})
    response = client.post(url)
    assert response.status_code == 400
    assert "nicht gültig" in response.content.decode()
    assert subscribed_kinds(person) == {"review_results"}


def test_the_settings_page_needs_a_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
