"""Demo accounts for trying the organiser and editor workflow under `make run`, with
events waiting for review, a report, two date holds and two members of the Holthausen
conference.

They have a published password, so the command creates them only in development
(DEBUG); a production instance never gets them.
"""

import datetime as dt

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from quartiersnetz.accounts.models import User
from quartiersnetz.conferences.models import Conference
from quartiersnetz.conferences.models import Membership as ConferenceMembership
from quartiersnetz.conferences.models import Role as ConferenceRole
from quartiersnetz.coordination.holds import create_hold
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_zone
from quartiersnetz.demo.hattingen import DEMO_MARK, demo_uid
from quartiersnetz.events import workflow
from quartiersnetz.events.models import Category, Event, Report, Status
from quartiersnetz.organizations.models import Membership, Organization
from quartiersnetz.places.models import Place

PASSWORD = "Hattingen-Demo-2026"
ACCOUNTS = [
    # email, name, flags, organisation slug it administers
    ("verwaltung@example.org", "Vera Verwaltung", {"is_superuser": True, "is_staff": True}, None),
    ("redaktion@example.org", "Rita Redaktion", {"is_editor": True}, None),
    ("moderation@example.org", "Mo Moderation", {"is_moderator": True}, None),
    ("verein@example.org", "Nina Nachbar", {}, "nachbarschaft-holthausen"),
    ("hwg@example.org", "Hans Wohnung", {}, "hwg"),
]
# Events waiting in the review queue, sent by the Holthausen neighbourhood association.
SUBMISSIONS = [
    {
        "key": "review-hofflohmarkt",
        "title": "Hofflohmarkt in Holthausen",
        "teaser": "Nachbarinnen und Nachbarn verkaufen in ihren Höfen.",
        "days_ahead": 45,
        "hour": 10,
        "hours": 5,
        "place": "hwg-gemeinschaftsraum-holthausen",
        "categories": ["feste-maerkte", "nachbarschaft"],
    },
    {
        "key": "review-laternenbasteln",
        "title": "Laternenbasteln für Kinder",
        "teaser": "Wir basteln Laternen für den Martinszug.",
        "days_ahead": 20,
        "hour": 15,
        "hours": 2,
        "place": "hwg-gemeinschaftsraum-holthausen",
        "categories": ["kinder-familie"],
    },
]


@transaction.atomic
def load_accounts(today):
    """Create the demo accounts, two submissions and a report; returns how many accounts
    were created. Adds only what is missing; the Hattingen demo data must be loaded."""
    if not settings.DEBUG:
        raise ImproperlyConfigured("Demo accounts are for development only (DEBUG=true).")
    created = 0
    people = {}
    for email, name, flags, organization_slug in ACCOUNTS:
        person = User.objects.filter(email=email).first()
        if person is None:
            person = User.objects.create_user(email, PASSWORD, name=f"{name} (Demo)", **flags)
            EmailAddress.objects.create(user=person, email=email, verified=True, primary=True)
            created += 1
        people[email] = person
        if organization_slug:
            Membership.objects.get_or_create(
                organization=Organization.objects.get(slug=organization_slug),
                user=person,
                defaults={"role": Membership.Role.ADMIN, "state": Membership.State.ACTIVE},
            )
    # The housing cooperative publishes without review: the trusted path to try.
    Organization.objects.filter(slug="hwg").update(is_trusted=True)
    _load_submissions(today, people["verein@example.org"])
    _load_report(people["moderation@example.org"])
    _load_holds(today, people)
    _load_conference_members(people)
    return created


# Demo accounts that take part in a district conference: (email, conference, role).
CONFERENCE_MEMBERS = [
    ("verein@example.org", "holthausen", ConferenceRole.MEMBER),
    ("hwg@example.org", "holthausen", ConferenceRole.MODERATOR),
]


def _load_conference_members(people):
    """Nina (neighbourhood association) is a member of the Holthausen conference, Hans
    (housing cooperative) moderates it; their memberships are linked to the accounts."""
    for email, slug, role in CONFERENCE_MEMBERS:
        person = people[email]
        organization = person.organization_memberships.get().organization
        ConferenceMembership.objects.get_or_create(
            conference=Conference.objects.get(slug=slug),
            user=person,
            defaults={
                "name": person.name.removesuffix(" (Demo)"),
                "email": email,
                "on_behalf_of": organization,
                "role": role,
                "start_date": dt.date(2024, 1, 1),
            },
        )


def _load_submissions(today, organiser):
    for item in SUBMISSIONS:
        uid = demo_uid(item["key"])
        if Event.objects.filter(uid=uid).exists():
            continue
        day = today + dt.timedelta(days=item["days_ahead"])
        start = dt.datetime.combine(day, dt.time(item["hour"]), tzinfo=local_zone())
        event = Event(
            uid=uid,
            title=item["title"],
            teaser=item["teaser"],
            description=f"{item['teaser']} {DEMO_MARK}",
            start=start,
            end=start + dt.timedelta(hours=item["hours"]),
            place=Place.objects.get(slug=item["place"]),
            is_free=True,
        )

        def save_related(event=event, item=item):
            event.organizers.set(Organization.objects.filter(slug="nachbarschaft-holthausen"))
            event.categories.set(Category.objects.filter(slug__in=item["categories"]))

        event, _created = workflow.create_event(event, actor=organiser, save_related=save_related)
        workflow.submit_event(event, organiser)


# Dates held for next year: one public "save the date", one for organisers only.
HOLDS = [
    {
        "title": "Mieterfest im Quartier",
        "organization": "hwg",
        "account": "hwg@example.org",
        "district": "holthausen",
        "weeks_ahead": 30,
        "days": 2,
        "attendance": 1500,
        "visibility": DateHold.Visibility.PUBLIC,
    },
    {
        "title": "Nachbarschaftsfest Holthausen",
        "organization": "nachbarschaft-holthausen",
        "account": "verein@example.org",
        "district": "holthausen",
        "weeks_ahead": 34,
        "days": 1,
        "attendance": 400,
        "visibility": DateHold.Visibility.ORGANISERS,
    },
]


def _load_holds(today, people):
    for item in HOLDS:
        if DateHold.objects.filter(title=item["title"]).exists():
            continue
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7, weeks=item["weeks_ahead"])
        hold = DateHold(
            organization=Organization.objects.get(slug=item["organization"]),
            title=item["title"],
            first_day=saturday,
            last_day=saturday + dt.timedelta(days=item["days"] - 1),
            district=District.objects.get(slug=item["district"]),
            expected_attendance=item["attendance"],
            visibility=item["visibility"],
            expires_on=saturday - dt.timedelta(weeks=8),
            note=DEMO_MARK,
        )
        create_hold(hold, actor=people[item["account"]], check_duplicate=False)


def _load_report(reporter):
    if Report.objects.exists():
        return
    event = (
        Event.objects.filter(status=Status.PUBLISHED, recurrence_rule="")
        .order_by("start", "pk")
        .first()
    )
    if event is not None:
        workflow.report_event(
            event,
            reason=Report.Reason.WRONG,
            message="Laut Aushang beginnt die Veranstaltung eine Stunde später. (Demo-Daten)",
            reporter=reporter,
        )
