"""manage.py forget_old_sign_ups: remove citizens' names and addresses from the sign-ups
of meetings long past (run daily)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from quartiersnetz.conferences.domain.privacy import forget_old_sign_ups


class Command(BaseCommand):
    help = (
        "Anonymise the sign-ups of meetings that ended more than "
        "CONFERENCES_SIGN_UP_RETENTION_DAYS ago and delete unconfirmed invitation "
        "subscriptions, concerns and followers older than a week (run daily)."
    )

    def handle(self, *args, **options):
        count = forget_old_sign_ups()
        self.stdout.write(
            self.style.SUCCESS(
                f"Anonymised {count} sign-ups of meetings that ended more than "
                f"{settings.CONFERENCES_SIGN_UP_RETENTION_DAYS} days ago."
            )
        )
