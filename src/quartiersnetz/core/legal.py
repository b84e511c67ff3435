"""Legal pages and barrier reports: changing a page, receiving a report."""

from django.conf import settings
from django.utils import translation

from quartiersnetz.core import ratelimit
from quartiersnetz.core.mail import render_mail, send
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


def barrier_report_allowed(client):
    """Count one report from this client; False once it sent too many this hour."""
    return ratelimit.allow("barrier-report", client, BARRIER_REPORTS_PER_HOUR)


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
    send(subject, body, [settings.ACCESSIBILITY_CONTACT_EMAIL], reply_to=[email] if email else None)
    return report
