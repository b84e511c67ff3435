"""Mails to people and the absolute addresses they link to."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def absolute_url(path):
    """The address of path on this instance (SITE_URL), for mails and feeds."""
    return f"{settings.SITE_URL}{path}"


def render_mail(template, context):
    """(subject, body) of a mail template whose first line is the subject."""
    subject, _separator, body = render_to_string(template, context).strip().partition("\n")
    return subject.strip(), body.strip()


# Mails go to people whose language we do not know (an invited address may have
# no account yet), so they are written in both languages, German first.
MAIL_LANGUAGES = ("de", "en")


def send_bilingual_mail(template, context, recipients):
    """Send one mail whose subject and body are rendered in German and in English."""
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subject, body = render_mail(template, context)
        subjects.append(subject)
        bodies.append(body)
    send_mail(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{' / '.join(subjects)}",
        "\n\n-----\n\n".join(bodies) + "\n",
        None,
        recipients,
    )
