"""Legal pages and barrier reports: changing a page, receiving a report."""

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.utils import translation

from quartiersnetz.core.mail import render_mail
from quartiersnetz.core.models import BarrierReport

# The feedback form is public: a few reports per address and hour are plenty for
# a person, and keep a script from filling the table and the operator's inbox.
BARRIER_REPORTS_PER_HOUR = 5


def update_legal_page(page, *, title, body, user):
    """Save a new text of a legal page and who wrote it."""
    page.title = title
    page.body = body
    page.updated_by = user
    page.save(update_fields=["title", "body", "updated_by", "updated_at"])
    return page


def barrier_report_allowed(client_address):
    """Count one report from this address; False once it sent too many this hour."""
    key = f"barrier-report:{client_address}"
    # add() starts the hour's window only if none is running.
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:
        # The window expired between add() and incr().
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count <= BARRIER_REPORTS_PER_HOUR


def submit_barrier_report(*, description, page_url="", name="", email="", wants_reply=False):
    """Store a barrier report and mail it to the accessibility contact."""
    report = BarrierReport.objects.create(
        description=description,
        page_url=page_url,
        name=name,
        email=email,
        wants_reply=wants_reply,
    )
    # The operator's team reads the site's default language.
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = render_mail("core/mail/barrier_report.txt", {"report": report})
    EmailMessage(
        f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body + "\n",
        None,
        [settings.ACCESSIBILITY_CONTACT_EMAIL],
        reply_to=[email] if email else None,
    ).send()
    return report
