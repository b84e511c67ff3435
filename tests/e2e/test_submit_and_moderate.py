"""The organiser workflow in a browser: from sign-up to an approved event in the feed.

Someone signs up and confirms the address from the mail, asks to join an organisation,
is accepted by its administrator, creates a monthly recurring event and submits it; an
editor approves it in the review queue (htmx); it is then in the agenda and the ICS feed.
axe-core checks the forms and the queue on the way.
"""

import re

import icalendar
import pytest
from django.core import mail

from quartiersnetz.accounts.notifications import subscribe
from quartiersnetz.events.models import Event, Status
from quartiersnetz.organizations.models import Membership
from tests.factories import (
    CategoryFactory,
    DistrictFactory,
    MembershipFactory,
    PlaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ruhrtal-Spaziergang-2026"
TITLE = "Repair-Café Welper"


def sign_in(page, email):
    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def sign_out(page):
    page.context.clear_cookies()


def link_in(message, part):
    return re.search(rf"https?://\S*{part}\S*", message.body).group(0)


def test_sign_up_join_submit_approve_and_find_the_event_in_the_feed(page, axe, live_server):
    welper = DistrictFactory(name="Welper", slug="welper")
    PlaceFactory(name="Gemeindehaus Welper", slug="gemeindehaus-welper", district=welper)
    CategoryFactory(name="Nachbarschaft", slug="nachbarschaft")
    board = MembershipFactory(
        role=Membership.Role.ADMIN,
        organization__name="Heimatverein Welper e.V.",
        organization__slug="heimatverein-welper",
        user__email="vorstand@example.org",
    )
    organization = board.organization
    editor = UserFactory(email="redaktion@example.org", is_editor=True)
    subscribe(board.user, "membership_requests")
    subscribe(editor, "new_submissions")

    # Sign up and confirm the address from the mail.
    page.goto("/konto/signup/")
    axe(page)
    page.fill("#id_email", "ida@example.org")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/konto/confirm-email/")
    (confirmation,) = mail.outbox
    page.goto(link_in(confirmation, "/konto/confirm-email/"))
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "confirm-email" not in url)
    assert page.locator("nav.account-nav a[href='/konto/logout/']").count() == 1

    # Ask to join; the board is told and accepts.
    page.goto(f"/organisationen/{organization.slug}/")
    page.locator(
        f"form[action='/organisationen/{organization.slug}/mitglied-werden/'] button"
    ).click()
    page.wait_for_load_state()
    assert mail.outbox[-1].to == ["vorstand@example.org"]
    sign_out(page)
    sign_in(page, "vorstand@example.org")
    page.goto(f"/organisationen/{organization.slug}/mitglieder/")
    page.locator("form[action$='/annehmen/'] button").click()
    page.wait_for_load_state()
    assert Membership.objects.get(user__email="ida@example.org").state == "active"
    sign_out(page)

    # Ida creates a monthly event on the first Tuesday, six times, and submits it.
    sign_in(page, "ida@example.org")
    page.goto("/meine-veranstaltungen/")
    axe(page)
    page.goto("/meine-veranstaltungen/neu/")
    axe(page)
    # Sent empty, the form comes back with its errors summed up at the top.
    page.locator("button[name=submit]").click()
    page.wait_for_load_state()
    assert page.locator(".error-summary a").count() >= 2
    axe(page)
    page.fill("#id_title", TITLE)
    page.fill("#id_teaser", "Kaputte Dinge gemeinsam reparieren.")
    page.fill("#id_description", "Bringen Sie mit, was **repariert** werden soll.")
    page.fill("#id_start_date", "2027-02-02")
    page.fill("#id_start_time", "17:00")
    page.fill("#id_end_time", "19:00")
    page.check("input[name=repeat][value=monthly]")
    page.check("input[name=repeat_monthly_by][value=weekday]")
    page.select_option("#id_repeat_week", "1")
    page.fill("#id_repeat_count", "6")
    place_option = page.locator("#id_place option", has_text="Gemeindehaus Welper")
    page.select_option("#id_place", place_option.get_attribute("value"))
    page.get_by_label("Nachbarschaft").check()
    assert page.locator(f"input[name=organizers][value='{organization.pk}']").is_checked()
    page.locator("button[name=submit]").click()
    page.wait_for_url("**/meine-veranstaltungen/**")
    event = Event.objects.get(title=TITLE)
    assert event.status == Status.SUBMITTED
    assert event.occurrences.count() == 6
    assert mail.outbox[-1].to == ["redaktion@example.org"]
    sign_out(page)

    # The editor approves it in the queue, with htmx: the row becomes a status line.
    sign_in(page, "redaktion@example.org")
    page.goto("/redaktion/")
    axe(page)
    item = page.locator(".queue-item", has_text=TITLE)
    item.locator("form[action$='/freigeben/'] button").click()
    page.locator("[role=status]", has_text=TITLE).wait_for()
    assert page.url.endswith("/redaktion/")
    axe(page)
    event.refresh_from_db()
    assert event.status == Status.PUBLISHED
    sign_out(page)

    # Everyone finds it in the agenda and in the calendar feed, every first Tuesday.
    page.goto("/kalender/?date_from=2027-02-01")
    assert page.get_by_role("link", name=TITLE).count() >= 1
    feed = icalendar.Calendar.from_ical(page.request.get(f"{live_server.url}/kalender.ics").body())
    starts = sorted(
        component.decoded("dtstart")
        for component in feed.walk("VEVENT")
        if str(component["summary"]) == TITLE
    )
    assert [(start.month, start.day, start.hour) for start in starts] == [
        (2, 2, 17),
        (3, 2, 17),
        (4, 6, 17),
        (5, 4, 17),
        (6, 1, 17),
        (7, 6, 17),
    ]
