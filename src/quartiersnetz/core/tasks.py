"""Background work shared by every app: delivering mail."""

from django.core.mail import EmailMessage
from django_tasks import task


@task()
def deliver_mail(subject, body, recipients, headers=None, reply_to=None, attachments=None):
    """Send one rendered mail; runs in the task worker in production.

    attachments: [filename, content (text), mimetype] triples (task arguments travel as
    JSON), e.g. an invitation as "text/calendar; method=REQUEST".
    """
    message = EmailMessage(
        subject, body, None, recipients, headers=headers or None, reply_to=reply_to or None
    )
    for filename, content, mimetype in attachments or ():
        message.attach(filename, content, mimetype)
    message.send()
