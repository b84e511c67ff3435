"""Date coordination in a browser: the Bürgergesellschaft Blankenstein tries to hold the
first Advent weekend in Blankenstein, where the Weihnachtsmarkt already is, sees the
conflict and its reason while typing, and takes a suggested weekend instead. axe-core
checks the hold form, the suggestions and the year board."""

import datetime as dt

import pytest

from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.demo.hattingen import first_advent
from tests.factories import (
    DistrictFactory,
    EventFactory,
    MembershipFactory,
    OrganizationFactory,
    PlaceFactory,
    berlin,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ruhrtal-Spaziergang-2026"


def test_the_citizens_society_avoids_the_christmas_market_weekend(page, axe):
    year = local_today().year + 1
    sunday = first_advent(year)
    saturday = sunday - dt.timedelta(days=1)
    blankenstein = DistrictFactory(
        name="Blankenstein", slug="blankenstein", latitude="51.395000", longitude="7.224000"
    )
    DistrictFactory(name="Welper", slug="welper", latitude="51.409000", longitude="7.199000")
    EventFactory(
        title="Blankensteiner Weihnachtsmarkt",
        organizers=[OrganizationFactory(name="Heimatverein Blankenstein e.V.")],
        place=PlaceFactory(name="Burg Blankenstein", district=blankenstein),
        start=berlin(saturday.year, saturday.month, saturday.day, 11),
        end=berlin(sunday.year, sunday.month, sunday.day, 20),
        expected_attendance=5000,
    )
    MembershipFactory(
        organization__name="Bürgergesellschaft Blankenstein e.V.",
        user__email="vorstand@bg-blankenstein.example",
    )

    page.goto("/konto/login/")
    page.fill("#id_login", "vorstand@bg-blankenstein.example")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)

    # The first Advent weekend: the conflict and its reason appear while typing.
    page.goto("/terminvormerkungen/neu/")
    page.fill("#id_title", "Adventsbasar der Bürgergesellschaft")
    page.fill("#id_first_day", saturday.isoformat())
    page.fill("#id_last_day", sunday.isoformat())
    page.select_option("#id_district", str(blankenstein.pk))
    page.fill("#id_expected_attendance", "800")
    page.locator("#id_expected_attendance").blur()
    conflicts = page.locator("#conflicts")
    conflicts.locator("li", has_text="Blankensteiner Weihnachtsmarkt").first.wait_for()
    assert "5.000" in conflicts.inner_text()
    axe(page)

    # Sent anyway, the form asks for a reason and saves nothing.
    page.locator("form.hold-form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_justification_error").count() == 1
    assert not DateHold.objects.exists()
    axe(page)

    # Better weekends instead; the first suggestion goes back into the form.
    page.locator("#conflicts a[href*='/terminabstimmung/vorschlaege/']").click()
    page.wait_for_load_state()
    page.check("#id_weekends_only")
    page.locator("form.suggestion-window button[type=submit]").click()
    page.wait_for_load_state()
    axe(page)
    page.locator(".suggestion-list a.button").first.click()
    page.wait_for_load_state()
    chosen = dt.date.fromisoformat(page.input_value("#id_first_day"))
    assert chosen != saturday
    assert chosen.weekday() == 5
    assert page.input_value("#id_title") == "Adventsbasar der Bürgergesellschaft"
    page.locator("form.hold-form button[type=submit]").click()
    page.wait_for_load_state()

    hold = DateHold.objects.get()
    assert (hold.first_day, hold.last_day) == (chosen, chosen + dt.timedelta(days=1))
    assert hold.district == blankenstein
    assert hold.title in page.locator("h1").inner_text()

    # The umbrella round sees it in the year board.
    page.goto(f"/jahresplanung/?from={chosen.isoformat()}")
    assert page.locator("table caption").count() == 1
    axe(page)
