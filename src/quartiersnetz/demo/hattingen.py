"""Demo data for Hattingen: districts, organisations, places, categories and a year of events.

Everything is keyed on something stable (slugs; for events a UID derived from a demo
key), so a second run adds nothing and changes nothing, whatever day it runs on.
Event dates are computed from an anchor date and lie within the twelve months after
it; open-ended series end there too (UNTIL), so what is created depends only on the
anchor and the data files, not on the day the command runs.
"""

import calendar
import datetime as dt
import json
import random
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import holidays
from dateutil.easter import easter
from django.db import transaction
from django.db.models import Q

from quartiersnetz.core.models import District, SiteSettings
from quartiersnetz.core.timeutil import local_zone, start_of_day
from quartiersnetz.events import domain, recurrence
from quartiersnetz.events.models import Category, Event, Occurrence, Status, Visibility
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

DATA_DIR = Path(__file__).resolve().parent / "data"
# Demo events get the UID uuid5(DEMO_NAMESPACE, key): the same demo event, the same UID.
DEMO_NAMESPACE = uuid.UUID("5d3f0c2e-8b1a-4f6e-9c47-2a1e6b7d9f30")
SEED = "quartiersnetz-demo-hattingen"
WINDOW_DAYS = 365
WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]
DEMO_MARK = "(Demo-Daten)"
DEMO_NOTE = "_Demo-Daten: Diese Veranstaltung ist ausgedacht und findet nicht wirklich statt._"


def read(name):
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def demo_uid(key):
    return uuid.uuid5(DEMO_NAMESPACE, f"hattingen/{key}")


# Dates ---------------------------------------------------------------------------


def first_advent(year):
    """The first Sunday of Advent: the fourth Sunday before Christmas Day."""
    christmas = dt.date(year, 12, 25)
    fourth_advent = christmas - dt.timedelta(days=(christmas.weekday() + 1) % 7 or 7)
    return fourth_advent - dt.timedelta(weeks=3)


def nth_weekday(year, month, weekday, n):
    """The n-th given weekday (0 = Monday) of a month; n = -1 is the last one."""
    if n > 0:
        first = dt.date(year, month, 1)
        return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-n - 1))


def resolve(spec, year):
    """A date spec of the data files in a given year (see events.json, _about)."""
    kind, _sep, rest = spec.partition(":")
    if kind == "nth":
        month, weekday, n = rest.split(":")
        return nth_weekday(year, int(month), WEEKDAYS.index(weekday), int(n))
    if kind == "easter":
        return easter(year) + dt.timedelta(days=int(rest))
    if kind == "advent1":
        return first_advent(year) + dt.timedelta(days=int(rest))
    month, day = spec.split("-")
    return dt.date(year, int(month), int(day))


def local(day, time):
    return dt.datetime.combine(day, time, tzinfo=local_zone())


class Window:
    """The twelve months after the anchor, with the town's holidays in them."""

    def __init__(self, today):
        self.today = today
        self.end = today + dt.timedelta(days=WINDOW_DAYS)  # exclusive
        self.days = [today + dt.timedelta(days=n) for n in range(WINDOW_DAYS)]
        years = range(today.year - 1, self.end.year + 1)
        self.public_holidays = set(holidays.country_holidays("DE", subdiv="NW", years=years))
        school = holidays.country_holidays(
            "DE", subdiv="NW", years=years, categories=("school",), language="en_US"
        )
        self.school_holidays = set(school)
        self.closures = {
            "public_holidays": self.public_holidays,
            "christmas_break": {day for day, name in school.items() if name == "Christmas Break"},
            "summer_break": {day for day, name in school.items() if name == "Summer Break"},
        }

    def next(self, spec, *, days=1, last=None):
        """First and last day of the next time spec happens that has not ended by the anchor."""
        for year in (self.today.year, self.today.year + 1):
            first = resolve(spec, year)
            last_day = resolve(last, first.year) if last else first + dt.timedelta(days=days - 1)
            if last_day >= self.today:
                return first, last_day
        raise ValueError(f"No date for {spec!r} after {self.today}.")

    def series(self, rule, time, since=None, closed=()):
        """(rule, first start, excluded dates) of a series within the window.

        A rule without an end gets UNTIL at the end of the window; excluded are the
        slots that fall on the named closures (holidays, school breaks).
        """
        if "COUNT=" not in rule and "UNTIL=" not in rule:
            last_day = self.end - dt.timedelta(days=1)
            rule = f"{rule};UNTIL={last_day:%Y%m%d}T235959"
        since = since or self.today
        slots = list(recurrence.build_rule(rule, dt.datetime.combine(since, time)))
        closed_days = set().union(*(self.closures[name] for name in closed))
        open_slots = [slot for slot in slots if slot.date() not in closed_days]
        first = open_slots[0]
        excluded = sorted({slot.date() for slot in slots if slot > first} & closed_days)
        return rule, first, excluded

    def matching_days(self, weekdays, months=None, season=None, school_days=False):
        def fits(day):
            if day.weekday() not in weekdays or (months and day.month not in months):
                return False
            if season:
                md, first, last = f"{day:%m-%d}", *season
                if not (first <= md <= last if first <= last else md >= first or md <= last):
                    return False
            return not school_days or not (
                day in self.school_holidays or day in self.public_holidays
            )

        return [day for day in self.days if fits(day)]


# What to create ---------------------------------------------------------------------


@dataclass
class Plan:
    """One event to create: its model fields and its many-to-many slugs."""

    key: str
    fields: dict
    organizers: list = field(default_factory=list)
    categories: list = field(default_factory=list)


def plan_events(today, organizations, places):
    """Every demo event for the twelve months after today, as unsaved plans."""
    window = Window(today)
    data = read("events.json")
    # The grammatical article of each name, for generated sentences ("Der Heimatverein …").
    articles = {row["slug"]: row["article"] for row in read("organisations.json")["organisations"]}
    organizations = {
        slug: (organization, articles[slug]) for slug, organization in organizations.items()
    }
    plans = [_plan_listed(item, window, organizations, places) for item in data["events"]]
    for template in data["templates"]:
        plans.extend(_plan_template(template, window, organizations, places))
    return plans


def _plan_listed(item, window, organizations, places):
    """An event written out in the data file: a series, a festival or a single date."""
    time = dt.time.fromisoformat(item["time"]) if "time" in item else None
    rule, excluded = "", []
    if "rule" in item:
        since = window.next(item["date"])[0] if "date" in item else None
        rule, first, excluded = window.series(item["rule"], time, since, item.get("exclude", ()))
        start = local(first.date(), first.time())
        end, all_day = start + dt.timedelta(minutes=item["minutes"]), False
    elif time is None:
        first, last = window.next(item["date"], days=item.get("days", 1), last=item.get("last"))
        start, end, all_day = start_of_day(first), start_of_day(last + dt.timedelta(days=1)), True
    else:
        start = local(window.next(item["date"])[0], time)
        end, all_day = start + dt.timedelta(minutes=item["minutes"]), False
    return _plan(
        item,
        title=item["title"],
        teaser=item["teaser"],
        text=item["text"],
        organizer_slugs=item["organizers"],
        place_slug=item.get("place"),
        start=start,
        end=end,
        all_day=all_day,
        rule=rule,
        excluded=excluded,
        attendance=item.get("attendance"),
        organizations=organizations,
        places=places,
    )


def _plan_template(template, window, organizations, places):
    """Single events combined from a template; seeded per template, so deterministic."""
    rng = random.Random(f"{SEED}/{template['key']}")
    low, high = template["attendance"]
    for index in range(template["count"]):
        title, teaser, *rest = template["variants"][index % len(template["variants"])]
        options = rest[0] if rest else {}
        organizer, place = rng.choice(options.get("hosts") or template["hosts"])
        days = window.matching_days(
            template["weekdays"],
            months=options.get("months") or template.get("months"),
            season=options.get("season") or template.get("season"),
            school_days=template.get("school_days", False),
        )
        if not days:
            raise ValueError(f"No day fits {template['key']!r}: {title}")
        start = local(rng.choice(days), dt.time.fromisoformat(rng.choice(template["times"])))
        yield _plan(
            template,
            key=f"{template['key']}-{index + 1}",
            title=title,
            teaser=teaser,
            text=template["text"],
            organizer_slugs=[organizer],
            place_slug=place,
            start=start,
            end=start + dt.timedelta(minutes=template["minutes"]),
            all_day=False,
            rule="",
            excluded=[],
            attendance=rng.randint(low // 5, high // 5) * 5,
            organizations=organizations,
            places=places,
        )


def _plan(
    item,
    *,
    key=None,
    title,
    teaser,
    text,
    organizer_slugs,
    place_slug,
    organizations,
    places,
    start,
    end,
    all_day,
    rule,
    excluded,
    attendance,
):
    key = key or item["key"]
    host, article = organizations[organizer_slugs[0]]
    hosts = [organizations[slug][0] for slug in organizer_slugs]
    place = places[place_slug] if place_slug else None
    context = {
        "Organizer": f"{article.capitalize()} {host.name}",
        "district": place.district.name if place else "Hattingen",
    }
    registration_url = f"https://example.org/anmeldung/{key}" if item.get("registration") else ""
    fields = {
        "uid": demo_uid(key),
        "title": title.format_map(context),
        "teaser": teaser.format_map(context),
        "start": start,
        "end": end,
        "all_day": all_day,
        "recurrence_rule": rule,
        "recurrence_exceptions": "\n".join(day.isoformat() for day in excluded),
        "place": place,
        "online_url": item.get("online_url", ""),
        "contact_email": f"{host.slug}@example.org",
        "audience": item.get("audience", "everyone"),
        "is_free": item.get("free", False),
        "price": item.get("price", ""),
        "registration_url": registration_url,
        "expected_attendance": attendance,
        "status": item.get("status", Status.PUBLISHED),
        "visibility": item.get("visibility", Visibility.PUBLIC),
        "is_highlight": item.get("highlight", False),
    }
    fields["description"] = describe(text.format_map(context), hosts, place, fields)
    return Plan(key, fields, organizer_slugs, item["categories"])


def describe(text, hosts, place, fields):
    """The Markdown description: the text, the facts as a list and the demo notice."""
    facts = [f"- **Veranstaltet von:** {', '.join(host.name for host in hosts)}"]
    if place:
        facts.append(f"- **Ort:** {place.name}, {place.address_line} ({place.district.name})")
    if fields["online_url"]:
        facts.append(f"- **Online:** [Link zur Teilnahme]({fields['online_url']})")
    if fields["is_free"] or fields["price"]:
        facts.append(f"- **Kosten:** {'kostenlos' if fields['is_free'] else fields['price']}")
    if fields["registration_url"]:
        facts.append(f"- **Anmeldung:** [online anmelden]({fields['registration_url']})")
    if place:
        access = [
            label
            for label, present in [
                ("stufenloser Zugang" if place.step_free else "nicht stufenlos", True),
                ("barrierefreie Toilette", place.accessible_toilet),
                ("Induktionsschleife", place.hearing_loop),
            ]
            if present
        ]
        notes = f" {place.access_notes}" if place.access_notes else ""
        facts.append(f"- **Barrierefreiheit:** {', '.join(access)}.{notes}")
    return "\n\n".join([text, "\n".join(facts), DEMO_NOTE])


# Saving ---------------------------------------------------------------------------


@dataclass
class Summary:
    created: Counter = field(default_factory=Counter)
    present: Counter = field(default_factory=Counter)

    def line(self):
        kinds = ["districts", "organisations", "places", "categories", "events", "dates"]
        present = ", ".join(f"{self.present[kind]} {kind}" for kind in kinds)
        created = ", ".join(f"{self.created[kind]} {kind}" for kind in kinds)
        return f"Demo data for Hattingen: {present} (created now: {created})."


def _existing(model, rows, *, names=True):
    """The rows already in the database, by slug (and by name, where names are unique)."""
    slugs = [row["slug"] for row in rows]
    query = Q(slug__in=slugs)
    if names:
        query |= Q(name__in=[row["name"] for row in rows])
    found = {}
    for obj in model.objects.filter(query):
        found[obj.slug] = found[obj.name] = obj
    return {row["slug"]: found.get(row["slug"]) or found.get(row["name"]) for row in rows}


def _create(model, summary, kind, **fields):
    obj = model(**fields)
    obj.full_clean()
    obj.save()
    summary.created[kind] += 1
    return obj


def load_districts(summary):
    rows = read("hattingen.json")["districts"]
    descriptions = read("districts.json")["descriptions"]
    districts = _existing(District, rows)
    for row in rows:
        if districts[row["slug"]] is None:
            latitude, longitude = row["centre"]
            districts[row["slug"]] = _create(
                District,
                summary,
                "districts",
                name=row["name"],
                slug=row["slug"],
                description=descriptions[row["slug"]],
                population=row["population"],
                latitude=Decimal(str(latitude)).quantize(Decimal("0.000001")),
                longitude=Decimal(str(longitude)).quantize(Decimal("0.000001")),
            )
    return districts


def load_organizations(districts, summary):
    rows = read("organisations.json")["organisations"]
    organizations = _existing(Organization, rows)
    for row in rows:
        if organizations[row["slug"]] is None:
            organizations[row["slug"]] = _create(
                Organization,
                summary,
                "organisations",
                name=row["name"],
                slug=row["slug"],
                type=row["type"],
                description=f"{row['description']} {DEMO_MARK}",
                district=districts[row["district"]] if row["district"] else None,
                address=row.get("address", ""),
                email=f"{row['slug']}@example.org",
            )
    return organizations


def load_places(districts, summary):
    rows = read("places.json")["places"]
    places = _existing(Place, rows, names=False)
    for row in rows:
        if places[row["slug"]] is None:
            places[row["slug"]] = _create(
                Place,
                summary,
                "places",
                name=row["name"],
                slug=row["slug"],
                street=row["street"],
                postcode=row["postcode"],
                district=districts[row["district"]],
                latitude=Decimal(str(row["lat"])).quantize(Decimal("0.000001")),
                longitude=Decimal(str(row["lon"])).quantize(Decimal("0.000001")),
                step_free=row["step_free"],
                accessible_toilet=row["accessible_toilet"],
                hearing_loop=row["hearing_loop"],
                access_notes=row["access_notes"],
            )
    return places


def load_categories(summary):
    rows = read("events.json")["categories"]
    categories = _existing(Category, rows)
    for row in rows:
        if categories[row["slug"]] is None:
            categories[row["slug"]] = _create(
                Category, summary, "categories", name=row["name"], slug=row["slug"]
            )
    return categories


def load_events(plans, organizations, categories, summary, progress=None):
    """Create the planned events that do not exist yet, through the calendar's domain."""
    existing = set(
        Event.objects.filter(uid__in=[plan.fields["uid"] for plan in plans]).values_list(
            "uid", flat=True
        )
    )
    missing = [plan for plan in plans if plan.fields["uid"] not in existing]
    for done, plan in enumerate(missing, start=1):
        event = Event(**plan.fields)
        event.full_clean()

        def save_related(event=event, plan=plan):
            event.organizers.set([organizations[slug] for slug in plan.organizers])
            event.categories.set([categories[slug] for slug in plan.categories])

        domain.save_event(event, save_related=save_related)
        summary.created["events"] += 1
        summary.created["dates"] += event.occurrences.count()
        if progress:
            progress(done, len(missing))


@transaction.atomic
def load(today, progress=None):
    """Load the demo data anchored on today (a date); returns a Summary."""
    summary = Summary()
    districts = load_districts(summary)
    organizations = load_organizations(districts, summary)
    places = load_places(districts, summary)
    categories = load_categories(summary)
    plans = plan_events(today, organizations, places)
    load_events(plans, organizations, categories, summary, progress)

    site = SiteSettings.load()
    if not site.demo_notice:
        site.demo_notice = True
        site.save(update_fields=["demo_notice"])

    uids = [plan.fields["uid"] for plan in plans]
    summary.present.update(
        districts=len(districts),
        organisations=len(organizations),
        places=len(places),
        categories=len(categories),
        events=Event.objects.filter(uid__in=uids).count(),
        dates=Occurrence.objects.filter(event__uid__in=uids).count(),
    )
    return summary
