"""`make bench`: server time of the calendar's pages at 100,000 events and a million dates.

Usage:
    make bench
    make bench BENCH_ARGS="--requests 500 --rebuild"
    make bench BENCH_ARGS="--only agenda --requests 50"
    .venv/bin/python tests/bench/run.py --help

The first run creates the PostgreSQL database quartiersnetz_bench on the server of
DATABASE_URL (the Makefile defaults to postgres://postgres@127.0.0.1:5432/test),
migrates it and generates the data set of tests/bench/data.py (about two minutes:
100,000 events, 10 % of them recurring, about a million occurrences over ten years).
Later runs reuse it and apply new migrations; --rebuild drops and regenerates it, as
does a change to a migration file the data was generated with.

Each page is warmed up, then requested --requests times with varied parameters
through django.test.Client in this process, with DEBUG off and collected static files.
The time covers middleware, view, queries and template rendering, not the network or
a WSGI server. Pages: the agenda (unfiltered; district + category; text search), the
month view, a district's ICS feed for a year (each request a window not asked for
before, so the feed cache cannot answer; the same feeds again, from the cache; and
again with their ETag, expecting 304) and event pages. Date coordination is measured
as domain calls (coordination.domain.check and suggest_dates for random candidates
over the coming 18 months, with the 10,000 date holds that data.ensure_holds adds);
the year board's pages have their own runner for now (tests/bench/board.py). A page
that needs seconds is
measured for --max-seconds (and at least 10 requests). The figures are printed with
their targets; the benchmark never fails on time. A page that is not implemented yet
or answers with an unexpected status is reported and skipped.
"""

import argparse
import datetime as dt
import gc
import logging
import math
import os
import random
import secrets
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

# Django and the project are imported inside the functions below: the settings read
# the environment that configure_django() writes first.

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SERVER_URL = "postgres://postgres@127.0.0.1:5432/test"

SEARCH_WORDS = [
    "Flohmarkt",
    "Konzert",
    "Ruhr",
    "Lesung",
    "Kinder",
    "Henrichshütte",
    "Isenburg",
    "Repair-Café",
    "Yoga",
    "Stammtisch Welper",
    "Bügeleisenhaus",
    "Schulenburg",
    "Chorprobe Altstadt",
    "Kaffee Kuchen",
    # Nothing matches these: the search has to look at every candidate.
    "Zauberer",
    "Drachenboot",
]


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument(
        "--max-seconds",
        type=float,
        default=60,
        help="stop measuring a page after this long (with at least 10 requests)",
    )
    parser.add_argument("--rebuild", action="store_true", help="drop and regenerate the data")
    parser.add_argument("--events", type=int, default=100_000, help="events in the data set")
    parser.add_argument("--seed", type=int, default=2026, help="seed of the data set")
    parser.add_argument("--database", default="quartiersnetz_bench", help="bench database")
    parser.add_argument(
        "--traceback", action="store_true", help="print the traceback of a failing page"
    )
    parser.add_argument("--data-only", action="store_true", help="prepare the data and stop")
    parser.add_argument(
        "--only", action="append", default=[], help="run scenarios whose name contains this"
    )
    return parser.parse_args()


def configure_django(database_url):
    """Production-like settings from the environment, before Django reads them."""
    sys.path.insert(0, str(ROOT / "src"))
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "quartiersnetz.settings"
    os.environ["DATABASE_URL"] = database_url
    os.environ["DEBUG"] = "false"
    os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    os.environ["STATIC_ROOT"] = str(ROOT / "var" / "bench" / "static")
    import django

    django.setup()
    # Unexpected statuses are reported in the table, not as logged tracebacks.
    for name in ("django.request", "django.security"):
        logging.getLogger(name).setLevel(logging.CRITICAL)


def freeze_startup():
    """What quartiersnetz.wsgi does after start-up: keep what is loaded by now out of
    the cyclic garbage collector's generations (gc.freeze)."""
    gc.collect()
    gc.freeze()


def percentile(values, share):
    """Nearest-rank percentile of a non-empty list."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Scenario:
    name: str
    target_ms: float
    # request(number) -> (path, query parameters, headers)
    request: object
    statuses: tuple = (200,)
    # prepare(client): runs before the first request; returns a problem or "".
    prepare: object = None
    # seen(path, params, response): called with every successful response.
    seen: object = None
    # call(number) -> a sized result: measured instead of a request (domain functions
    # without a page of their own); the kB column then shows the result's length.
    call: object = None
    times: list = field(default_factory=list)
    sizes: list = field(default_factory=list)
    queries: int | None = None
    problem: str = ""
    note: str = ""


def build_scenarios(context):
    from django.urls import reverse

    rng = random.Random(1)
    today = context["today"]
    districts, categories, months = context["districts"], context["categories"], context["months"]
    event_ids = context["event_ids"]
    # (path, params, ETag) of rendered district feeds, for the cached and 304 scenarios.
    feeds = context["feeds"]

    def pick(values):
        return rng.choice(values)

    def district_ics(slug, offset_days):
        first = today + dt.timedelta(days=offset_days)
        window = {"from": first.isoformat(), "to": (first + dt.timedelta(days=364)).isoformat()}
        return reverse("events:district-ics", kwargs={"slug": slug}), window

    def varied_feed(number):
        # Every request asks for a district and window not asked for before, so the
        # feed's response cache cannot hide the work of rendering it.
        slug = districts[number % len(districts)]
        return (*district_ics(slug, number // len(districts)), {})

    def remember_feed(path, params, response):
        if response.has_header("ETag"):
            feeds.append((path, params, response["ETag"]))

    def ensure_feeds(client):
        """Render two feeds when the one-year scenario did not run (--only)."""
        for slug in districts[-2:]:
            if len(feeds) >= 2:
                break
            path, params = district_ics(slug, 0)
            response, _body = fetch(client, path, params, {})
            if response.status_code == 200:
                remember_feed(path, params, response)
        return "" if feeds else "the district feed sends no ETag"

    def cached_feed(number):
        path, params, _etag = feeds[number % len(feeds)]
        return path, params, {}

    def revalidated_feed(number):
        path, params, etag = feeds[number % len(feeds)]
        return path, params, {"If-None-Match": etag}

    agenda = reverse("events:agenda")
    return [
        Scenario("agenda, first page", 50, lambda n: (agenda, {}, {})),
        Scenario(
            "agenda, district + category",
            50,
            lambda n: (agenda, {"district": pick(districts), "category": pick(categories)}, {}),
        ),
        Scenario(
            "agenda, text search",
            50,
            lambda n: (agenda, {"q": SEARCH_WORDS[n % len(SEARCH_WORDS)]}, {}),
        ),
        Scenario(
            "month view",
            100,
            lambda n: (reverse("events:month"), {"month": pick(months)}, {}),
        ),
        Scenario("district ICS, one year", 100, varied_feed, seen=remember_feed),
        Scenario(
            "district ICS, one year, cached",
            100,
            cached_feed,
            prepare=ensure_feeds,
        ),
        Scenario(
            "event page",
            100,
            lambda n: (reverse("events:event", kwargs={"pk": pick(event_ids)}), {}, {}),
        ),
        Scenario(
            "district ICS, ETag again (304)",
            10,
            revalidated_feed,
            statuses=(304,),
            prepare=ensure_feeds,
        ),
    ]


def describe_failure(response=None, error=None):
    if error is not None:
        frames = traceback.extract_tb(error.__traceback__)
        ours = [frame for frame in frames if f"{os.sep}quartiersnetz{os.sep}" in frame.filename]
        frame = (ours or frames)[-1]
        where = f"{Path(frame.filename).name}:{frame.lineno}"
        return f"raised {type(error).__name__} at {where}: {str(error)[:120]}"
    if response.status_code == 404:
        return "answers 404 (not implemented yet?)"
    return f"answers {response.status_code} {response.reason_phrase}"


def fetch(client, path, params, headers):
    # The client keeps the exception of a request whose error page failed to render
    # and raises it on the next request; start each request clean.
    client.exc_info = None
    response = client.get(path, params, headers=headers)
    body = response.getvalue()
    return response, body


def measure(client, scenario, requests, warmup, max_seconds, show_traceback=False):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def fail(problem, error=None):
        scenario.problem = problem
        if error is not None and show_traceback:
            traceback.print_exception(error)

    if scenario.call is not None:
        return measure_calls(scenario, requests, warmup, max_seconds, fail)
    if scenario.prepare:
        try:
            problem = scenario.prepare(client)
        except Exception as error:  # Any failure is reported, then we go on.
            return fail(describe_failure(error=error), error)
        if problem:
            return fail(problem)
    deadline = time.monotonic() + max_seconds if warmup <= 0 else None
    number = 0
    while len(scenario.times) < requests:
        measured = deadline is not None
        if measured and time.monotonic() > deadline and len(scenario.times) >= 10:
            scenario.note = f"stopped after {len(scenario.times)} requests ({max_seconds:g} s)"
            break
        path, params, headers = scenario.request(number)
        number += 1
        try:
            started = time.perf_counter()
            response, body = fetch(client, path, params, headers)
            elapsed = (time.perf_counter() - started) * 1000
        except Exception as error:  # Any failure is reported, then we go on.
            return fail(f"{path}?{urlencode(params)} " + describe_failure(error=error), error)
        if response.status_code not in scenario.statuses:
            return fail(f"{path}?{urlencode(params)} " + describe_failure(response))
        if scenario.seen:
            scenario.seen(path, params, response)
        if measured:
            scenario.times.append(elapsed)
            scenario.sizes.append(len(body))
        elif number >= warmup or elapsed > 1000:
            # A page that takes seconds is dominated by its own work, not cold caches.
            deadline = time.monotonic() + max_seconds
    with CaptureQueriesContext(connection) as captured:
        fetch(client, path, params, headers)
    scenario.queries = len(captured.captured_queries)


def measure_calls(scenario, requests, warmup, max_seconds, fail):
    """measure() for a scenario of domain calls: the same warm-up, limits and figures."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    number = 0
    try:
        for number in range(warmup):
            scenario.call(number)
        deadline = time.monotonic() + max_seconds
        while len(scenario.times) < requests:
            if time.monotonic() > deadline and len(scenario.times) >= 10:
                scenario.note = f"stopped after {len(scenario.times)} calls ({max_seconds:g} s)"
                break
            number += 1
            started = time.perf_counter()
            result = scenario.call(number)
            scenario.times.append((time.perf_counter() - started) * 1000)
            # Shown as "kB": the length of the result, times 1024.
            scenario.sizes.append(len(result) * 1024)
        with CaptureQueriesContext(connection) as captured:
            scenario.call(number)
    except Exception as error:  # Any failure is reported, then we go on.
        return fail(f"call {number} " + describe_failure(error=error), error)
    scenario.queries = len(captured.captured_queries)
    scenario.note = scenario.note or "domain calls; the kB column is the median result length"


# Random candidates of date coordination: start days this far ahead (the holds' range,
# and a 12-week window around each start stays in the future).
CANDIDATE_DAYS = (6 * 7, 540)


def coordination_candidates(count, seed=5):
    """count candidates like the event and hold forms make: a district (by the places'
    share), often a place, an audience and a size; timed or a day or two all day."""
    from quartiersnetz.coordination import domain
    from quartiersnetz.core.timeutil import day_range, local_today, start_of_day
    from quartiersnetz.events.models import Audience
    from quartiersnetz.places.models import Place

    rng = random.Random(seed)
    today = local_today()
    places = list(Place.objects.order_by("pk").values_list("pk", "district_id"))
    audiences = [value for value, _label in Audience.choices]
    candidates = []
    for _number in range(count):
        place, district = rng.choice(places)
        day = today + dt.timedelta(days=rng.randint(*CANDIDATE_DAYS))
        if rng.random() < 0.5:
            day += dt.timedelta(days=(5 - day.weekday()) % 7)
        all_day = rng.random() < 0.3
        if all_day:
            start, end = day_range(day, day + dt.timedelta(days=rng.choice([0, 1])))
        else:
            start = start_of_day(day) + dt.timedelta(hours=rng.randint(9, 19))
            end = start + dt.timedelta(hours=rng.choice([2, 3, 4]))
        candidates.append(
            domain.candidate_for(
                start,
                end,
                all_day,
                district=district,
                place=place if rng.random() < 0.6 else None,
                audience=rng.choice(audiences),
                attendance=rng.choice([None, 50, 300, 1000, 5000]),
            )
        )
    return candidates


def coordination_scenarios(context):
    """The conflict check and the suggestions, as the event and hold forms call them."""
    from quartiersnetz.coordination import domain

    candidates = coordination_candidates(1000)

    def pick(number):
        return candidates[number % len(candidates)]

    def suggestions(number, weekends_only):
        candidate = pick(number)
        first_day = candidate.first_day - dt.timedelta(weeks=6)
        return domain.suggest_dates(
            candidate,
            first_day,
            first_day + dt.timedelta(weeks=12, days=-1),
            count=5,
            weekends_only=weekends_only,
            avoid_school_holidays=number % 4 == 0,
        )

    return [
        Scenario("conflict check", 20, request=None, call=lambda n: domain.check(pick(n))),
        Scenario(
            "suggestions, 12 weeks, any day",
            150,
            request=None,
            call=lambda n: suggestions(n, weekends_only=False),
        ),
        Scenario(
            "suggestions, 12 weeks, weekends",
            150,
            request=None,
            call=lambda n: suggestions(n, weekends_only=True),
        ),
    ]


def year_board_scenarios(context):
    """The year board's pages (target p95 200 ms). Measured by tests/bench/board.py for
    now; its board_scenarios(context, organiser_client) join this list when the board
    is merged."""
    return []


def gather_context():
    from quartiersnetz.core.models import District
    from quartiersnetz.core.timeutil import local_today
    from quartiersnetz.events.models import Category, Event, Status, Visibility

    today = local_today()
    months = []
    for offset in range(-60, 61):
        index = today.year * 12 + today.month - 1 + offset
        months.append(f"{index // 12:04d}-{index % 12 + 1:02d}")
    event_ids = list(
        Event.objects.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return {
        "today": today,
        "months": months,
        "districts": list(District.objects.order_by("pk").values_list("slug", flat=True)),
        "categories": list(Category.objects.order_by("pk").values_list("slug", flat=True)),
        "event_ids": random.Random(2).sample(event_ids, min(len(event_ids), 5000)),
        "feeds": [],
    }


def print_data_summary(context):
    from django.db import connection
    from django.db.models import Count

    from quartiersnetz.coordination.models import DateHold
    from quartiersnetz.core.timeutil import day_range
    from quartiersnetz.events import domain
    from quartiersnetz.events.models import Event, Occurrence
    from tests.bench import data

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    start, _end = day_range(context["today"])
    year = domain.occurrences_between(
        domain.listed_occurrences(), start, start + dt.timedelta(days=365)
    )
    print(
        f"PostgreSQL {version}, database {connection.settings_dict['NAME']}, "
        f"data generated {data.generated_at()}"
    )
    print(
        f"Events: {Event.objects.count():,} "
        f"({Event.objects.exclude(recurrence_rule='').count():,} recurring); "
        f"occurrences: {Occurrence.objects.count():,}; "
        f"listed in the coming year: {year.count():,}"
    )
    by_district = year.values_list("district__slug").annotate(count=Count("pk")).order_by("-count")
    print(
        "Listed dates in the coming year by district: "
        + ", ".join(f"{slug or 'online'} {count:,}" for slug, count in by_district)
    )
    standing = DateHold.objects.filter(event__isnull=True, expires_on__gte=context["today"])
    print(f"Date holds: {DateHold.objects.count():,} ({standing.count():,} still standing)")


def print_table(scenarios, requests):
    header = f"{'scenario':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
    header += f"{'queries':>7} {'kB':>7} {'target':>8}  met"
    print()
    print(f"Server time in ms, up to {requests} requests each after warm-up (n):")
    print(header)
    print("-" * len(header))
    for scenario in scenarios:
        target = f"≤ {scenario.target_ms:g}"
        if scenario.problem or not scenario.times:
            dashes = " ".join(f"{'—':>{width}}" for width in (4, 8, 8, 8, 7, 7))
            print(f"{scenario.name:<34} {dashes} {target:>8}  —")
            continue
        p50 = percentile(scenario.times, 0.50)
        p95 = percentile(scenario.times, 0.95)
        met = "yes" if p95 <= scenario.target_ms else "no"
        print(
            f"{scenario.name:<34} {len(scenario.times):>4} {p50:8.1f} {p95:8.1f} "
            f"{max(scenario.times):8.1f} {scenario.queries:>7} "
            f"{percentile(scenario.sizes, 0.5) / 1024:7.0f} {target:>8}  {met}"
        )
    for scenario in scenarios:
        if scenario.note:
            print(f"  {scenario.name}: {scenario.note}")
    problems = [scenario for scenario in scenarios if scenario.problem]
    if problems:
        print()
        print("Not measured:")
        for scenario in problems:
            print(f"  {scenario.name}: {scenario.problem}")


def main():
    arguments = parse_arguments()
    server_url = os.environ.get("DATABASE_URL") or DEFAULT_SERVER_URL
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"The benchmark needs PostgreSQL; DATABASE_URL is {server_url!r}.")
    configure_django(urlunsplit(urlsplit(server_url)._replace(path=f"/{arguments.database}")))

    from django.core.management import call_command
    from django.test import Client

    from tests.bench import data

    seconds = data.ensure_data(
        server_url,
        arguments.database,
        rebuild=arguments.rebuild,
        events=arguments.events,
        seed=arguments.seed,
    )
    added = data.ensure_holds()
    if added:
        print(f"Added {added:,} date holds to the data set.")
    context = gather_context()
    print_data_summary(context)
    if seconds is not None:
        print(f"Data generation took {seconds:.0f} s.")
    if arguments.data_only:
        return
    started = time.monotonic()
    call_command("collectstatic", interactive=False, verbosity=0)
    print(f"Static files collected in {time.monotonic() - started:.0f} s.")
    freeze_startup()

    client = Client()
    scenarios = [
        *build_scenarios(context),
        *coordination_scenarios(context),
        *year_board_scenarios(context),
    ]
    if arguments.only:
        scenarios = [s for s in scenarios if any(part in s.name for part in arguments.only)]
    for scenario in scenarios:
        print(f"Measuring {scenario.name} …", flush=True)
        measure(
            client,
            scenario,
            arguments.requests,
            arguments.warmup,
            arguments.max_seconds,
            show_traceback=arguments.traceback,
        )
    print_table(scenarios, arguments.requests)


if __name__ == "__main__":
    main()
