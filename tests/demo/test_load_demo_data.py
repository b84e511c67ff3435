"""manage.py load_demo_data: Hattingen's districts, organisations, places and a year of events."""

import datetime as dt
import io
import json
import math
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from quartiersnetz.accounts.models import User
from quartiersnetz.conferences.models import ActionItem, Concern, Conference, Project
from quartiersnetz.conferences.models import Membership as ConferenceMembership
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.models import District, SiteSettings
from quartiersnetz.core.timeutil import localize, start_of_day
from quartiersnetz.demo import accounts as demo_accounts
from quartiersnetz.demo import hattingen
from quartiersnetz.events.domain import listed_occurrences
from quartiersnetz.events.models import (
    Category,
    Event,
    Occurrence,
    Report,
    Status,
    Visibility,
)
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

ANCHOR = dt.date(2026, 11, 25)
TOWN_FACTS = json.loads((hattingen.DATA_DIR / "hattingen.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.django_db
# The demo's events; the conferences' public meetings are events of their own.
CALENDAR_EVENTS = Event.objects.filter(meeting=None)


def run(today="2026-11-25"):
    out = io.StringIO()
    call_command("load_demo_data", "--today", today, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module", autouse=True)
def first_run(django_db_setup, django_db_blocker):
    """Load once for the module (it takes seconds) and roll back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield run()
        transaction.set_rollback(True)


def local_starts(title):
    event = Event.objects.get(title=title)
    return [localize(occurrence.start) for occurrence in event.occurrences.order_by("start")]


def distance_km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = (float(value) for value in (lat1, lon1, lat2, lon2))
    dx = (lon2 - lon1) * 111.32 * math.cos(math.radians((lat1 + lat2) / 2))
    dy = (lat2 - lat1) * 110.57
    return math.hypot(dx, dy)


def snapshot():
    """What a second run must leave exactly as it is."""
    return {
        "counts": [
            model.objects.count()
            for model in (District, Organization, Place, Category, Event, Occurrence, Conference)
        ],
        "events": sorted(Event.objects.values_list("uid", "sequence", "updated_at")),
        "occurrences": sorted(Occurrence.objects.values_list("pk", "start", "updated_at")),
        "places": sorted(Place.objects.values_list("slug", "updated_at")),
        "organisations": sorted(Organization.objects.values_list("slug", "updated_at")),
    }


def test_the_eleven_districts_have_the_slugs_centres_and_population_of_the_town_facts():
    facts = {row["slug"]: row for row in TOWN_FACTS["districts"]}
    districts = {district.slug: district for district in District.objects.all()}

    assert districts.keys() == facts.keys()
    assert len(districts) == 11
    for slug, district in districts.items():
        latitude, longitude = facts[slug]["centre"]
        assert district.name == facts[slug]["name"]
        assert district.latitude == Decimal(str(latitude))
        assert district.longitude == Decimal(str(longitude))
        assert district.population == facts[slug]["population"]
        assert district.description
    assert "Rauendahl" in districts["winz-baak"].description
    assert "Südstadt" in districts["mitte"].description
    assert "Altstadt" in districts["mitte"].description


def test_organisations_include_the_housing_cooperative_and_the_citizens_society():
    assert Organization.objects.count() >= 35
    hwg = Organization.objects.get(slug="hwg")
    assert hwg.type == Organization.Type.HOUSING
    assert hwg.address == "Im Bruchfeld 17, 45525 Hattingen"
    society = Organization.objects.get(name="Bürgergesellschaft Blankenstein e.V.")
    assert society.district.slug == "blankenstein"
    assert Organization.objects.get(name="Stadt Hattingen – Quartiersentwicklung").type == (
        Organization.Type.ADMINISTRATION
    )
    assert set(Organization.objects.values_list("type", flat=True)) == set(Organization.Type.values)


def test_every_organisation_is_marked_as_demo_data():
    descriptions = Organization.objects.values_list("description", flat=True)
    assert all(description.endswith("(Demo-Daten)") for description in descriptions)


def test_places_lie_near_their_district_centre_with_varied_access():
    places = list(Place.objects.select_related("district"))

    assert len(places) >= 25
    for place in places:
        assert place.postcode in {"45525", "45527", "45529"}
        assert place.street
        district = place.district
        assert (
            distance_km(place.latitude, place.longitude, district.latitude, district.longitude) < 2
        ), place.name
    assert {place.step_free for place in places} == {True, False}
    assert {place.accessible_toilet for place in places} == {True, False}
    assert {place.hearing_loop for place in places} == {True, False}
    assert len({place.district_id for place in places}) == 11


def test_a_year_of_events_is_created_through_the_domain():
    events = CALENDAR_EVENTS.all()
    window_end = start_of_day(ANCHOR + dt.timedelta(days=365))

    assert 250 <= events.count() <= 350
    assert not events.filter(occurrences__isnull=True).exists()
    assert not events.filter(end__gt=window_end).exists()
    assert not Occurrence.objects.filter(end__gt=window_end).exists()
    # Only an event that is already running may have begun before the anchor.
    assert not events.filter(end__lt=start_of_day(ANCHOR)).exists()
    assert events.filter(is_highlight=True).count() == 6
    assert events.exclude(recurrence_rule="").count() >= 20
    assert events.filter(is_free=True).exists()
    assert events.exclude(price="").exists()
    assert events.exclude(registration_url="").exists()
    assert events.filter(expected_attendance__isnull=True).count() == 0
    assert len(set(events.values_list("audience", flat=True))) == 6
    assert events.filter(status=Status.PUBLISHED).count() > 0.95 * events.count()
    descriptions = events.values_list("description", flat=True)
    assert all("Demo-Daten" in description for description in descriptions)
    assert not events.exclude(image="").exists()


def test_the_market_is_on_tuesday_and_friday_mornings_except_on_holidays():
    event = Event.objects.get(title="Wochenmarkt auf dem Untermarkt")
    starts = local_starts(event.title)

    assert event.recurrence_rule.startswith("FREQ=WEEKLY;BYDAY=TU,FR")
    assert event.place.slug == "untermarkt"
    assert len(starts) > 90
    assert {start.strftime("%a %H:%M") for start in starts} == {"Tue 07:00", "Fri 07:00"}
    # Christmas Day and New Year's Day 2026/27 are Fridays.
    assert dt.date(2026, 12, 25) not in {start.date() for start in starts}
    assert dt.date(2027, 1, 1) not in {start.date() for start in starts}
    assert "2026-12-25" in event.recurrence_exceptions.split()


def test_the_stammtisch_is_on_the_first_tuesday_of_each_month_at_seven_pm():
    event = Event.objects.get(title="Stammtisch der Bürgergesellschaft Blankenstein")
    starts = local_starts(event.title)

    assert event.recurrence_rule.startswith("FREQ=MONTHLY;BYDAY=1TU")
    assert event.organizers.get().name == "Bürgergesellschaft Blankenstein e.V."
    assert starts[0].date() == dt.date(2026, 12, 1)
    for start in starts:
        assert start.weekday() == 1
        assert start.day <= 7
        assert (start.hour, start.minute) == (19, 0)
    # The first Tuesday of January 2027 is in the Christmas holidays and skipped.
    assert event.recurrence_exceptions == "2027-01-05"
    months = {(start.year, start.month) for start in starts}
    assert len(months) == 11
    assert (2027, 1) not in months


def test_the_blankenstein_christmas_market_is_on_the_first_advent_weekend():
    event = Event.objects.get(title="Blankensteiner Weihnachtsmarkt")
    starts = local_starts(event.title)

    assert [start.date() for start in starts] == [dt.date(2026, 11, 28), dt.date(2026, 11, 29)]
    assert all((start.hour, start.minute) == (11, 0) for start in starts)
    assert event.place.district.slug == "blankenstein"
    assert event.organizers.get().slug == "buergergesellschaft-blankenstein"
    assert event.is_highlight


@pytest.mark.parametrize(
    ("year", "first_sunday"),
    [
        (2022, dt.date(2022, 11, 27)),  # Christmas on a Sunday
        (2023, dt.date(2023, 12, 3)),  # Christmas Eve is the fourth Sunday
        (2026, dt.date(2026, 11, 29)),
        (2027, dt.date(2027, 11, 28)),
    ],
)
def test_the_first_sunday_of_advent_is_the_fourth_sunday_before_christmas(year, first_sunday):
    assert hattingen.first_advent(year) == first_sunday


def test_the_old_town_festival_is_an_all_day_weekend_for_five_thousand():
    event = Event.objects.get(title="Altstadtfest Hattingen")
    start, end = localize(event.start), localize(event.end)

    assert event.all_day
    assert event.expected_attendance == 5000
    assert event.place.district.slug == "mitte"
    assert (start.strftime("%a %H:%M"), end.strftime("%a %H:%M")) == ("Fri 00:00", "Mon 00:00")
    assert start.month == 8
    assert start.date() == dt.date(2027, 8, 27)


def test_all_day_events_run_from_local_midnight_to_local_midnight():
    events = Event.objects.filter(all_day=True)

    assert events.count() >= 3
    for event in events:
        for value in (event.start, event.end):
            assert localize(value).time() == dt.time(0, 0)
        assert all(occurrence.all_day for occurrence in event.occurrences.all())


def test_exactly_one_event_is_cancelled():
    cancelled = Event.objects.get(status=Status.CANCELLED)
    assert set(cancelled.occurrences.values_list("status", flat=True)) == {Status.CANCELLED}


def test_online_events_have_no_place():
    online = Event.objects.exclude(online_url="")

    assert online.count() >= 3
    assert not online.exclude(place=None).exists()
    assert not Event.objects.filter(place=None, online_url="").exists()
    assert set(Occurrence.objects.filter(event__in=online).values_list("district", flat=True)) == {
        None
    }


def test_internal_draft_and_submitted_events_are_not_listed_publicly():
    hidden = Event.objects.filter(visibility=Visibility.INTERNAL) | Event.objects.filter(
        status__in=[Status.DRAFT, Status.SUBMITTED]
    )

    assert Event.objects.filter(visibility=Visibility.INTERNAL).count() == 2
    assert Event.objects.filter(status=Status.DRAFT).count() == 1
    assert Event.objects.filter(status=Status.SUBMITTED).count() == 1
    assert not listed_occurrences().filter(event__in=hidden).exists()


def test_the_six_district_conferences_and_the_umbrella_round_meet_through_the_year():
    names = {row["name"] for row in TOWN_FACTS["conferences"]}
    conferences = Conference.objects.prefetch_related("districts")

    assert {c.name for c in conferences if c.kind == "district"} == names
    assert conferences.filter(kind="umbrella").count() == 1
    eobs = conferences.get(name="Stadtteilkonferenz EOBS")
    assert {d.slug for d in eobs.districts.all()} == {
        "oberelfringhausen",
        "niederelfringhausen",
        "oberstueter",
        "bredenscheid-stueter",
    }
    for conference in conferences:
        meetings = list(conference.meetings.order_by("start"))
        starts = [localize(meeting.start) for meeting in meetings]
        assert starts[0].date() < ANCHOR < starts[-1].date()
        # Weekday evenings, 17 to 19 h.
        assert all(start.weekday() < 5 and start.hour == 17 for start in starts)
        assert all(meeting.end - meeting.start == dt.timedelta(hours=2) for meeting in meetings)


def test_conference_members_represent_organisations_and_the_city_moderates():
    holthausen = Conference.objects.get(slug="holthausen")
    members = holthausen.memberships.select_related("on_behalf_of")

    moderators = [m for m in members if m.role == "moderator"]
    assert [m.on_behalf_of.slug for m in moderators] == ["stadt-quartiersentwicklung"]
    assert {"hwg", "nachbarschaft-holthausen", "grundschule-holthausen"} <= {
        m.on_behalf_of.slug for m in members if m.on_behalf_of
    }
    assert any(m.on_behalf_of is None for m in members)


def test_past_meetings_have_minutes_and_the_next_public_one_is_in_the_calendar():
    holthausen = Conference.objects.get(slug="holthausen")
    past = holthausen.meetings.filter(start__lt=start_of_day(ANCHOR)).order_by("start")
    upcoming = holthausen.meetings.filter(start__gte=start_of_day(ANCHOR)).order_by("start")

    assert [m.minutes.state for m in past][-1] == "in_review"
    assert {m.minutes.state for m in past[: len(past) - 1]} == {"published"}
    assert all(m.agenda_items.filter(is_public=False).exists() for m in past)
    assert ActionItem.objects.filter(conference=holthausen, status="open").exists()
    invited = upcoming.first()
    assert invited.state == "invited"
    assert invited.registrations.filter(status="confirmed").count() == 3
    assert invited.event.status == Status.PUBLISHED
    assert list(invited.event.categories.values_list("slug", flat=True)) == ["stadtteilkonferenz"]
    assert listed_occurrences().filter(event=invited.event).count() == 1


def test_concerns_in_every_state_and_cooperation_projects():
    assert set(Concern.objects.values_list("status", flat=True)) == set(Concern.Status.values)
    square = Concern.objects.get(title__contains="Quartiersplatz Holthausen")
    assert square.status == "taken_up"
    assert square.taken_up_by.slug == "hwg"
    assert square.agenda_item.meeting.conference.slug == "holthausen"
    assert [update.status for update in square.updates.all()] == [
        "new",
        "in_discussion",
        "taken_up",
    ]
    projects = Project.objects.prefetch_related("districts")
    assert projects.count() >= 3
    assert any(project.districts.count() > 1 for project in projects)


def test_the_demo_notice_is_switched_on():
    assert SiteSettings.load().demo_notice


def test_the_command_reports_progress_and_counts(first_run):
    total = CALENDAR_EVENTS.count()
    assert f"Events: {total}/{total} (100 %)" in first_run
    assert f"{total} events" in first_run
    assert f"{Occurrence.objects.filter(event__meeting=None).count()} dates" in first_run
    assert f"Conferences: 7 (created now: 7, with {ConferenceMembership.objects.count()}" in (
        first_run
    )


def test_a_second_run_adds_nothing_and_changes_nothing():
    before = snapshot()

    output = run()
    # Another anchor (the command is run again on a later day) adds nothing either.
    run("2027-03-01")

    assert snapshot() == before
    assert "created now: 0 districts, 0 organisations, 0 places, 0 categories, 0 events" in (output)


def test_the_same_anchor_plans_the_same_events():
    organizations = {org.slug: org for org in Organization.objects.all()}
    places = {place.slug: place for place in Place.objects.select_related("district")}

    first = hattingen.plan_events(ANCHOR, organizations, places)
    second = hattingen.plan_events(ANCHOR, organizations, places)

    assert [(plan.key, plan.fields["start"]) for plan in first] == [
        (plan.key, plan.fields["start"]) for plan in second
    ]
    assert set(CALENDAR_EVENTS.values_list("uid", flat=True)) == {
        plan.fields["uid"] for plan in first
    }
    assert len({plan.key for plan in first}) == len(first)


def test_an_unreadable_anchor_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("25.11.2026")


def test_demo_accounts_fill_the_review_queue_in_development(settings, client):
    settings.DEBUG = True
    with transaction.atomic():
        out = io.StringIO()
        call_command("load_demo_data", "--today", "2026-11-25", "--accounts", stdout=out)
        call_command("load_demo_data", "--today", "2026-11-25", "--accounts", stdout=out)

        assert "created now: 5" in out.getvalue()
        assert "created now: 0;" in out.getvalue()
        assert client.login(email="redaktion@example.org", password=demo_accounts.PASSWORD)
        queue = client.get("/redaktion/").content.decode()
        assert "Hofflohmarkt in Holthausen" in queue
        assert "Laternenbasteln für Kinder" in queue
        assert Report.objects.filter(resolved_at=None).count() == 1
        assert Organization.objects.get(slug="hwg").is_trusted
        assert sorted(DateHold.objects.values_list("title", "visibility")) == [
            ("Mieterfest im Quartier", "public"),
            ("Nachbarschaftsfest Holthausen", "organisers"),
        ]
        organiser = User.objects.get(email="verein@example.org")
        assert organiser.organization_memberships.get().organization.slug == (
            "nachbarschaft-holthausen"
        )
        transaction.set_rollback(True)


def test_demo_accounts_are_refused_outside_development(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo_data", "--today", "2026-11-25", "--accounts", stdout=io.StringIO())
    assert not User.objects.filter(email="redaktion@example.org").exists()
