"""Sign-in and sign-up forms are accessible."""

import pytest

from quartiersnetz.organizations.models import Membership
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_and_sign_up_forms_pass_axe(page, axe):
    page.goto("/konto/login/")
    assert page.get_by_label("E-Mail").count() == 1
    axe(page)
    page.goto("/konto/signup/")
    axe(page)


def sign_in(page, email, password):
    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)
    assert page.locator("nav.account-nav a[href='/konto/logout/']").count() == 1


def test_an_administrator_of_an_organisation_uses_the_account_pages_without_axe_violations(
    page, axe
):
    admin = UserFactory(email="vorstand@example.org", is_superuser=True, is_staff=True)
    membership = MembershipFactory(
        user=admin,
        role=Membership.Role.ADMIN,
        organization__name="Bürgergesellschaft Blankenstein e.V.",
        organization__slug="buergergesellschaft-blankenstein",
    )
    MembershipFactory(organization=membership.organization, state=Membership.State.REQUESTED)
    sign_in(page, "vorstand@example.org", UserFactory.password)

    for url in [
        "/konto/organisationen/",
        "/organisationen/buergergesellschaft-blankenstein/mitglieder/",
        "/konto/daten/",
        "/konto/rollen/",
        "/konto/email/",
    ]:
        page.goto(url)
        assert page.url.endswith(url), f"{url} redirected to {page.url}"
        assert page.locator("h1").count() == 1, url
        axe(page)
