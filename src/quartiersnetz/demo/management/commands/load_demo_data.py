"""manage.py load_demo_data: Hattingen as it is, marked as demo data; safe to run again."""

import argparse
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from quartiersnetz.core.progress import Progress
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.demo import hattingen


def anchor_date(value):
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in the form YYYY-MM-DD: {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load demo data for Hattingen: districts, organisations, places, categories and "
        "about 300 events in the twelve months from today. Adds only what is missing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--today",
            type=anchor_date,
            help="Anchor the event dates on this day (YYYY-MM-DD); default: today, local time.",
        )

    def handle(self, *args, **options):
        try:
            today = anchor_date(options["today"]) if options["today"] else local_today()
        except argparse.ArgumentTypeError as error:
            raise CommandError(f"--today: {error}") from None
        self.stdout.write(f"Loading demo data for Hattingen, dates from {today:%Y-%m-%d} …")
        started = time.monotonic()
        progress = Progress(self.stdout, "Events")
        summary = hattingen.load(today, progress=progress.update)
        progress.finish()
        self.stdout.write(self.style.SUCCESS(summary.line()))
        self.stdout.write(f"Took {time.monotonic() - started:.1f} s.")
