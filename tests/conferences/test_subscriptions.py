"""Invitations by mail without an account: double opt-in, asking twice, one-click
unsubscribe from every mail, bots and floods."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from quartiersnetz.conferences.domain import subscriptions
from quartiersnetz.conferences.models import Subscriber
from quartiersnetz.conferences.views import signup
from tests.factories import ConferenceFactory, UserFactory
from tests.helpers import page

pytestmark = pytest.mark.django_db

CONFIRM_LINK = re.compile(r"https://quartiersnetz\.example/konferenzen/einladungen/([-\w]+)/\n")


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def conference():
    return ConferenceFactory(name="Stadtteilkonferenz Welper")


def subscribe_url(conference):
    return reverse("conferences:subscribe", kwargs={"slug": conference.slug})


def subscription_url(subscriber):
    return reverse("conferences:subscription", kwargs={"token": subscriber.token})


def unsubscribe_url(subscriber):
    return reverse("conferences:unsubscribe", kwargs={"token": subscriber.token})


def subscribe(client, conference, email="greta@example.org", **extra):
    return client.post(subscribe_url(conference), {"email": email, **extra})


def test_subscribing_needs_the_confirmation_by_button(client, conference):
    form = client.get(subscribe_url(conference))
    assert form.status_code == 200
    assert 'name="email"' in form.content.decode()

    response = subscribe(client, conference, email="Greta@Example.org")

    assert response.status_code == 302
    assert response["Location"] == conference.get_absolute_url()
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "greta@example.org"
    assert subscriber.confirmed_at is None
    assert list(subscriptions.confirmed_subscribers(conference)) == []
    [message] = mail.outbox
    assert message.to == ["greta@example.org"]
    assert "Please confirm: invitations of the Stadtteilkonferenz Welper" in message.subject
    assert CONFIRM_LINK.search(message.body).group(1) == subscriber.token
    # Even this mail can be stopped with one click.
    absolute = subscriptions.unsubscribe_url(subscriber)
    assert absolute == f"https://quartiersnetz.example{unsubscribe_url(subscriber)}"
    assert message.extra_headers["List-Unsubscribe"] == f"<{absolute}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert absolute in message.body

    # A mail scanner opens the link: nothing happens.
    opened = client.get(subscription_url(subscriber))
    assert opened.status_code == 200
    assert "<form" in opened.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is None

    confirmed = client.post(subscription_url(subscriber), follow=True)

    assert "Thank you: you will receive the invitations" in page(confirmed)
    assert "Stop the invitations" in page(confirmed)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at is not None
    assert list(subscriptions.confirmed_subscribers(conference)) == [subscriber]
    # Confirming again changes nothing.
    first = subscriber.confirmed_at
    again = client.post(subscription_url(subscriber), follow=True)
    assert "You have already confirmed this subscription." in page(again)
    subscriber.refresh_from_db()
    assert subscriber.confirmed_at == first


def test_asking_twice_keeps_one_address_and_mails_what_applies(client, conference):
    subscribe(client, conference)
    subscribe(client, conference, email="GRETA@example.org")

    subscriber = Subscriber.objects.get()
    assert [CONFIRM_LINK.search(m.body).group(1) for m in mail.outbox] == [subscriber.token] * 2

    subscriptions.confirm_subscription(subscriber)
    mail.outbox.clear()
    response = subscribe(client, conference)

    assert response.status_code == 302
    assert Subscriber.objects.count() == 1
    [message] = mail.outbox
    assert "You receive the invitations of the Stadtteilkonferenz Welper already" in message.subject
    assert message.extra_headers["List-Unsubscribe"]


def test_the_same_address_may_follow_several_conferences(client, conference):
    other = ConferenceFactory(name="Stadtteilkonferenz Blankenstein")
    subscribe(client, conference)
    subscribe(client, other)

    assert Subscriber.objects.count() == 2
    assert list(subscriptions.confirmed_subscribers(other)) == []


def test_one_click_unsubscribe_works_without_a_csrf_token(conference):
    subscriber, _outcome = subscriptions.subscribe(conference, "greta@example.org")
    subscriptions.confirm_subscription(subscriber)
    strict = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")

    asked = strict.get(unsubscribe_url(subscriber))
    assert asked.status_code == 200
    assert "Stop the invitations of the Stadtteilkonferenz Welper to greta@example.org?" in page(
        asked
    )
    assert Subscriber.objects.exists()

    # As mail programs send it (RFC 8058).
    response = strict.post(
        unsubscribe_url(subscriber),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    assert "no longer receives the invitations" in page(response)
    assert not Subscriber.objects.exists()
    # The link again: nothing left to stop.
    assert strict.post(unsubscribe_url(subscriber)).status_code == 404


@pytest.mark.parametrize("name", ["conferences:subscription", "conferences:unsubscribe"])
def test_unknown_tokens_are_not_found(client, name):
    url = reverse(name, kwargs={"token": "unbekannt"})

    assert client.get(url).status_code == 404
    response = client.post(url)
    assert response.status_code == 404
    assert "Link not valid" in page(response)


def test_a_bot_that_fills_the_trap_is_told_the_usual_and_nothing_is_saved(client, conference):
    response = subscribe(client, conference, homepage="spam")

    assert response.status_code == 302
    assert not Subscriber.objects.exists()
    assert mail.outbox == []


def test_an_invalid_address_comes_back_with_an_error(client, conference):
    response = subscribe(client, conference, email="keine adresse")

    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"email"}
    assert not Subscriber.objects.exists()


def test_too_many_requests_from_one_connection_are_refused_with_429(client, conference):
    for number in range(signup.SUBSCRIPTIONS_PER_HOUR):
        assert subscribe(client, conference, email=f"p{number}@example.org").status_code == 302

    response = subscribe(client, conference, email="zu-viel@example.org")

    assert response.status_code == 429
    assert 'value="zu-viel@example.org"' in response.content.decode()
    assert Subscriber.objects.count() == signup.SUBSCRIPTIONS_PER_HOUR


def test_an_inactive_conference_takes_no_subscriptions(client, conference):
    conference.is_active = False
    conference.save()

    assert client.get(subscribe_url(conference)).status_code == 404
    assert subscribe(client, conference).status_code == 404
    # Its coordinators see the page, but the domain refuses.
    client.force_login(UserFactory(is_moderator=True))
    response = subscribe(client, conference)
    assert response.status_code == 400
    assert "This conference no longer meets." in page(response)
    assert not Subscriber.objects.exists()


def test_markup_in_an_address_is_shown_as_text(client, conference):
    # A quoted local part may hold almost anything, and is a valid address.
    response = subscribe(client, conference, email='"<script>alert(1)</script>"@example.org')
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()

    for url in (subscription_url(subscriber), unsubscribe_url(subscriber)):
        content = client.get(url).content.decode()
        assert "<script>alert" not in content
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content
