"""The editors' pages (review queue, one event's review and activity log, the decisions)
and the public form that reports an event to them.

The decision forms work as plain POST forms that redirect back with a message; sent by
htmx from the queue they answer with the queue row instead, so the editor stays in place.
"""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from quartiersnetz.accounts.models import NotificationKind, User
from quartiersnetz.accounts.notifications import subscribers
from quartiersnetz.core import ratelimit
from quartiersnetz.core.activity import history
from quartiersnetz.core.models import ActivityLog
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events import workflow
from quartiersnetz.events.forms import (
    ApproveForm,
    RejectForm,
    ReportForm,
    RequestChangesForm,
    ResolveReportForm,
    UnpublishForm,
    field_label,
)
from quartiersnetz.events.models import LISTED_STATUSES, Event, Report, Status
from quartiersnetz.events.workflow import Action

# The queue lists edits of published events made within this many days.
RECENT_CHANGES_DAYS = 14
# The review page lists this many of the next dates of a series.
REVIEW_DATES = 10
# Reports per client address and hour (a person rarely reports more than one event).
REPORTS_PER_HOUR = 5
# A changed value longer than this (or with a line break) is folded into <details>.
SHORT_VALUE = 120

ACTION_LABELS = {
    Action.CREATED: gettext_lazy("Created"),
    Action.EDITED: gettext_lazy("Edited"),
    Action.SUBMITTED: gettext_lazy("Submitted for review"),
    Action.PUBLISHED: gettext_lazy("Published"),
    Action.APPROVED: gettext_lazy("Approved"),
    Action.REJECTED: gettext_lazy("Rejected"),
    Action.CHANGES_REQUESTED: gettext_lazy("Changes requested"),
    Action.WITHDRAWN: gettext_lazy("Withdrawn from review"),
    Action.CANCELLED: gettext_lazy("Cancelled"),
    # Translators: an event that has been moved to a new date.
    Action.POSTPONED: gettext_lazy("Postponed"),
    Action.UNPUBLISHED: gettext_lazy("Taken off the calendar"),
    Action.DELETED: gettext_lazy("Deleted"),
    Action.REPORTED: gettext_lazy("Reported"),
    Action.REPORT_HANDLED: gettext_lazy("Report handled"),
    Action.DATE_CANCELLED: gettext_lazy("One date cancelled"),
    Action.DATE_RESTORED: gettext_lazy("One date restored"),
    Action.DATE_MOVED: gettext_lazy("One date moved"),
}
# Log entries that end a review: the answer to a second click names the latest one.
STATE_CHANGES = (
    Action.APPROVED,
    Action.REJECTED,
    Action.CHANGES_REQUESTED,
    Action.UNPUBLISHED,
    Action.WITHDRAWN,
    Action.PUBLISHED,
    Action.CANCELLED,
    Action.POSTPONED,
    Action.DELETED,
)


def _auto_id(kind, pk):
    """Form ids unique on a page that shows the forms of many events."""
    return f"{kind}-{pk}-%s"


def _focus_first_error(form):
    """The first field with an error gets the focus when the page or the row is shown."""
    for name in form.errors:
        if name in form.fields:
            widget = form.fields[name].widget
            # A radio group would put the attribute on every option.
            if not isinstance(widget, forms.RadioSelect):
                widget.attrs["autofocus"] = True
            return


# --- Shared helpers -----------------------------------------------------------------


def _require(request, permission):
    if not request.user.has_perm(permission):
        raise PermissionDenied


def _local(moment):
    return date_format(localize(moment), "DATETIME_FORMAT")


def _event_type():
    return ContentType.objects.get_for_model(Event)


def _waiting_events():
    """Submitted events, the longest waiting first, with when they were submitted."""
    submitted_at = (
        ActivityLog.objects.filter(
            content_type=_event_type(), object_id=OuterRef("pk"), action=Action.SUBMITTED
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    return (
        Event.objects.filter(status=Status.SUBMITTED)
        .select_related("submitted_by", "created_by")
        .prefetch_related("organizers", "categories")
        .annotate(submitted_at=Coalesce(Subquery(submitted_at), "updated_at"))
        .order_by("submitted_at", "pk")
    )


def _open_reports():
    return (
        Report.objects.filter(resolved_at__isnull=True)
        .select_related("event", "reporter")
        .order_by("created_at", "pk")
    )


def _recent_changes():
    """Edits of events the public sees, from the last RECENT_CHANGES_DAYS days."""
    since = timezone.now() - dt.timedelta(days=RECENT_CHANGES_DAYS)
    shown = Event.objects.filter(status__in=LISTED_STATUSES).values("pk")
    return (
        ActivityLog.objects.filter(
            content_type=_event_type(),
            action=Action.EDITED,
            created_at__gte=since,
            object_id__in=shown,
        )
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def _submission_row(event, **bound_forms):
    row = {
        "event": event,
        "reject_form": RejectForm(auto_id=_auto_id("reject", event.pk)),
        "changes_form": RequestChangesForm(auto_id=_auto_id("changes", event.pk)),
    }
    row.update(bound_forms)
    return row


def _report_row(report, form=None):
    return {
        "report": report,
        "form": form or ResolveReportForm(auto_id=_auto_id("resolve", report.pk)),
    }


def _is_long(value):
    return len(value) > SHORT_VALUE or "\n" in value


def _log_row(entry):
    changes = []
    for name, values in entry.changes.items():
        before, after = (str(value) for value in values)
        changes.append(
            {
                "label": field_label(name),
                "before": before,
                "after": after,
                "is_long": _is_long(before) or _is_long(after),
            }
        )
    return {
        "entry": entry,
        "action": ACTION_LABELS.get(entry.action, entry.action),
        "changes": changes,
    }


def _queue_page(request, *, bound=None, status=200):
    """bound: {("event" or "report", pk): forms with errors to show in that row}."""
    bound = bound or {}
    can_handle_reports = request.user.has_perm("events.handle_reports")
    can_view_history = request.user.has_perm("events.view_event_history")
    context = {
        "submissions": [
            _submission_row(event, **bound.get(("event", event.pk), {}))
            for event in _waiting_events()
        ],
        "reports": (
            [
                _report_row(report, bound.get(("report", report.pk), {}).get("form"))
                for report in _open_reports()
            ]
            if can_handle_reports
            else None
        ),
        "changes": (
            [
                {"entry": entry, "fields": [field_label(name) for name in entry.changes]}
                for entry in _recent_changes()
            ]
            if can_view_history
            else None
        ),
        "recent_days": RECENT_CHANGES_DAYS,
    }
    return render(request, "events/moderation/queue.html", context, status=status)


def _last_day(event):
    """The last day of a multi-day all-day event (its end is the midnight after it)."""
    if not event.all_day:
        return None
    last_day = (localize(event.end) - dt.timedelta(days=1)).date()
    return last_day if last_day > localize(event.start).date() else None


def _review_page(request, event, *, bound=None, status=200):
    """bound: forms with errors, by context name; report forms as {"report_forms": {pk: form}}."""
    bound = dict(bound or {})
    report_forms = bound.pop("report_forms", {})
    reports = (
        event.reports.filter(resolved_at__isnull=True)
        .select_related("reporter")
        .order_by("created_at", "pk")
    )
    person = event.submitted_by or event.created_by
    context = {
        "event": event,
        "organizers": list(event.organizers.all()),
        "categories": list(event.categories.all()),
        "dates": list(
            event.occurrences.filter(end__gt=timezone.now()).order_by("start", "pk")[:REVIEW_DATES]
        ),
        "last_day": _last_day(event),
        "is_waiting": event.status == Status.SUBMITTED,
        "is_shown": event.status in LISTED_STATUSES,
        "approve_form": ApproveForm(),
        "reject_form": RejectForm(auto_id=_auto_id("reject", event.pk)),
        "changes_form": RequestChangesForm(auto_id=_auto_id("changes", event.pk)),
        "unpublish_form": UnpublishForm(auto_id=_auto_id("unpublish", event.pk)),
        "report_rows": [
            _report_row(report, report_forms.get(report.pk))
            for report in (reports if request.user.has_perm("events.handle_reports") else [])
        ],
        "log": (
            [_log_row(entry) for entry in history(event)]
            if request.user.has_perm("events.view_event_history")
            else None
        ),
        "submitter": person,
        "can_block_submitter": (
            person is not None
            and person.is_active
            and person.pk != request.user.pk
            and request.user.has_perm("accounts.block_user", person)
        ),
        **bound,
    }
    return render(request, "events/moderation/review.html", context, status=status)


def _from_review_page(request):
    """The decision forms say where they were sent from: the queue or the review page."""
    return request.POST.get("origin") == "review"


def _done(request, *, text, level, back_url, row_id, count_id=None, count=None):
    """The answer to a decision: the queue row as a status line (htmx) or a redirect."""
    if request.htmx and not _from_review_page(request):
        context = {
            "row_id": row_id,
            "text": text,
            "level_tag": messages.DEFAULT_TAGS[level],
            "count_id": count_id,
        }
        context["count"] = count() if count_id else None
        return render(request, "events/moderation/_done.html", context)
    messages.add_message(request, level, text)
    return redirect(back_url)


def _already_handled(event):
    last = history(event).filter(action__in=STATE_CHANGES).first()
    if last is None:
        return _("This event is not waiting for a decision any more. Nothing has been changed.")
    return _(
        "Already handled by %(person)s (%(action)s, %(when)s). Nothing has been changed "
        "and no mail has been sent."
    ) % {
        "person": last.actor or _("someone without an account"),
        "action": ACTION_LABELS.get(last.action, last.action),
        "when": _local(last.created_at),
    }


def _submitter_is_told(event):
    """Whether the workflow mailed the decision (people only get the mails they asked for)."""
    person = event.submitted_by or event.created_by
    if person is not None:
        return subscribers(
            User.objects.filter(pk=person.pk), NotificationKind.REVIEW_RESULTS
        ).exists()
    return bool(event.submitter_email and event.submitter_wants_decision)


def _with_mail_note(text, event):
    if _submitter_is_told(event):
        note = _("The organiser has been told by mail.")
    else:
        note = _("No mail has been sent: the organiser did not ask for one.")
    return f"{text} {note}"


def _waiting_count():
    return Event.objects.filter(status=Status.SUBMITTED).count()


def _open_report_count():
    return Report.objects.filter(resolved_at__isnull=True).count()


def _decide(request, pk, *, kind, form_class, decide, done_text, statuses=(Status.SUBMITTED,)):
    """Parse the decision form, call the workflow and answer with a message or a row.

    statuses: the states the decision is made in; in any other the event has been
    handled meanwhile, and that is the answer even when the form is incomplete.
    """
    event = Event.objects.filter(pk=pk).first()
    if _from_review_page(request):
        back_url = reverse("events:review", kwargs={"pk": pk})
    else:
        back_url = reverse("events:review-queue")
    done = {"back_url": back_url, "row_id": f"submission-{pk}"}
    if Status.SUBMITTED in statuses:
        done.update(count_id="submissions-count", count=_waiting_count)
    if event is None:
        done["back_url"] = reverse("events:review-queue")
        return _done(request, text=_("This event no longer exists."), level=messages.INFO, **done)
    form = form_class(request.POST, auto_id=_auto_id(kind, pk))
    if form.is_valid():
        try:
            event = decide(event, form.cleaned_data)
        except ValidationError as error:
            if getattr(error, "code", None) in ("wrong_status", "gone"):
                return _done(request, text=_already_handled(event), level=messages.INFO, **done)
            form.add_error(None, error)
        else:
            return _done(request, text=done_text(event), level=messages.SUCCESS, **done)
    if event.status not in statuses:
        return _done(request, text=_already_handled(event), level=messages.INFO, **done)
    _focus_first_error(form)
    bound = {f"{kind}_form": form}
    if _from_review_page(request) or Status.SUBMITTED not in statuses:
        # Only the review page shows the forms for published events.
        return _review_page(request, _event_for_review(pk), bound=bound, status=400)
    row = _waiting_events().get(pk=pk)
    if request.htmx:
        context = {"row": _submission_row(row, **bound)}
        return render(request, "events/moderation/_submission.html", context, status=400)
    return _queue_page(request, bound={("event", pk): bound}, status=400)


def _event_for_review(pk):
    return get_object_or_404(
        Event.objects.select_related(
            "place", "place__district", "submitted_by", "created_by"
        ).prefetch_related("organizers", "categories"),
        pk=pk,
    )


# --- Editors' pages -----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def queue(request):
    _require(request, "events.review_events")
    return _queue_page(request)


@login_required
@require_http_methods(["GET", "HEAD"])
def review(request, pk):
    _require(request, "events.review_events")
    return _review_page(request, _event_for_review(pk))


@login_required
@require_POST
def approve(request, pk):
    _require(request, "events.review_events")
    return _decide(
        request,
        pk,
        kind="approve",
        form_class=ApproveForm,
        decide=lambda event, data: workflow.approve_event(event, request.user),
        done_text=lambda event: _with_mail_note(
            _("“%(title)s” has been approved and is now in the calendar.") % {"title": event},
            event,
        ),
    )


@login_required
@require_POST
def reject(request, pk):
    _require(request, "events.review_events")
    return _decide(
        request,
        pk,
        kind="reject",
        form_class=RejectForm,
        decide=lambda event, data: workflow.reject_event(event, request.user, data["reason"]),
        done_text=lambda event: _with_mail_note(
            _("“%(title)s” has been rejected.") % {"title": event}, event
        ),
    )


@login_required
@require_POST
def request_changes(request, pk):
    _require(request, "events.review_events")
    return _decide(
        request,
        pk,
        kind="changes",
        form_class=RequestChangesForm,
        decide=lambda event, data: workflow.request_changes(event, request.user, data["message"]),
        done_text=lambda event: _with_mail_note(
            _("“%(title)s” has gone back to the organiser for changes.") % {"title": event},
            event,
        ),
    )


@login_required
@require_POST
def unpublish(request, pk):
    _require(request, "events.review_events")
    return _decide(
        request,
        pk,
        kind="unpublish",
        form_class=UnpublishForm,
        decide=lambda event, data: workflow.unpublish_event(event, request.user, data["reason"]),
        done_text=lambda event: _with_mail_note(
            _("“%(title)s” has been taken off the calendar and is a draft again.")
            % {"title": event},
            event,
        ),
        statuses=LISTED_STATUSES,
    )


@login_required
@require_POST
def resolve_report(request, pk):
    _require(request, "events.handle_reports")
    report = get_object_or_404(Report.objects.select_related("event"), pk=pk)
    if _from_review_page(request):
        back_url = reverse("events:review", kwargs={"pk": report.event_id})
    else:
        back_url = reverse("events:review-queue")
    done = {
        "back_url": back_url,
        "row_id": f"report-{pk}",
        "count_id": "reports-count",
        "count": _open_report_count,
    }
    form = ResolveReportForm(request.POST, auto_id=_auto_id("resolve", pk))
    if form.is_valid():
        try:
            workflow.resolve_report(report, request.user, form.cleaned_data["resolution"])
        except ValidationError:
            report.refresh_from_db()
            text = _("This report has already been handled by %(person)s (%(when)s).") % {
                "person": report.resolved_by or _("someone"),
                "when": _local(report.resolved_at) if report.resolved_at else "",
            }
            return _done(request, text=text, level=messages.INFO, **done)
        text = _("The report on “%(title)s” has been marked as handled.") % {"title": report.event}
        return _done(request, text=text, level=messages.SUCCESS, **done)
    _focus_first_error(form)
    if _from_review_page(request):
        bound = {"report_forms": {report.pk: form}}
        return _review_page(request, _event_for_review(report.event_id), bound=bound, status=400)
    if request.htmx:
        context = {"row": _report_row(report, form), "in_queue": True}
        return render(request, "events/moderation/_report.html", context, status=400)
    return _queue_page(request, bound={("report", pk): {"form": form}}, status=400)


# --- Reporting an event (anyone) ----------------------------------------------------


def _report_page(request, event, form, *, status=200, rate_limited=False):
    context = {"event": event, "form": form, "rate_limited": rate_limited}
    return render(request, "events/moderation/report.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request, pk):
    event = get_object_or_404(Event, pk=pk)
    if not event.is_listed:
        raise Http404
    if request.method != "POST":
        return _report_page(request, event, ReportForm(user=request.user))
    allowed = ratelimit.allow(
        "event-report", ratelimit.client_address(request), REPORTS_PER_HOUR, 60 * 60
    )
    if not allowed:
        # The text stays in the form so that the person can keep it for later.
        kept = ReportForm(
            user=request.user,
            initial={name: request.POST.get(name, "") for name in ("reason", "message", "email")},
        )
        return _report_page(request, event, kept, status=429, rate_limited=True)
    thanks = _("Thank you for your report. The editors will look at the event.")
    if request.POST.get("homepage"):
        # A bot filled the hidden trap: it is told what a person would be told.
        messages.success(request, thanks)
        return redirect(event)
    form = ReportForm(request.POST, user=request.user)
    if not form.is_valid():
        _focus_first_error(form)
        return _report_page(request, event, form, status=400)
    workflow.report_event(
        event,
        reason=form.cleaned_data["reason"],
        message=form.cleaned_data["message"],
        reporter=request.user,
        email=form.cleaned_data.get("email", ""),
    )
    messages.success(request, thanks)
    return redirect(event)
