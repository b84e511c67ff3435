"""Sign-in and sign-up forms are accessible."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_and_sign_up_forms_pass_axe(page, axe):
    page.goto("/konto/login/")
    assert page.get_by_label("E-Mail").count() == 1
    axe(page)
    page.goto("/konto/signup/")
    axe(page)
