"""A district conference meeting in a browser, from the invitation to the public minutes.

The moderator of the Stadtteilkonferenz Holthausen plans a meeting in the community room
of the housing cooperative, writes its agenda (a public item with a sub-item and an
internal item) and sends the invitations; a citizen signs up on the public page and
confirms from the mail; after the meeting the moderator takes the attendance, writes the
minutes, sends them to the members for comments, approves and publishes them, and the
citizen reads the public part from the conference page. axe-core checks every page on
the way. A second test covers the date poll (its form, its page, a member's answer
through the personal link) and the district developer's dashboard with the list of
sign-ups it links to.

Fields are found by their ids, not by their labels: the German labels come from the
translations, which are still being written. axe checks that every field has a label.
"""

import datetime as dt
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from quartiersnetz.conferences.models import (
    ActionItem,
    AgendaItem,
    Attendance,
    DatePoll,
    Meeting,
    Minutes,
    PollAnswer,
    Registration,
)
from quartiersnetz.core.timeutil import local_today
from tests.factories import (
    BERLIN,
    ConferenceFactory,
    ConferenceMembershipFactory,
    DistrictFactory,
    MeetingFactory,
    OrganizationFactory,
    PlaceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Ruhrtal-Spaziergang-2026"  # what UserFactory sets
CITIZEN = "ayse.demir@example.org"
PUBLIC_MINUTES = "Die hwg stellt den Entwurf für den Spielplatz am Bruchfeld vor."
SUB_MINUTES = "Die Grundschule beteiligt die Kinder mit einer Malaktion."
INTERNAL_MINUTES = "Der Förderantrag wird mit 4.800 Euro vertraulich vorbereitet."


def sign_in(page, email):
    page.goto("/konto/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: "/konto/login/" not in url)


def submit(page, button):
    """Press a form's button and wait for the page it leads to (after the redirect)."""
    with page.expect_navigation():
        button.click()


def follow(page, selector):
    """Click a link as a person would and wait for its page."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def path_in(message, part):
    """The path of the link to part in a mail. Mails carry SITE_URL's host, so the
    browser follows the path on the test server."""
    return urlsplit(re.search(rf"https?://\S*{part}\S*", message.body).group(0)).path


def mails_to(address):
    """Mails sent so far to address. The live server runs in a thread of this process
    and tasks run inline, so its mails land in the test's locmem outbox."""
    return [message for message in mail.outbox if address in message.to]


def a_weekday_in_three_weeks():
    day = local_today() + dt.timedelta(days=21)
    while day.weekday() > 3:  # Monday to Thursday, as the conferences meet
        day += dt.timedelta(days=1)
    return day


@pytest.fixture
def new_page(browser, live_server):
    """Opens a page in a browser context of its own (no cookies shared with the `page`
    fixture's), watched for requests to other hosts as that one is."""
    contexts, foreign = [], []
    own_host = urlsplit(live_server.url).netloc

    def watch(request):
        if request.url.startswith(("data:", "blob:", "about:")):
            return
        if urlsplit(request.url).netloc != own_host:
            foreign.append(request.url)

    def open_page():
        context = browser.new_context(
            base_url=live_server.url, locale="de-DE", timezone_id="Europe/Berlin"
        )
        contexts.append(context)
        context.on("request", watch)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()
    assert not foreign, f"pages requested other hosts: {foreign}"


@pytest.fixture
def holthausen():
    district = DistrictFactory(name="Holthausen", slug="holthausen")
    conference = ConferenceFactory(
        name="Stadtteilkonferenz Holthausen", slug="holthausen", districts=[district]
    )
    place = PlaceFactory(
        name="Gemeinschaftsraum der hwg",
        slug="gemeinschaftsraum-der-hwg",
        street="Im Bruchfeld 17",
        district=district,
        step_free=True,
    )
    moderator = ConferenceMembershipFactory(
        conference=conference,
        role="moderator",
        name="Sabine Krämer",
        user__email="sabine.kraemer@hwg.example",
        on_behalf_of=OrganizationFactory(name="hwg Hattinger Wohnstätten eG"),
    )
    member = ConferenceMembershipFactory(
        conference=conference,
        name="Jens Albers",
        user__email="jens.albers@awo.example",
        on_behalf_of=OrganizationFactory(name="AWO Holthausen"),
    )
    # A member without an account: the invitation goes to the address entered.
    guest = ConferenceMembershipFactory(
        conference=conference,
        user=None,
        name="Marlies Brandt",
        email="marlies.brandt@example.org",
        on_behalf_of=OrganizationFactory(name="Förderverein der Grundschule Holthausen"),
    )
    return {
        "conference": conference,
        "place": place,
        "moderator": moderator,
        "member": member,
        "guest": guest,
    }


def test_meeting_from_invitation_to_public_minutes(page, new_page, axe, holthausen):
    moderator, member, guest = holthausen["moderator"], holthausen["member"], holthausen["guest"]
    day = a_weekday_in_three_weeks()

    # 1. The moderator plans the meeting from the conference page.
    sign_in(page, moderator.user.email)
    page.goto("/konferenzen/holthausen/")
    axe(page)
    follow(page, "a[href='/konferenzen/holthausen/sitzungen/neu/']")
    page.fill("#id_date", day.isoformat())
    page.fill("#id_start_time", "17:00")
    page.fill("#id_end_time", "19:00")
    page.select_option("#id_place", str(holthausen["place"].pk))
    page.fill("#id_room", "Erdgeschoss")
    page.check("#id_is_public")
    page.fill("#id_capacity", "20")
    page.locator("#id_capacity").blur()
    axe(page)
    submit(page, page.locator("form.meeting-form .form-actions button:not([name=check])"))
    meeting = Meeting.objects.get()
    assert page.url.endswith(meeting.get_absolute_url())
    assert (meeting.start, meeting.end) == (
        dt.datetime.combine(day, dt.time(17), tzinfo=BERLIN),
        dt.datetime.combine(day, dt.time(19), tzinfo=BERLIN),
    )
    assert meeting.place == holthausen["place"]
    assert meeting.is_public
    assert meeting.capacity == 20
    assert meeting.state == Meeting.State.PLANNED
    base = meeting.get_absolute_url()

    # The agenda: a public item with a sub-item, and an internal one.
    follow(page, f"a[href='{base}tagesordnung/']")
    add = page.locator("section[aria-labelledby=add-heading] form")

    def add_item(title, *, description="", presenter="", minutes="", parent=None, public=True):
        page.fill("#id_title", title)
        if parent is not None:
            page.select_option("#id_parent", str(parent.pk))
        page.fill("#id_description", description)
        page.fill("#id_presenter", presenter)
        page.fill("#id_duration_minutes", minutes)
        page.set_checked("#id_is_public", public)
        submit(page, add.locator("button[type=submit]"))
        return AgendaItem.objects.get(meeting=meeting, title=title)

    playground = add_item(
        "Neuer Spielplatz am Bruchfeld",
        description="Die hwg stellt den **Entwurf** vor.",
        presenter="Sabine Krämer",
        minutes="30",
    )
    children = add_item(
        "Beteiligung der Kinder", parent=playground, presenter="Grundschule Holthausen"
    )
    funding = add_item(
        "Förderantrag Verfügungsfonds", description="Nur für die Mitglieder.", public=False
    )
    assert children.parent == playground
    assert not funding.is_public
    agenda_text = page.locator("main").inner_text()
    assert "Neuer Spielplatz am Bruchfeld" in agenda_text
    assert "Beteiligung der Kinder" in agenda_text
    assert "Förderantrag Verfügungsfonds" in agenda_text
    # The meeting's agenda is not the city's calendar ("agenda" is both URLs' name).
    assert page.locator(".site-nav a[aria-current=page]").count() == 0
    assert page.locator(f".meeting-nav a[href='{base}tagesordnung/'][aria-current=page]").count()
    axe(page)

    # The invitations: every member with an address gets the agenda and a calendar invitation.
    follow(page, f"a[href='{base}einladen/']")
    axe(page)
    mail.outbox.clear()
    submit(page, page.locator("main form button[type=submit]"))
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.INVITED
    assert meeting.invited_at is not None
    for person in (moderator, member, guest):
        (invitation,) = mails_to(person.address)
        assert "Neuer Spielplatz am Bruchfeld" in invitation.body
        assert "Förderantrag Verfügungsfonds" in invitation.body  # members see it all
        (ics,) = [a for a in invitation.attachments if a[2].startswith("text/calendar")]
        assert "METHOD:REQUEST" in ics[1]
        assert str(meeting.uid) in ics[1]

    # 2. A citizen (a browser of her own, no account) signs up on the public page.
    citizen = new_page()
    citizen.goto("/konferenzen/holthausen/")
    follow(citizen, f"main a[href='{base}']")
    public_agenda = citizen.locator(".meeting-agenda").inner_text()
    assert "Neuer Spielplatz am Bruchfeld" in public_agenda
    assert "Beteiligung der Kinder" in public_agenda
    assert "Förderantrag" not in citizen.content()
    assert citizen.locator("#anmelden form").count() == 1
    axe(citizen)
    citizen.fill("#signup-name", "Ayşe Demir")
    citizen.fill("#signup-email", "ayse.demir@")
    citizen.fill("#signup-accessibility_needs", "Stufenloser Zugang, ich komme mit dem Rollator.")
    submit(citizen, citizen.locator("#anmelden form button[type=submit]"))
    # A mistyped address: the form comes back with her input and the error linked.
    assert citizen.locator(".error-summary a[href='#signup-email']").count() == 1
    assert citizen.locator("#signup-email[aria-invalid=true]").count() == 1
    assert citizen.input_value("#signup-name") == "Ayşe Demir"
    assert not Registration.objects.exists()
    axe(citizen)
    citizen.fill("#signup-email", CITIZEN)
    submit(citizen, citizen.locator("#anmelden form button[type=submit]"))
    registration = Registration.objects.get()
    assert registration.status == Registration.Status.UNCONFIRMED
    assert registration.accessibility_needs.startswith("Stufenloser Zugang")
    assert CITIZEN in citizen.locator("main").inner_text()  # "we have sent a mail to …"
    (confirmation,) = mails_to(CITIZEN)
    citizen.goto(path_in(confirmation, "/konferenzen/anmeldung/"))
    # Opening the link confirms nothing (mail scanners open links); the button does.
    registration.refresh_from_db()
    assert registration.status == Registration.Status.UNCONFIRMED
    axe(citizen)
    submit(citizen, citizen.locator("main form button[type=submit]"))
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    # The page now offers her calendar file and the cancellation of her seat.
    assert citizen.locator(f"main a[href='{base}einladung.ics']").count() == 1
    assert citizen.locator("main input[name=action][value=cancel]").count() == 1
    axe(citizen)

    # 3. The meeting takes place. The one shortcut of this test: the ORM moves it to
    # yesterday, since a browser cannot wait three weeks.
    yesterday = local_today() - dt.timedelta(days=1)
    Meeting.objects.filter(pk=meeting.pk).update(
        start=dt.datetime.combine(yesterday, dt.time(17), tzinfo=BERLIN),
        end=dt.datetime.combine(yesterday, dt.time(19), tzinfo=BERLIN),
    )
    page.goto(base)
    follow(page, f"a[href='{base}anwesenheit/']")
    page.check(f"input[name=members][value='{moderator.pk}']")
    page.check(f"input[name=members][value='{member.pk}']")
    page.check(f"input[name=registrations][value='{registration.pk}']")
    page.fill("#id_walk_in_count", "3")
    assert page.locator(f".meeting-nav a[href='{base}anwesenheit/'][aria-current=page]").count()
    axe(page)
    submit(page, page.locator("form.attendance-form button[type=submit]"))
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.HELD
    assert meeting.walk_in_count == 3
    assert set(
        Attendance.objects.filter(meeting=meeting, present=True).values_list(
            "membership", flat=True
        )
    ) == {moderator.pk, member.pk}
    registration.refresh_from_db()
    assert registration.attended is True

    # 4. The minutes: written, sent to the members for comments, approved, published.
    follow(page, f"a[href='{base}protokoll/']")
    follow(page, f"main a[href='{base}protokoll/bearbeiten/']")
    page.fill("#id_notes", "Anwesend waren acht Personen, darunter eine Bürgerin.")
    page.fill(f"#id_item-{playground.pk}-minutes", PUBLIC_MINUTES)
    page.fill(f"#id_item-{playground.pk}-decision", "Die Konferenz unterstützt den Entwurf.")
    page.fill(f"#id_item-{children.pk}-minutes", SUB_MINUTES)
    page.fill(f"#id_item-{funding.pk}-minutes", INTERNAL_MINUTES)
    # The items' descriptions are shown as text, not as Markdown source.
    assert "Die hwg stellt den Entwurf vor." in page.locator("form.minutes-form").inner_text()
    axe(page)
    submit(page, page.locator("form.minutes-form .form-actions button:not([name])"))
    minutes = Minutes.objects.get(meeting=meeting)
    assert minutes.state == Minutes.State.DRAFT
    funding.refresh_from_db()
    assert funding.minutes == INTERNAL_MINUTES
    mail.outbox.clear()
    submit(page, page.locator(f"form[action='{base}protokoll/send/'] button"))
    minutes.refresh_from_db()
    assert minutes.state == Minutes.State.IN_REVIEW
    assert mails_to(member.address)
    assert mails_to(guest.address)
    axe(page)
    submit(page, page.locator(f"form[action='{base}protokoll/approve/'] button"))
    submit(page, page.locator(f"form[action='{base}protokoll/publish/'] button"))
    minutes.refresh_from_db()
    meeting.refresh_from_db()
    assert minutes.state == Minutes.State.PUBLISHED
    assert minutes.approved_by == moderator.user
    assert meeting.state == Meeting.State.MINUTES_APPROVED
    # The moderators read all of it, the internal item included.
    assert INTERNAL_MINUTES in page.locator("main").inner_text()

    # 5. The citizen finds the minutes on the conference page: the public part only.
    citizen.goto("/konferenzen/holthausen/")
    past = citizen.locator("section[aria-labelledby=past-meetings]")
    assert past.locator(f"a[href='{base}']").count() == 1
    axe(citizen)
    follow(citizen, f"section[aria-labelledby=past-meetings] a[href='{base}protokoll/']")
    public_minutes = citizen.locator("main").inner_text()
    assert "Anwesend waren acht Personen" in public_minutes
    assert PUBLIC_MINUTES in public_minutes
    assert "Die Konferenz unterstützt den Entwurf." in public_minutes
    assert SUB_MINUTES in public_minutes
    assert INTERNAL_MINUTES not in citizen.content()
    assert "Förderantrag" not in citizen.content()
    axe(citizen)


def test_a_member_answers_a_date_poll_and_the_dashboard_shows_what_is_due(
    page, new_page, axe, holthausen
):
    conference = holthausen["conference"]
    guest = holthausen["guest"]
    first = a_weekday_in_three_weeks()
    second = first + dt.timedelta(days=7)

    # The moderator proposes two dates; every member gets a personal link.
    sign_in(page, holthausen["moderator"].user.email)
    page.goto(f"/konferenzen/{conference.slug}/terminfindung/neu/")
    page.fill("#id_title", "Herbstsitzung")
    page.select_option("#id_place", str(holthausen["place"].pk))
    for number, day in ((1, first), (2, second)):
        page.fill(f"#id_day_{number}", day.isoformat())
        page.fill(f"#id_start_{number}", "17:00")
        page.fill(f"#id_end_{number}", "19:00")
    axe(page)
    submit(page, page.locator("form.poll-form .form-actions button[type=submit]"))
    poll = DatePoll.objects.get()
    assert poll.options.count() == 2
    axe(page)

    # The member without an account answers through the link in her mail.
    (invitation,) = mails_to(guest.address)
    member_page = new_page()
    member_page.goto(path_in(invitation, "/konferenzen/terminfindung/"))
    axe(member_page)
    first_option, second_option = poll.options.order_by("start")
    member_page.check(f"input[name='option_{first_option.pk}'][value=yes]")
    member_page.check(f"input[name='option_{second_option.pk}'][value=no]")
    submit(member_page, member_page.locator("main form button[type=submit]"))
    assert dict(PollAnswer.objects.filter(membership=guest).values_list("option", "answer")) == {
        first_option.pk: "yes",
        second_option.pk: "no",
    }
    axe(member_page)

    # The district developer's dashboard with something in every column: Holthausen's
    # next public meeting with sign-ups and minutes waiting for approval, Welper's
    # held meeting without minutes and an overdue action item.
    yesterday = dt.datetime.combine(
        local_today() - dt.timedelta(days=1), dt.time(17), tzinfo=BERLIN
    )
    upcoming = MeetingFactory(
        conference=conference, place=holthausen["place"], state="invited", capacity=1
    )
    for name, email, status in (
        ("Ayşe Demir", CITIZEN, "confirmed"),
        ("Ole Jansen", "ole@example.org", "waiting"),
    ):
        Registration.objects.create(
            meeting=upcoming, name=name, email=email, status=status, confirmed_at=timezone.now()
        )
    reviewed = MeetingFactory(
        conference=conference, start=yesterday - dt.timedelta(days=60), state="held"
    )
    Minutes.objects.create(meeting=reviewed, state="in_review", notes="Entwurf.")
    welper = ConferenceFactory(
        name="Stadtteilkonferenz Welper", slug="welper", districts=[DistrictFactory(name="Welper")]
    )
    held = MeetingFactory(conference=welper, start=yesterday, state="held")
    ActionItem.objects.create(
        conference=welper,
        title="Bänke am Marktplatz reparieren lassen",
        assignee=ConferenceMembershipFactory(conference=welper, name="Uwe Peters"),
        due_date=local_today() - dt.timedelta(days=5),
    )
    coordinator = UserFactory(email="stadtteilentwicklung@hattingen.example", is_moderator=True)
    page.context.clear_cookies()
    sign_in(page, coordinator.email)
    follow(page, "a[href='/redaktion/konferenzen/']")
    overview = page.locator("main table").inner_text()
    assert "Stadtteilkonferenz Holthausen" in overview
    assert "Bänke am Marktplatz reparieren lassen" in overview
    assert page.locator(f"main a[href='{held.get_absolute_url()}protokoll/bearbeiten/']").count()
    assert page.locator(f"main a[href='{reviewed.get_absolute_url()}protokoll/']").count() == 1
    axe(page)

    # The sign-ups of the next public meeting, from the dashboard.
    follow(page, f"main a[href='{upcoming.get_absolute_url()}anmeldungen/']")
    assert "Ole Jansen" in page.locator("main").inner_text()
    axe(page)
