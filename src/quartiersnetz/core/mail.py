"""Mails to people and the absolute addresses they link to."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from quartiersnetz.core.tasks import deliver_mail


def absolute_url(path):
    """The address of path on this instance (SITE_URL), for mails and feeds."""
    return f"{settings.SITE_URL}{path}"


def render_mail(template, context):
    """(subject, body) of a mail template whose first line is the subject."""
    subject, _separator, body = render_to_string(template, context).strip().partition("\n")
    return subject.strip(), body.strip()


def send(subject, body, recipients, *, reply_to=None, unsubscribe_url=None, attachments=None):
    """Queue one mail for delivery by the task worker (inline in development).

    With unsubscribe_url the mail carries the List-Unsubscribe headers that mail
    programs show as a button (RFC 2369, one click as in RFC 8058). attachments are
    [filename, content (text), mimetype] triples.
    """
    headers = {}
    if unsubscribe_url:
        headers = {
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
    deliver_mail.enqueue(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body + "\n",
        list(recipients),
        headers,
        list(reply_to or []),
        [list(attachment) for attachment in attachments or ()],
    )


# Mails go to people whose language we do not know (an invited address may have
# no account yet), so they are written in both languages, German first.
MAIL_LANGUAGES = ("de", "en")


def send_bilingual_mail(
    template, context, recipients, *, unsubscribe_url=None, reply_to=None, attachments=None
):
    """Send one mail whose subject and body are rendered in German and in English.

    With unsubscribe_url each language ends with the link that stops this kind of mail.
    reply_to and attachments as for send().
    """
    subjects, bodies = [], []
    for language in MAIL_LANGUAGES:
        with translation.override(language):
            subject, body = render_mail(template, context)
            if unsubscribe_url:
                body += (
                    "\n\n-- \n"
                    + render_to_string(
                        "core/mail/unsubscribe_footer.txt",
                        {"unsubscribe_url": unsubscribe_url, **context},
                    ).strip()
                )
        subjects.append(subject)
        bodies.append(body)
    send(
        " / ".join(subjects),
        "\n\n-----\n\n".join(bodies),
        recipients,
        unsubscribe_url=unsubscribe_url,
        reply_to=reply_to,
        attachments=attachments,
    )
