"""A visitor reads the accessibility statement and reports a barrier with its form."""

import importlib

import pytest
from django.apps import apps

from quartiersnetz.core.models import BarrierReport

pytestmark = pytest.mark.django_db(transaction=True)


def test_visitor_reports_a_barrier_and_the_page_passes_axe(page, axe):
    migration = importlib.import_module(
        "quartiersnetz.core.migrations.0004_legal_page_placeholders"
    )
    migration.create_placeholder_pages(apps, None)

    page.goto("/")
    page.locator("footer a[href='/barrierefreiheit/']").click()
    page.wait_for_url("**/barrierefreiheit/")
    axe(page)
    # The trap field is off screen, so a person does not fill it.
    assert page.locator("#id_homepage").bounding_box()["x"] < 0

    page.fill("#id_description", "Der Monatskalender lässt sich nicht mit der Tastatur bedienen.")
    page.fill("#id_email", "erika@example.org")
    page.check("#id_wants_reply")
    page.locator("form[action='/barrierefreiheit/'] button[type=submit]").click()
    page.wait_for_selector(".message-success")
    axe(page)

    stored = BarrierReport.objects.get()
    assert stored.email == "erika@example.org"
    assert stored.wants_reply
