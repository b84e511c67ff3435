"""Benchmark of the year board (Jahresplanung) on the data set of `make bench`.

Usage:
    .venv/bin/python tests/bench/board.py
    .venv/bin/python tests/bench/board.py --requests 100 --explain
    .venv/bin/python tests/bench/board.py --database quartiersnetz_bench_board

It prepares the bench database like run.py (tests/bench/data.py: about a million
occurrences, and 10,000 date holds over the coming 18 months, data.ensure_holds).
Then it measures the board (unfiltered and filtered, for the public and for an
organiser), one cell's list and the CSV and ICS exports through run.py's measure(),
and with --explain prints EXPLAIN (ANALYZE, BUFFERS) of the board's queries. run.py
can add the same scenarios with board_scenarios(context).
"""

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.bench import run  # noqa: E402 (the path above comes first)

BOARD_TARGET_MS = 200
BENCH_ORGANISER = "bench-organiser@quartiersnetz.example"


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=5, help="unmeasured requests first")
    parser.add_argument("--max-seconds", type=float, default=60)
    parser.add_argument("--database", default="quartiersnetz_bench", help="bench database")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the queries")
    parser.add_argument("--traceback", action="store_true")
    parser.add_argument("--only", action="append", default=[])
    return parser.parse_args()


def bench_organiser():
    """A person who acts for an organisation: sees the holds for organisers only."""
    from django.contrib.auth import get_user_model

    from quartiersnetz.organizations.models import Membership, Organization

    user, _created = get_user_model().objects.get_or_create(email=BENCH_ORGANISER)
    Membership.objects.get_or_create(
        user=user,
        organization=Organization.objects.order_by("pk").first(),
        defaults={"state": Membership.State.ACTIVE, "role": Membership.Role.MEMBER},
    )
    return user


def board_scenarios(context, organiser_client=None):
    """The board's scenarios for run.measure(); organiser_client is signed in.

    The events' part of a board is cached under the calendar revision: the scenarios
    marked cold clear the cache before each request (outside the measured time), so
    they measure the queries; "cached" asks for boards asked for before.
    """
    from django.core.cache import cache
    from django.urls import reverse

    rng = random.Random(3)
    today = context["today"]
    districts, categories = context["districts"], context["categories"]
    board_url = reverse("coordination:year-board")
    audiences = ["children", "seniors", "families", "adults"]

    def start(number):
        # A different first weekend each time, over the data set's coming years.
        return (today + dt.timedelta(days=7 * (number % 150))).isoformat()

    def saturday(number):
        day = today + dt.timedelta(days=7 * (number % 52) + (5 - today.weekday()) % 7)
        return day.isoformat()

    def cold(request):
        def cleared(number):
            cache.clear()
            return request(number)

        return cleared

    def signed_in(scenario):
        # main() measures it with this client instead of the anonymous one.
        scenario.client = organiser_client
        return scenario

    def filtered(number):
        params = {"from": start(number), "category": rng.choice(categories)}
        params["audience"] = audiences[number % len(audiences)]
        return board_url, params, {}

    return [
        run.Scenario(
            "year board (cold)",
            BOARD_TARGET_MS,
            cold(lambda n: (board_url, {"from": start(n)}, {})),
        ),
        run.Scenario(
            "year board, cached",
            BOARD_TARGET_MS,
            lambda n: (board_url, {"from": start(n % 10)}, {}),
        ),
        run.Scenario(
            "year board, calendar year (cold)",
            BOARD_TARGET_MS,
            cold(lambda n: (board_url, {"year": str(today.year + n % 5)}, {})),
        ),
        run.Scenario("year board, category+audience (cold)", BOARD_TARGET_MS, cold(filtered)),
        signed_in(
            run.Scenario(
                "year board, organiser (cold)",
                BOARD_TARGET_MS,
                cold(lambda n: (board_url, {"from": start(n)}, {})),
            )
        ),
        run.Scenario(
            "year board cell",
            100,
            lambda n: (
                reverse("coordination:year-board-cell"),
                {"weekend": saturday(n), "district": districts[n % len(districts)]},
                {},
            ),
        ),
        run.Scenario(
            "year board CSV (cold)",
            BOARD_TARGET_MS,
            cold(lambda n: (reverse("coordination:year-board-csv"), {"from": start(n)}, {})),
        ),
        run.Scenario(
            "year board ICS",
            1000,
            lambda n: (reverse("coordination:year-board-ics"), {"from": start(n)}, {}),
        ),
    ]


def explain(today):
    """EXPLAIN (ANALYZE, BUFFERS) of the board's three data queries for a year ahead."""
    from django.db import connection

    from quartiersnetz.coordination import board

    saturdays = board.saturdays_from(today)
    board_filter = board.BoardFilter()
    occurrences = board.board_occurrences(board_filter)
    queries = {
        "weekend dates (aggregate)": board.weekend_loads(occurrences, saturdays, 1000),
        "dates of several days": board.long_dates(occurrences, saturdays).values_list(
            "start", "end", "district_id", board.ATTENDANCE
        ),
        "holds": board.holds_between(
            board_filter, today, saturdays[0], saturdays[-1] + board.ONE_DAY
        ).values_list("first_day", "last_day", "district_id", "expected_attendance"),
    }
    for name, queryset in queries.items():
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            plan = [row[0] for row in cursor.fetchall()]
        # The aggregate's plan repeats itself for each weekend: its head and tail do.
        shown = plan if len(plan) <= 60 else [*plan[:32], "  …", *plan[-4:]]
        print(f"\n--- {name}\n" + "\n".join(shown))


def main():
    arguments = parse_arguments()
    server_url = os.environ.get("DATABASE_URL") or run.DEFAULT_SERVER_URL
    if not server_url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"The benchmark needs PostgreSQL; DATABASE_URL is {server_url!r}.")
    run.configure_django(urlunsplit(urlsplit(server_url)._replace(path=f"/{arguments.database}")))

    from django.core.management import call_command
    from django.test import Client

    from tests.bench import data

    data.ensure_data(server_url, arguments.database)
    added = data.ensure_holds()
    if added:
        print(f"Added {added:,} date holds to the data set.")
    context = run.gather_context()
    run.print_data_summary(context)
    from quartiersnetz.coordination.models import DateHold

    active = DateHold.objects.filter(event__isnull=True, expires_on__gte=context["today"])
    print(f"Date holds: {DateHold.objects.count():,} ({active.count():,} still standing)")
    if arguments.explain:
        explain(context["today"])
    call_command("collectstatic", interactive=False, verbosity=0)
    run.freeze_startup()

    client = Client()
    organiser_client = Client()
    organiser_client.force_login(bench_organiser())
    scenarios = board_scenarios(context, organiser_client)
    if arguments.only:
        scenarios = [s for s in scenarios if any(part in s.name for part in arguments.only)]
    for scenario in scenarios:
        print(f"Measuring {scenario.name} …", flush=True)
        run.measure(
            getattr(scenario, "client", None) or client,
            scenario,
            arguments.requests,
            arguments.warmup,
            arguments.max_seconds,
            show_traceback=arguments.traceback,
        )
    run.print_table(scenarios, arguments.requests)


if __name__ == "__main__":
    main()
