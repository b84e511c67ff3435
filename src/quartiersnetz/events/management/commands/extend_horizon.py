"""manage.py extend_horizon: expand recurring events up to the rolling horizon."""

from django.core.management.base import BaseCommand

from quartiersnetz.core.progress import Progress
from quartiersnetz.events import domain


class Command(BaseCommand):
    help = "Expand recurring events into occurrences up to the rolling horizon (run daily)."

    def handle(self, *args, **options):
        progress = Progress(self.stdout, "Recurring events")
        count = domain.extend_horizon(progress=progress.update)
        progress.finish()
        self.stdout.write(self.style.SUCCESS(f"Extended {count} recurring events."))
