"""The benchmark's data set: Hattingen with 100,000 events and about a million occurrences.

Date holds (10,000 over the coming 18 months) are added by ensure_holds(), also to a
data set generated before them.

Import this module only after django.setup(). The data is generated in one
transaction (complete or absent), deterministically from a seed, relative to
the day it is generated: five years back and five years ahead.
"""

import datetime as dt
import hashlib
import json
import random
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils.text import slugify
from psycopg import sql

from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_today, local_zone, start_of_day
from quartiersnetz.events import domain, recurrence
from quartiersnetz.events.models import Audience, Category, Event, Occurrence, Status, Visibility
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

ROOT = Path(__file__).resolve().parents[2]
TOWN_DATA = [
    ROOT / "src" / "quartiersnetz" / "demo" / "data" / "hattingen.json",
    Path("/work/shared/data/hattingen.json"),
]

SEED = 2026
EVENT_COUNT = 100_000
RECURRING_SHARE = 0.10
YEARS_BACK = YEARS_AHEAD = 5
ORGANIZATION_COUNT = 200
PLACE_COUNT = 500
EVENT_BATCH = 2_000
OCCURRENCE_BATCH = 10_000
# Date holds: organisers plan festivals up to 18 months ahead.
HOLD_COUNT = 10_000
HOLD_SEED = 4
HOLD_MONTHS = 18

CATEGORIES = [
    "Musik",
    "Theater und Kino",
    "Kunst und Ausstellungen",
    "Literatur",
    "Bildung und Vorträge",
    "Sport und Bewegung",
    "Kinder und Familie",
    "Jugend",
    "Senioren",
    "Märkte und Feste",
    "Umwelt und Natur",
    "Geschichte und Stadtführungen",
    "Beratung und Soziales",
    "Politik und Beteiligung",
    "Begegnung",
]

# (title, categories, first start hour, last start hour, duration in hours, audience)
KINDS = [
    ("Flohmarkt", ["Märkte und Feste"], 8, 10, 6, Audience.EVERYONE),
    ("Wochenmarkt", ["Märkte und Feste"], 7, 8, 5, Audience.EVERYONE),
    ("Konzert", ["Musik"], 17, 20, 2, Audience.EVERYONE),
    ("Chorprobe", ["Musik"], 18, 20, 2, Audience.ADULTS),
    ("Orgelmusik", ["Musik"], 11, 17, 1, Audience.EVERYONE),
    ("Lesung", ["Literatur"], 18, 20, 2, Audience.ADULTS),
    ("Vorlesestunde", ["Literatur", "Kinder und Familie"], 10, 16, 1, Audience.CHILDREN),
    ("Vortrag", ["Bildung und Vorträge"], 18, 20, 2, Audience.ADULTS),
    ("Sprachcafé", ["Bildung und Vorträge", "Begegnung"], 15, 18, 2, Audience.EVERYONE),
    ("Workshop", ["Bildung und Vorträge"], 10, 18, 3, Audience.ADULTS),
    ("Theaterabend", ["Theater und Kino"], 19, 20, 3, Audience.EVERYONE),
    ("Kinoabend", ["Theater und Kino"], 19, 21, 2, Audience.EVERYONE),
    ("Ausstellung", ["Kunst und Ausstellungen"], 10, 14, 6, Audience.EVERYONE),
    ("Malkurs", ["Kunst und Ausstellungen"], 9, 18, 2, Audience.EVERYONE),
    ("Lauftreff", ["Sport und Bewegung"], 7, 19, 1, Audience.EVERYONE),
    ("Kinderturnen", ["Sport und Bewegung", "Kinder und Familie"], 15, 17, 1, Audience.CHILDREN),
    ("Yoga im Park", ["Sport und Bewegung"], 8, 18, 1, Audience.ADULTS),
    ("Spieleabend", ["Kinder und Familie", "Begegnung"], 17, 19, 3, Audience.FAMILIES),
    ("Krabbelgruppe", ["Kinder und Familie"], 9, 10, 2, Audience.FAMILIES),
    ("Jugendtreff", ["Jugend"], 16, 18, 3, Audience.YOUTH),
    ("Seniorentreff", ["Senioren", "Begegnung"], 14, 15, 2, Audience.SENIORS),
    ("Erzählcafé", ["Senioren", "Geschichte und Stadtführungen"], 14, 15, 2, Audience.SENIORS),
    ("Repair-Café", ["Umwelt und Natur", "Begegnung"], 10, 14, 3, Audience.EVERYONE),
    ("Kleidertausch", ["Umwelt und Natur"], 11, 14, 3, Audience.EVERYONE),
    ("Müllsammelaktion", ["Umwelt und Natur"], 9, 10, 3, Audience.EVERYONE),
    ("Stadtführung", ["Geschichte und Stadtführungen"], 11, 15, 2, Audience.EVERYONE),
    ("Beratungsstunde", ["Beratung und Soziales"], 9, 15, 2, Audience.ADULTS),
    ("Bürgersprechstunde", ["Politik und Beteiligung"], 16, 18, 2, Audience.ADULTS),
    ("Stadtteilkonferenz", ["Politik und Beteiligung"], 17, 18, 2, Audience.EVERYONE),
    ("Stammtisch", ["Begegnung"], 18, 20, 3, Audience.ADULTS),
    ("Nachbarschaftsfest", ["Märkte und Feste", "Begegnung"], 14, 15, 5, Audience.EVERYONE),
]
QUALIFIERS = [
    "",
    "für Anfänger",
    "am Abend",
    "mit Musik",
    "für die ganze Familie",
    "an der Ruhr",
    "in der Altstadt",
    "im Grünen",
    "zum Mitmachen",
    "mit Kaffee und Kuchen",
    "für Neugierige",
    "am Wochenende",
]
SENTENCES = [
    "Alle sind **herzlich willkommen**, eine Anmeldung ist nicht nötig.",
    "Wir treffen uns am Eingang und gehen gemeinsam los.",
    "Für Getränke und einen kleinen Imbiss ist gesorgt.",
    "Bitte bringen Sie bequeme Schuhe und wetterfeste Kleidung mit.",
    "Die Veranstaltung findet bei jedem Wetter statt.",
    "Der Eintritt ist frei, um eine Spende wird gebeten.",
    "Kinder unter zwölf Jahren kommen in Begleitung eines Erwachsenen.",
    "Der Raum ist über einen Aufzug erreichbar.",
    "Im Anschluss ist Zeit für Gespräche in gemütlicher Runde.",
    "Veranstaltet in Zusammenarbeit mit der Quartiersentwicklung der Stadt Hattingen.",
    "Treffpunkt ist der Untermarkt vor dem Bügeleisenhaus.",
    "Der Weg führt an der Ruhr entlang bis zur Schleuse.",
    "Mit Blick auf die Isenburg und das Ruhrtal.",
    "Ein Nachmittag rund um die Geschichte der Henrichshütte.",
    "Die Gruppe trifft sich seit vielen Jahren und freut sich über neue Gesichter.",
    "Material wird gestellt, eigene Werkzeuge dürfen gern mitgebracht werden.",
    "Die Teilnehmerzahl ist begrenzt.",
    "Parkplätze gibt es in der Nähe, der Bus hält direkt vor der Tür.",
    "Wir sammeln Ideen für den Stadtteil und laden zum Mitreden ein.",
    "Ehrenamtliche erklären, wie man selbst mitmachen kann.",
    "Gezeigt werden Fotografien aus Blankenstein und Welper.",
    "Es spielt das Jugendorchester der Musikschule.",
    "Auf dem Programm stehen Lieder aus dem Ruhrgebiet.",
    "Die Bibliothek hält passende Bücher zum Ausleihen bereit.",
    "Eine Kinderbetreuung wird angeboten.",
    "Gebärdensprachdolmetschung auf Anfrage.",
    "Der Erlös kommt dem Förderverein der Grundschule zugute.",
    "Wer mag, bringt etwas für das gemeinsame Buffet mit.",
    "Schwerpunkt sind Fragen rund um Wohnen, Miete und Nebenkosten.",
    "Die Schulenburg öffnet dafür ihre Türen.",
]
LIST_ITEMS = ["Kaffee und Kuchen", "Musik", "Spiele für Kinder", "Infostände", "Führungen"]
PLACE_KINDS = [
    "Gemeindehaus",
    "Bürgerzentrum",
    "Turnhalle",
    "Grundschule",
    "Stadtteilbibliothek",
    "Vereinsheim",
    "Jugendtreff",
    "Café",
    "Begegnungsstätte",
    "Sportplatz",
    "Kita",
    "Gemeinschaftsraum",
    "Museum",
    "Werkstatt",
    "Park",
]
STREETS = [
    "Bahnhofstraße",
    "Heggerstraße",
    "Große Weilstraße",
    "Augustastraße",
    "Talstraße",
    "Blankensteiner Straße",
    "Marxstraße",
    "Im Bruchfeld",
    "Werksstraße",
    "Nierenhofer Straße",
    "Bredenscheider Straße",
    "Felderbachstraße",
    "Holthauser Straße",
    "Langenberger Straße",
    "Kirchplatz",
    "Ruhrdeich",
    "Isenbergstraße",
    "Thingstraße",
    "Am Wildhagen",
    "Rathausplatz",
]
ORGANIZATION_KINDS = [
    ("Heimatverein", Organization.Type.ASSOCIATION),
    ("Bürgerverein", Organization.Type.ASSOCIATION),
    ("Turnverein", Organization.Type.ASSOCIATION),
    ("Männergesangverein", Organization.Type.ASSOCIATION),
    ("Förderverein der Grundschule", Organization.Type.ASSOCIATION),
    ("Kirchengemeinde", Organization.Type.INSTITUTION),
    ("Familienzentrum", Organization.Type.INSTITUTION),
    ("Seniorenbüro", Organization.Type.INSTITUTION),
    ("Ortsverband", Organization.Type.POLITICS),
    ("Nachbarschaftsinitiative", Organization.Type.OTHER),
    ("Umweltgruppe", Organization.Type.ASSOCIATION),
    ("Mieterverein", Organization.Type.HOUSING),
]
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def log(message):
    print(message, flush=True)


# The database itself, managed through psycopg on the server before Django connects.


def database_url(base_url, name):
    """base_url with its database replaced by name."""
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def database_name(url):
    return urlsplit(url).path.lstrip("/")


def prepare_database(server_url, name, *, rebuild=False):
    """Create the database name on the server of server_url; drop it first on rebuild."""
    connection.close()
    try:
        server = psycopg.connect(server_url, autocommit=True)
    except psycopg.OperationalError as error:
        raise SystemExit(f"PostgreSQL is not reachable at {server_url}: {error}") from None
    with server:
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        quoted = sql.Identifier(name)
        if exists and rebuild:
            log(f"Dropping database {name}")
            server.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(quoted))
            exists = None
        if not exists:
            log(f"Creating database {name}")
            server.execute(sql.SQL("CREATE DATABASE {}").format(quoted))


def vacuum():
    """What autovacuum does in production: statistics for the planner and the visibility
    map that index-only scans (the year board's covering index) rely on."""
    log("Vacuuming and analysing tables")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


def ensure_data(server_url, name, *, rebuild=False, events=EVENT_COUNT, seed=SEED):
    """Make the bench database hold the data set; returns generation seconds or None."""
    prepare_database(server_url, name, rebuild=rebuild)
    marker = read_marker()
    wanted = {"events": events, "seed": seed}
    if marker is not None:
        changed = changed_migrations(marker["migrations"])
        if changed:
            log(f"Migrations changed since the data was generated ({', '.join(changed)}).")
        elif {key: marker[key] for key in wanted} != wanted:
            log(
                f"The bench data was generated with {marker['events']:,} events, seed "
                f"{marker['seed']}."
            )
        else:
            call_command("migrate", interactive=False, verbosity=0)
            # Migrations added since are applied now; record them, so that editing
            # one of them later is noticed too.
            write_marker({**marker, "migrations": migration_hashes()})
            vacuum()
            return None
    if marker is not None or table_exists("django_migrations"):
        # Stale or incomplete: start from an empty database.
        log("Regenerating the bench data.")
        prepare_database(server_url, name, rebuild=True)
    call_command("migrate", interactive=False, verbosity=0)
    started = time.monotonic()
    generate(events=events, seed=seed)
    vacuum()
    seconds = time.monotonic() - started
    write_marker({**wanted, "migrations": migration_hashes(), "seconds": round(seconds)})
    log(f"Data generated in {seconds:.0f} s")
    return seconds


# The marker: a table of this benchmark only, written once the data set is complete.
# It records the project's migration files, because they may still be edited in place
# before the first release; an old schema would make the figures meaningless.

MARKER_TABLE = "bench_data_set"


def table_exists(table):
    return table in connection.introspection.table_names()


def read_marker():
    if not table_exists(MARKER_TABLE):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    if row is None:
        return None
    return row[0] if isinstance(row[0], dict) else json.loads(row[0])


def write_marker(data):
    data = {"generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), **data}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (data jsonb NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (data) VALUES (%s)", [json.dumps(data)])


def migration_hashes():
    """{app.migration: sha256 of its file} for the project's migrations on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    hashes = {}
    for (app, name), migration in loader.disk_migrations.items():
        module = sys.modules[migration.__module__]
        if module.__name__.startswith("quartiersnetz."):
            content = Path(module.__file__).read_bytes()
            hashes[f"{app}.{name}"] = hashlib.sha256(content).hexdigest()
    return hashes


def changed_migrations(recorded):
    """The recorded migrations whose files changed or vanished (new ones just apply)."""
    current = migration_hashes()
    return sorted(key for key, digest in recorded.items() if current.get(key) != digest)


def generated_at():
    marker = read_marker()
    return marker and marker.get("generated_at")


# Generation.


def town_facts():
    for path in TOWN_DATA:
        if path.exists():
            return json.loads(path.read_text(encoding="utf-8"))
    raise SystemExit(f"Town data not found; looked in {', '.join(map(str, TOWN_DATA))}")


def unique_slug(text, taken):
    base = slugify(text)[:90]
    slug, number = base, 1
    while slug in taken:
        number += 1
        slug = f"{base}-{number}"
    taken.add(slug)
    return slug


class Generator:
    def __init__(self, seed, event_count):
        self.rng = random.Random(seed)
        self.event_count = event_count
        self.today = local_today()
        self.first_day = self.today - dt.timedelta(days=365 * YEARS_BACK + YEARS_BACK // 4)
        self.last_day = self.today + dt.timedelta(days=365 * YEARS_AHEAD + YEARS_AHEAD // 4)
        # Series are expanded to the end of the data set, beyond the rolling horizon,
        # so that the extend_horizon task has nothing to do.
        self.until = start_of_day(self.last_day)
        self.zone = local_zone()

    def uuid(self):
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def reference_data(self):
        facts = town_facts()
        districts = District.objects.bulk_create(
            District(
                name=item["name"],
                slug=item["slug"],
                population=item.get("population"),
                latitude=f"{item['centre'][0]:.6f}",
                longitude=f"{item['centre'][1]:.6f}",
            )
            for item in facts["districts"]
        )
        # Larger districts have more places, but every district has some.
        weights = [(district.population or 100) ** 0.5 for district in districts]
        categories = Category.objects.bulk_create(
            Category(name=name, slug=slugify(name)) for name in CATEGORIES
        )
        self.categories = {category.name: category for category in categories}
        taken = set()
        organizations = [
            Organization(
                name=item["name"],
                slug=unique_slug(item["name"], taken),
                type=item["type"],
                address=item.get("address", ""),
                district=districts[0],
            )
            for item in facts.get("organisations", [])
        ]
        names = {organization.name for organization in organizations}
        while len(organizations) < ORGANIZATION_COUNT:
            kind, org_type = self.rng.choice(ORGANIZATION_KINDS)
            district = self.rng.choices(districts, weights)[0]
            name = f"{kind} {district.name}"
            if name in names:
                name = f"{name} {self.rng.choice(STREETS)}"
            if name in names:
                continue
            names.add(name)
            organizations.append(
                Organization(
                    name=name,
                    slug=unique_slug(name, taken),
                    type=org_type,
                    district=district,
                    description=" ".join(self.rng.sample(SENTENCES, 3)),
                    website=f"https://{slugify(name)}.example",
                )
            )
        self.organizations = Organization.objects.bulk_create(organizations)
        places = []
        for _number in range(PLACE_COUNT):
            district = self.rng.choices(districts, weights)[0]
            street = self.rng.choice(STREETS)
            name = f"{self.rng.choice(PLACE_KINDS)} {street}"
            latitude = float(district.latitude) + self.rng.uniform(-0.01, 0.01)
            longitude = float(district.longitude) + self.rng.uniform(-0.01, 0.01)
            places.append(
                Place(
                    name=name,
                    slug=unique_slug(f"{name} {district.slug}", taken),
                    street=f"{street} {self.rng.randint(1, 120)}",
                    postcode="45525" if self.rng.random() < 0.7 else "45527",
                    district=district,
                    latitude=f"{latitude:.6f}",
                    longitude=f"{longitude:.6f}",
                    step_free=self.rng.random() < 0.6,
                    accessible_toilet=self.rng.random() < 0.4,
                    hearing_loop=self.rng.random() < 0.1,
                )
            )
        self.places = Place.objects.bulk_create(places)

    def random_day(self, first=None, last=None):
        first, last = first or self.first_day, last or self.last_day
        return first + dt.timedelta(days=self.rng.randint(0, (last - first).days - 1))

    def local(self, day, hour, minute=0):
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.zone)

    def description(self, kind):
        sentences = self.rng.sample(SENTENCES, self.rng.randint(3, 6))
        text = " ".join(sentences)
        if self.rng.random() < 0.3:
            items = "\n".join(f"- {item}" for item in self.rng.sample(LIST_ITEMS, 3))
            text = f"{text}\n\nAuf dem Programm:\n\n{items}"
        return f"{kind}: {text}"

    def recurrence(self, start):
        """A rule and its excluded dates for a series starting at start."""
        weekday = WEEKDAYS[start.weekday()]
        roll = self.rng.random()
        if roll < 0.45:
            last = start.date() + dt.timedelta(days=self.rng.randint(240, 1700))
            rule = f"FREQ=WEEKLY;BYDAY={weekday};UNTIL={last:%Y%m%d}T235959"
        elif roll < 0.60:
            rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
        elif roll < 0.85:
            nth = min(5, (start.day - 1) // 7 + 1)
            rule = f"FREQ=MONTHLY;BYDAY={nth if nth < 5 else -1}{weekday}"
        elif roll < 0.95:
            rule = f"FREQ=WEEKLY;BYDAY={weekday};COUNT={self.rng.randint(6, 20)}"
        else:
            rule = "FREQ=YEARLY"
        exceptions = ""
        if self.rng.random() < 0.2:
            # Summer break of a weekly group.
            year = start.year + self.rng.randint(0, 2)
            summer = dt.date(year, 7, self.rng.randint(1, 20))
            exceptions = "\n".join(
                (summer + dt.timedelta(days=7 * week)).isoformat() for week in range(3)
            )
        return recurrence.normalise_rule(rule), exceptions

    def event(self, recurring):
        rng = self.rng
        kind, category_names, first_hour, last_hour, hours, audience = rng.choice(KINDS)
        place = rng.choice(self.places) if rng.random() < 0.95 else None
        qualifier = rng.choice(QUALIFIERS)
        where = place.district.name if place and rng.random() < 0.5 else ""
        title = " ".join(part for part in [kind, qualifier, f"in {where}" if where else ""] if part)
        day = self.random_day()
        all_day = not recurring and rng.random() < 0.05
        if all_day:
            start = self.local(day, 0)
            end = self.local(day + dt.timedelta(days=rng.randint(1, 3)), 0)
        else:
            start = self.local(day, rng.randint(first_hour, last_hour), rng.choice([0, 0, 15, 30]))
            end = start + dt.timedelta(hours=hours, minutes=rng.choice([0, 0, 30]))
        rule, exceptions = self.recurrence(start) if recurring else ("", "")
        status_roll = rng.random()
        status = (
            Status.PUBLISHED
            if status_roll < 0.90
            else Status.CANCELLED
            if status_roll < 0.93
            else Status.POSTPONED
            if status_roll < 0.94
            else Status.SUBMITTED
            if status_roll < 0.97
            else Status.DRAFT
        )
        is_free = rng.random() < 0.6
        event = Event(
            uid=self.uuid(),
            title=title,
            teaser=rng.choice(SENTENCES).replace("**", ""),
            description=self.description(kind),
            start=start,
            end=end,
            all_day=all_day,
            recurrence_rule=rule,
            recurrence_exceptions=exceptions,
            place=place,
            online_url="" if place else "https://meet.example/quartiersnetz",
            contact_name="Quartiersbüro" if rng.random() < 0.5 else "",
            contact_email="kontakt@quartiersnetz.example" if rng.random() < 0.5 else "",
            audience=audience,
            is_free=is_free,
            price="" if is_free else f"{rng.randint(2, 15)} €",
            expected_attendance=rng.choice([None, 10, 20, 50, 100, 300, 1000, 5000]),
            status=status,
            visibility=Visibility.PUBLIC if rng.random() < 0.95 else Visibility.INTERNAL,
            is_highlight=rng.random() < 0.01,
            previous_start=start - dt.timedelta(days=7) if status == Status.POSTPONED else None,
            materialised_until=self.until if rule else None,
        )
        categories = [self.categories[name] for name in category_names]
        if rng.random() < 0.2:
            categories.append(rng.choice(list(self.categories.values())))
        organizers = rng.sample(self.organizations, rng.choice([1, 1, 1, 2]))
        return event, set(categories), organizers

    def occurrences(self, event):
        """The event's rows, built by the same domain code that materialises them."""
        rows = domain.new_occurrences(event, domain.expected_slots(event, self.until))
        if event.is_recurring:
            for row in rows:
                if self.rng.random() < 0.005:
                    row.cancelled = True
        return rows

    def run(self):
        started = time.monotonic()
        self.reference_data()
        recurring_every = round(1 / RECURRING_SHARE)
        category_through = Event.categories.through
        organizer_through = Event.organizers.through
        pending = []
        occurrence_count = 0
        done = 0
        while done < self.event_count:
            size = min(EVENT_BATCH, self.event_count - done)
            built = [self.event((done + number) % recurring_every == 0) for number in range(size)]
            events = Event.objects.bulk_create([event for event, _c, _o in built])
            category_through.objects.bulk_create(
                category_through(event_id=event.pk, category_id=category.pk)
                for event, categories, _organizers in built
                for category in categories
            )
            organizer_through.objects.bulk_create(
                organizer_through(event_id=event.pk, organization_id=organization.pk)
                for event, _categories, organizers in built
                for organization in organizers
            )
            for event in events:
                pending.extend(self.occurrences(event))
                if len(pending) >= OCCURRENCE_BATCH:
                    Occurrence.objects.bulk_create(pending, batch_size=OCCURRENCE_BATCH)
                    occurrence_count += len(pending)
                    pending = []
            done += size
            log(
                f"  events {done:>7,}/{self.event_count:,}  "
                f"occurrences {occurrence_count + len(pending):>9,}  "
                f"{time.monotonic() - started:5.0f} s"
            )
        Occurrence.objects.bulk_create(pending, batch_size=OCCURRENCE_BATCH)


def generate(*, events=EVENT_COUNT, seed=SEED):
    """Fill an empty, migrated database with the data set."""
    log(
        f"Generating {events:,} events ({RECURRING_SHARE:.0%} recurring) over "
        f"{YEARS_BACK + YEARS_AHEAD} years; this takes a few minutes."
    )
    with transaction.atomic():
        with connection.cursor() as cursor:
            # A lost benchmark data set is regenerated; no need to wait for the disk.
            cursor.execute("SET LOCAL synchronous_commit TO off")
        Generator(seed, events).run()


def ensure_holds(*, count=HOLD_COUNT, seed=HOLD_SEED):
    """Add count date holds when the data set has none; returns how many were added.

    Holds are added to a data set generated before they existed, without regenerating
    it. They spread over the coming 18 months (most on weekends, a day to a week long),
    over the districts like the places, with a place for two in five, all sizes and
    audiences; a tenth have expired, a third are public.
    """
    if DateHold.objects.exists():
        return 0
    rng = random.Random(seed)
    today = local_today()
    days_ahead = HOLD_MONTHS * 365 // 12
    districts = list(District.objects.order_by("pk"))
    weights = [(district.population or 100) ** 0.5 for district in districts]
    places = {}
    for pk, district_id in Place.objects.order_by("pk").values_list("pk", "district_id"):
        places.setdefault(district_id, []).append(pk)
    organizations = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    categories = list(Category.objects.order_by("pk").values_list("pk", flat=True))
    audiences = [value for value, _label in Audience.choices]
    holds = []
    for number in range(count):
        first_day = today + dt.timedelta(days=rng.randint(1, days_ahead))
        if rng.random() < 0.7:
            first_day += dt.timedelta(days=(5 - first_day.weekday()) % 7)
        length = rng.choices([1, 2, 3, 7], weights=[45, 40, 10, 5])[0]
        last_day = first_day + dt.timedelta(days=length - 1)
        expired = rng.random() < 0.1
        expires_on = today - dt.timedelta(days=rng.randint(1, 30)) if expired else last_day
        district = rng.choices(districts, weights)[0]
        place = rng.choice(places[district.pk]) if rng.random() < 0.4 else None
        holds.append(
            DateHold(
                organization_id=rng.choice(organizations),
                title=f"{rng.choice(['Sommerfest', 'Basar', 'Jubiläum', 'Konzert', 'Markt'])} "
                f"{district.name} {number}",
                first_day=first_day,
                last_day=last_day,
                district_id=district.pk,
                place_id=place,
                audience=rng.choice(audiences),
                expected_attendance=rng.choice([None, 100, 300, 500, 1000, 2000, 5000]),
                visibility=rng.choice(["organisers", "organisers", "public"]),
                expires_on=expires_on,
            )
        )
    with transaction.atomic():
        created = DateHold.objects.bulk_create(holds, batch_size=2000)
        through = DateHold.categories.through
        through.objects.bulk_create(
            (through(datehold_id=hold.pk, category_id=rng.choice(categories)) for hold in created),
            batch_size=5000,
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE coordination_datehold")
    return len(created)


if __name__ == "__main__":
    sys.exit("Run tests/bench/run.py (make bench); it prepares Django first.")
