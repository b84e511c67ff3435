"""The six district conferences of Hattingen and the umbrella round, with members and a
year of meetings: past ones with agendas, minutes and action items, the next ones
invited or planned. Marked as demo data; a conference that exists is left alone."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from quartiersnetz.conferences.domain.meetings import sync_calendar_event
from quartiersnetz.conferences.models import (
    ActionItem,
    AgendaItem,
    Conference,
    DatePoll,
    Meeting,
    Membership,
    Minutes,
    PollOption,
    Registration,
    Role,
)
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_zone
from quartiersnetz.demo.hattingen import DEMO_MARK, read
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

UMBRELLA = {
    "name": "Dachrunde der Stadtteilkonferenzen",
    "slug": "dachrunde",
    "districts": [],
}
# The conferences' addresses: the district's slug ("EOBS" for the four southern ones).
SLUGS = {
    "Stadtteilkonferenz Welper": "welper",
    "Stadtteilkonferenz Winz-Baak": "winz-baak",
    "Stadtteilkonferenz Hattingen-Mitte": "mitte",
    "Stadtteilkonferenz Holthausen": "holthausen",
    "Stadtteilkonferenz Blankenstein": "blankenstein",
    "Stadtteilkonferenz EOBS": "eobs",
}
# Who takes part, besides the city's district development (moderating) and the
# housing cooperative, the senior citizens' council and the council, who are everywhere.
LOCAL_MEMBERS = {
    "welper": [
        "jugendtreff-welper",
        "henrichshuette",
        "gesamtschule",
        "grundschule-welper",
        "ev-kirchengemeinde-welper",
        "sc-welper",
        "awo-welper",
    ],
    "winz-baak": ["sv-winz-baak", "ruderclub", "buergerverein-winz-baak", "umweltgruppe-ruhrauen"],
    "mitte": [
        "stadtteilbuero-suedstadt",
        "stadtbibliothek",
        "vhs",
        "jugendzentrum-holschentor",
        "ev-kirchengemeinde-hattingen",
        "kath-st-peter-und-paul",
        "werbegemeinschaft-altstadt",
        "heimatverein-hattingen",
        "drk-hattingen",
    ],
    "holthausen": ["grundschule-holthausen", "nachbarschaft-holthausen", "awo-welper"],
    "blankenstein": [
        "buergergesellschaft-blankenstein",
        "stadtmuseum",
        "ev-kirchengemeinde-blankenstein",
        "tus-blankenstein",
        "foerderverein-gethmannscher-garten",
    ],
    "eobs": [
        "heimatverein-elfringhausen",
        "landfrauen-bredenscheid",
        "dorfgemeinschaft-oberstueter",
        "sus-niederbonsfeld",
    ],
    "dachrunde": [
        "freiwilligenagentur",
        "buergergesellschaft-blankenstein",
        "buergerverein-winz-baak",
        "nachbarschaft-holthausen",
        "werbegemeinschaft-altstadt",
        "heimatverein-elfringhausen",
    ],
}
EVERYWHERE = ["hwg", "seniorenbeirat", "rat-der-stadt"]
MODERATOR = ("Sabine Quartier", "stadt-quartiersentwicklung")
# Where the conferences meet (often the housing cooperative's rooms).
PLACES = {
    "welper": "gemeindehaus-welper",
    "winz-baak": "begegnungsstaette-winz-baak",
    "mitte": "buergerzentrum-holschentor",
    "holthausen": "hwg-gemeinschaftsraum-holthausen",
    "blankenstein": "vereinsraum-blankenstein",
    "eobs": "dorfgemeinschaftshaus-bredenscheid",
    "dachrunde": "rathaus",
}
FIRST_NAMES = [
    "Anna",
    "Bernd",
    "Carla",
    "Dieter",
    "Elif",
    "Frank",
    "Gabi",
    "Hakan",
    "Ines",
    "Jens",
    "Katrin",
    "Lutz",
    "Maria",
    "Nils",
    "Olga",
    "Peter",
    "Rosa",
    "Stefan",
    "Tanja",
    "Uwe",
    "Vera",
    "Wolfgang",
    "Yasemin",
    "Zoran",
]
LAST_NAMES = [
    "Becker",
    "Schulte",
    "Hoffmann",
    "Kaya",
    "Wagner",
    "Krüger",
    "Neumann",
    "Yilmaz",
    "Schröder",
    "Brinkmann",
    "Kowalski",
    "Vogel",
    "Hartmann",
    "Özdemir",
    "Lange",
    "Schmitz",
    "Wiegand",
    "Berger",
]
# A meeting's agenda: (title, presenter, minutes, public, sub-items)
AGENDA = [
    ("Begrüßung und Protokoll der letzten Sitzung", "Quartiersentwicklung", 10, True, []),
    ("Berichte aus den Einrichtungen und Vereinen", "", 30, True, []),
    (
        "Wo drückt der Schuh? Anliegen aus dem Quartier",
        "",
        30,
        True,
        [
            ("Spielplatz und Treffpunkt am Quartiersplatz", "hwg eG", 15),
            ("Sichere Schulwege", "Grundschule", 15),
        ],
    ),
    ("Planung des Stadtteilfests", "", 20, True, []),
    ("Verschiedenes", "", 10, True, []),
    # The internal part comes last, so the public agenda is numbered without gaps.
    ("Förderanträge und Budget des Verfügungsfonds", "Quartiersentwicklung", 15, False, []),
]
UMBRELLA_AGENDA = [
    ("Begrüßung", "Quartiersentwicklung", 5, True, []),
    ("Berichte aus den Stadtteilkonferenzen", "", 30, True, []),
    ("Terminabstimmung der Feste im nächsten Jahr (Jahresplanung)", "", 40, True, []),
    ("Kooperationsprojekte über Stadtteile hinweg", "", 30, True, []),
    ("Verschiedenes", "", 10, True, []),
]
MINUTES_TEXT = {
    0: "Das Protokoll der letzten Sitzung wurde ohne Änderungen genehmigt.",
    1: "Die Einrichtungen berichteten über ihre Angebote im Quartier; "
    "die Bibliothek sucht Vorlesepatinnen und -paten.",
    2: "Mehrere Anwohnerinnen wünschen sich einen Treffpunkt mit Sitzbänken. "
    "Die hwg prüft den Quartiersplatz.",
    3: "Das Stadtteilfest soll wieder im Juni stattfinden; der Termin wird mit der "
    "Dachrunde abgestimmt.",
    4: "Keine weiteren Punkte.",
    5: "Zwei Anträge an den Verfügungsfonds wurden befürwortet.",
}


@dataclass
class Counts:
    conferences: int = 0
    members: int = 0
    meetings: int = 0

    def line(self):
        return (
            f"Conferences: {Conference.objects.count()} (created now: {self.conferences}, "
            f"with {self.members} members and {self.meetings} meetings)."
        )


def _person(number):
    return f"{FIRST_NAMES[number % len(FIRST_NAMES)]} {LAST_NAMES[(number * 7) % len(LAST_NAMES)]}"


def _meeting_start(today, months_ahead, weekday, hour=17):
    """The second <weekday> of the month months_ahead of today's, at hour (local)."""
    month_index = today.year * 12 + today.month - 1 + months_ahead
    first = dt.date(month_index // 12, month_index % 12 + 1, 1)
    day = first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=local_zone())


def _add_members(conference, slug, organizations, counts, start_number):
    since = (
        dt.date(2010, 2, 1) if conference.kind == Conference.Kind.DISTRICT else dt.date(2020, 7, 1)
    )
    name, organization = MODERATOR
    members = [
        Membership(
            conference=conference,
            name=name,
            email="quartiersentwicklung@example.org",
            on_behalf_of=organizations[organization],
            role=Role.MODERATOR,
            start_date=since,
            show_contact=True,
            phone="02324 204-0",
        )
    ]
    for offset, key in enumerate(EVERYWHERE + LOCAL_MEMBERS[slug]):
        number = start_number + offset
        person = _person(number)
        members.append(
            Membership(
                conference=conference,
                name=person,
                email=f"{slugify(person.replace('ü', 'ue').replace('ö', 'oe'))}@example.org",
                on_behalf_of=organizations[key],
                role=Role.MEMBER,
                start_date=since + dt.timedelta(days=90 * (number % 20)),
                show_contact=number % 3 == 0,
            )
        )
    citizen = _person(start_number + 40)
    members.append(
        Membership(
            conference=conference, name=citizen, role=Role.GUEST, start_date=dt.date(2025, 3, 1)
        )
    )
    Membership.objects.bulk_create(members)
    counts.members += len(members)
    return list(conference.memberships.order_by("pk"))


def _agenda(meeting, template):
    items = []
    for position, (title, presenter, minutes, public, children) in enumerate(template, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=position,
            title=title,
            presenter=presenter,
            duration_minutes=minutes,
            is_public=public,
        )
        items.append(item)
        for child_position, (child_title, child_presenter, child_minutes) in enumerate(children, 1):
            AgendaItem.objects.create(
                meeting=meeting,
                parent=item,
                position=child_position,
                title=child_title,
                presenter=child_presenter,
                duration_minutes=child_minutes,
            )
    return items


def _write_minutes(meeting, items, state, moderator):
    for index, item in enumerate(items):
        item.minutes = MINUTES_TEXT.get(index, "")
        if index == 3:
            item.decision = "Das Stadtteilfest findet am zweiten Juni-Samstag statt."
        item.save(update_fields=["minutes", "decision"])
    now = timezone.now()
    minutes = Minutes.objects.create(
        meeting=meeting,
        state=state,
        notes=(
            "Anwesend waren Vertreterinnen und Vertreter von Vereinen, Schulen, Kirchen und "
            f"der hwg sowie Bürgerinnen und Bürger. {DEMO_MARK}"
        ),
        sent_at=now if state != Minutes.State.DRAFT else None,
        approved_at=now if state in (Minutes.State.APPROVED, Minutes.State.PUBLISHED) else None,
        published_at=now if state == Minutes.State.PUBLISHED else None,
    )
    return minutes


def _meetings(conference, slug, members, places, today, counts):
    umbrella = conference.kind == Conference.Kind.UMBRELLA
    weekday = list(PLACES).index(slug) % 4  # Monday to Thursday
    months = (-9, -3, 3, 9) if umbrella else (-7, -4, -1, 2, 5, 8)
    template = UMBRELLA_AGENDA if umbrella else AGENDA
    moderator = members[0]
    past = [m for m in months if m < 0]
    for months_ahead in months:
        start = _meeting_start(today, months_ahead, weekday)
        is_past = start.date() < today
        latest_past = months_ahead == past[-1]
        if is_past:
            state = Meeting.State.HELD if latest_past else Meeting.State.MINUTES_APPROVED
        else:
            state = (
                Meeting.State.INVITED
                if months_ahead == min(m for m in months if m > 0)
                else Meeting.State.PLANNED
            )
        meeting = Meeting.objects.create(
            conference=conference,
            start=start,
            end=start + dt.timedelta(hours=2),
            place=places[PLACES[slug]],
            room="Gemeinschaftsraum" if slug == "holthausen" else "",
            is_public=True,
            state=state,
            capacity=30 if not umbrella else None,
            note=f"Bürgerinnen und Bürger sind herzlich eingeladen. {DEMO_MARK}",
            invited_at=timezone.now() if state != Meeting.State.PLANNED else None,
        )
        counts.meetings += 1
        items = _agenda(meeting, template)
        if is_past:
            minutes_state = Minutes.State.IN_REVIEW if latest_past else Minutes.State.PUBLISHED
            _write_minutes(meeting, items, minutes_state, moderator)
            _action_items(conference, meeting, items, members, today, done=not latest_past)
        elif state == Meeting.State.INVITED and slug == "holthausen":
            _registrations(meeting)
        sync_calendar_event(meeting)


def _action_items(conference, meeting, items, members, today, *, done):
    hwg = next(m for m in members if m.on_behalf_of and m.on_behalf_of.slug == "hwg")
    local = members[-2]
    ActionItem.objects.bulk_create(
        [
            ActionItem(
                conference=conference,
                meeting=meeting,
                agenda_item=items[2],
                title="Quartiersplatz prüfen: Sitzbänke und Spielgeräte",
                assignee=hwg,
                organization=hwg.on_behalf_of,
                due_date=today + dt.timedelta(days=21 if not done else -30),
                status=ActionItem.Status.DONE if done else ActionItem.Status.IN_PROGRESS,
                done_at=timezone.now() if done else None,
            ),
            ActionItem(
                conference=conference,
                meeting=meeting,
                agenda_item=items[3],
                title="Termin des Stadtteilfests in der Dachrunde anmelden",
                assignee=members[0],
                due_date=today + dt.timedelta(days=-5 if not done else -60),
                status=ActionItem.Status.OPEN if not done else ActionItem.Status.DONE,
                done_at=timezone.now() if done else None,
            ),
            ActionItem(
                conference=conference,
                meeting=meeting,
                agenda_item=items[1],
                title="Vorlesepatenschaften bekannt machen",
                assignee=local,
                organization=local.on_behalf_of,
                due_date=today + dt.timedelta(days=45),
                status=ActionItem.Status.OPEN,
            ),
        ]
    )


def _registrations(meeting):
    now = timezone.now()
    for number, (name, needs) in enumerate(
        [
            ("Erika Nachbarin", ""),
            ("Jonas Anwohner", "Ich komme mit dem Rollator."),
            ("Leyla Bürgerin", ""),
        ]
    ):
        Registration.objects.create(
            meeting=meeting,
            name=name,
            email=f"buerger{number + 1}@example.org",
            accessibility_needs=needs,
            status=Registration.Status.CONFIRMED,
            confirmed_at=now - dt.timedelta(hours=number),
        )


def _poll(conference, places, today):
    """An open date poll of the umbrella round for its autumn meeting."""
    poll = DatePoll.objects.create(
        conference=conference,
        title="Herbstsitzung der Dachrunde",
        note=f"Bitte tragt bis Monatsende ein, wann ihr könnt. {DEMO_MARK}",
        place=places[PLACES["dachrunde"]],
    )
    for weeks in (6, 7, 8):
        start = dt.datetime.combine(
            today + dt.timedelta(weeks=weeks, days=(1 - today.weekday()) % 7),
            dt.time(17),
            tzinfo=local_zone(),
        )
        PollOption.objects.create(poll=poll, start=start, end=start + dt.timedelta(hours=2))


@transaction.atomic
def load_conferences(today):
    """Create the conferences that are missing, with members and meetings (after the
    districts, organisations and places of hattingen.load); returns Counts."""
    districts = {district.slug: district for district in District.objects.all()}
    organizations = {organization.slug: organization for organization in Organization.objects.all()}
    places = {place.slug: place for place in Place.objects.all()}
    counts = Counts()
    rows = [
        {**row, "slug": SLUGS[row["name"]]} for row in read("hattingen.json")["conferences"]
    ] + [UMBRELLA]
    existing = set(Conference.objects.values_list("slug", flat=True))
    for number, row in enumerate(rows):
        if row["slug"] in existing:
            continue
        umbrella = row is UMBRELLA
        conference = Conference.objects.create(
            name=row["name"],
            slug=row["slug"],
            kind=Conference.Kind.UMBRELLA if umbrella else Conference.Kind.DISTRICT,
            description=(
                "Die Dachrunde bringt die Stadtteilkonferenzen zusammen: Kooperationsprojekte "
                "über Stadtteile hinweg und die Abstimmung der Festtermine."
                if umbrella
                else "Vereine, Einrichtungen, Politik, Verwaltung und die hwg treffen sich "
                "mit Bürgerinnen und Bürgern, um zu besprechen, wo im Stadtteil der Schuh drückt. "
                "Geleitet von der Quartiersentwicklung der Stadt."
            )
            + f" {DEMO_MARK}",
            contact_email="quartiersentwicklung@example.org",
        )
        conference.districts.set([districts[slug] for slug in row["districts"]])
        counts.conferences += 1
        members = _add_members(conference, row["slug"], organizations, counts, number * 11)
        _meetings(conference, row["slug"], members, places, today, counts)
        if umbrella:
            _poll(conference, places, today)
    return counts
