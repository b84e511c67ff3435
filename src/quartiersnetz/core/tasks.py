"""Background work shared by every app: delivering mail."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_mail(subject, body, recipients, headers=None, reply_to=None):
    """Send one rendered mail; runs in the task worker in production."""
    EmailMessage(
        subject, body, None, recipients, headers=headers or None, reply_to=reply_to or None
    ).send()
