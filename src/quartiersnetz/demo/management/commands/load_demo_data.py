"""manage.py load_demo_data: Hattingen as it is, marked as demo data; safe to run again."""

import argparse
import datetime as dt
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from quartiersnetz.core.progress import Progress
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.demo import accounts as demo_accounts
from quartiersnetz.demo import concerns as demo_concerns
from quartiersnetz.demo import conferences as demo_conferences
from quartiersnetz.demo import hattingen
from quartiersnetz.demo import projects as demo_projects


def anchor_date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load demo data for Hattingen: districts, organisations, places, categories, "
        "about 300 events in the twelve months from today, and the six district conferences "
        "and the umbrella round with members and a year of meetings. Adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=anchor_date,
            help="Anchor the event dates on this day (YYYY-MM-DD); default: today, local time.",
        )
        parser.add_argument(
            "--accounts",
            action="store_true",
            help=(
                "Also create demo accounts (password "
                f"{demo_accounts.PASSWORD}) with events waiting for review and a report; "
                "development only (DEBUG=true)."
            ),
        )

    def handle(self, *args, **options):
        try:
            today = anchor_date(options["today"]) if options["today"] else local_today()
        except argparse.ArgumentTypeError as error:
            raise CommandError(f"--today: {error}") from None
        self.stdout.write(f"Loading demo data for Hattingen, dates from {today:%Y-%m-%d} …")
        started = time.monotonic()
        progress = Progress(self.stdout, "Events")
        if options["accounts"] and not settings.DEBUG:
            raise CommandError("--accounts: demo accounts are for development only (DEBUG=true).")
        summary = hattingen.load(today, progress=progress.update)
        progress.finish()
        self.stdout.write(self.style.SUCCESS(summary.line()))
        self.stdout.write(self.style.SUCCESS(demo_conferences.load_conferences(today).line()))
        concerns = demo_concerns.load_concerns(today)
        projects = demo_projects.load_projects(today)
        self.stdout.write(
            self.style.SUCCESS(f"Concerns created now: {concerns}; projects: {projects}.")
        )
        if options["accounts"]:
            created = demo_accounts.load_accounts(today)
            self.stdout.write(
                f"Demo accounts (created now: {created}; password {demo_accounts.PASSWORD}): "
                + ", ".join(email for email, *_rest in demo_accounts.ACCOUNTS)
            )
        self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")
