"""Accounts: sign-up with a verified email, sign-in by email, password reset, roles."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "Ruhrtal-Spaziergang-2026"


def link_in(message):
    return re.search(r"https?://[^\s]+", message.body).group(0)


def sign_up(client, email="anna@example.org"):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
    )


def test_sign_up_sends_a_confirmation_and_the_link_signs_the_person_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = get_user_model().objects.get(email="anna@example.org")
    assert not user.emailaddress_set.get().verified
    (message,) = mail.outbox
    assert message.to == ["anna@example.org"]
    assert "[Quartiersnetz Hattingen]" in message.subject
    assert client.get(reverse("events:home")).context["user"].is_anonymous

    confirm_url = link_in(message)
    page = client.get(confirm_url)
    assert page.status_code == 200, "confirmation needs a POST, so mail scanners cannot confirm"
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("events:home")).context["user"] == user


def test_an_unconfirmed_account_cannot_sign_in(client):
    sign_up(client)
    client.logout()
    mail.outbox.clear()
    response = client.post(
        reverse("account_login"), {"login": "anna@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("events:home")).context["user"].is_anonymous
    # The first mail went out a moment ago; allauth's rate limit holds back a second.
    assert len(mail.outbox) == 0


def test_sign_in_is_by_email_and_a_wrong_password_is_refused_in_german(client):
    user = get_user_model().objects.create_user("bernd@example.org", PASSWORD)
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    response = client.post(
        reverse("account_login"), {"login": "bernd@example.org", "password": "x"}
    )
    assert response.status_code == 200
    assert (
        "Die E-Mail-Adresse und/oder das Passwort sind leider falsch." in response.content.decode()
    )
    response = client.post(
        reverse("account_login"), {"login": "BERND@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get(reverse("events:home")).context["user"] == user


def test_password_reset_by_mail(client):
    user = get_user_model().objects.create_user("carla@example.org", "Altes-Passwort-1")
    user.emailaddress_set.create(email=user.email, verified=True, primary=True)
    client.post(reverse("account_reset_password"), {"email": "carla@example.org"})
    (message,) = mail.outbox
    reset_url = link_in(message)
    form_url = client.get(reset_url)["Location"]
    response = client.post(form_url, {"password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


def test_pages_offer_sign_in_to_visitors_and_the_account_to_members(client):
    content = client.get(reverse("events:home")).content.decode()
    assert f'href="{reverse("account_login")}"' in content
    assert f'href="{reverse("account_signup")}"' in content
    user = get_user_model().objects.create_user("dora@example.org", PASSWORD)
    client.force_login(user)
    content = client.get(reverse("events:home")).content.decode()
    assert f'href="{reverse("account_email")}"' in content
    assert f'href="{reverse("account_login")}"' not in content
    assert f'href="{reverse("admin:index")}"' not in content


def test_account_pages_use_the_site_layout_and_german(client):
    content = client.get(reverse("account_login")).content.decode()
    assert '<html lang="de">' in content
    assert 'class="site-header"' in content
    assert re.search(r"<h1>\s*Anmeldung\s*</h1>", content)


@pytest.mark.parametrize(
    ("flags", "moderates", "grants"),
    [
        ({}, False, False),
        ({"is_editor": True}, True, False),
        ({"is_superuser": True}, True, True),
        ({"is_editor": True, "is_active": False}, False, False),
    ],
)
def test_role_permissions(flags, moderates, grants):
    user = get_user_model().objects.create_user("erika@example.org", PASSWORD, **flags)
    assert user.has_perm("accounts.moderate_calendar") is moderates
    assert user.has_perm("accounts.grant_roles") is grants


def test_a_bot_filling_the_trap_on_the_sign_up_form_gets_no_account(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert re.search(r'<label[^>]*for="id_homepage"', page)
    assert 'class="trap-field"' in page
    assert 'style="' not in page  # the strict CSP forbids inline styles

    response = client.post(
        reverse("account_signup"),
        {
            "email": "bot@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "homepage": "https://spam.example",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert not get_user_model().objects.filter(email="bot@example.org").exists()
    assert mail.outbox == []


def test_sign_in_is_locked_after_five_wrong_passwords(client):
    get_user_model().objects.create_user("bernd@example.org", PASSWORD).emailaddress_set.create(
        email="bernd@example.org", verified=True, primary=True
    )
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": "bernd@example.org", "password": "x"})

    # Even the right password is refused until the lock expires.
    response = client.post(
        reverse("account_login"), {"login": "bernd@example.org", "password": PASSWORD}
    )

    assert response.status_code == 200
    assert "Zu viele" in response.content.decode()
    assert client.get(reverse("events:home")).context["user"].is_anonymous


def test_too_many_sign_ups_from_one_address_get_a_german_page(client):
    for number in range(20):
        sign_up(client, email=f"person{number}@example.org")
        client.logout()

    response = sign_up(client, email="one-more@example.org")

    assert response.status_code == 429
    assert "Zu viele Versuche" in response.content.decode()
    assert "<h1>" in response.content.decode()
    assert not get_user_model().objects.filter(email="one-more@example.org").exists()
