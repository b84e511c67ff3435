"""manage.py send_action_reminders: remind who is responsible for action items due
soon or overdue (run daily; a second run the same day sends nothing)."""

from django.core.management.base import BaseCommand

from quartiersnetz.conferences.domain import actions
from quartiersnetz.core.progress import Progress


class Command(BaseCommand):
    help = (
        "Send the reminders for action items due within CONFERENCES_REMINDER_DAYS days "
        "and once for overdue ones (run daily)."
    )

    def handle(self, *args, **options):
        progress = Progress(self.stdout, "Action items")
        counts = actions.send_reminders(progress=progress.update)
        progress.finish()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sent {counts['soon']} reminders before the due date and "
                f"{counts['overdue']} about overdue items."
            )
        )
        if counts["no_address"]:
            self.stdout.write(
                self.style.WARNING(
                    f"{counts['no_address']} action items have nobody with an email "
                    "address to remind."
                )
            )
