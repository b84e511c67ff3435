"""The life of an event: organisers create, edit, submit, cancel and postpone it; editors
review, unpublish and handle reports. Each state change is one function that locks the
event, checks the state, saves, writes the activity log and tells the people concerned.
"""

import datetime as dt

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from quartiersnetz.accounts.models import NotificationKind, User
from quartiersnetz.accounts.notifications import notify
from quartiersnetz.core import activity
from quartiersnetz.core.activity import changed_values, history, log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.models import SiteSettings
from quartiersnetz.core.timeutil import localize
from quartiersnetz.events import domain
from quartiersnetz.events.domain import save_event
from quartiersnetz.events.models import LISTED_STATUSES, Event, Occurrence, Report, Status


class Action:
    """The names of activity log entries about events."""

    CREATED = "created"
    EDITED = "edited"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    APPROVED = "approved"
    REJECTED = "rejected"
    CHANGES_REQUESTED = "changes_requested"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    UNPUBLISHED = "unpublished"
    DELETED = "deleted"
    REPORTED = "reported"
    REPORT_HANDLED = "report_handled"
    DATE_CANCELLED = "date_cancelled"
    DATE_RESTORED = "date_restored"
    DATE_MOVED = "date_moved"


# What an edit is compared on, in the order the activity log lists it.
LOGGED_FIELDS = (
    "title",
    "teaser",
    "description",
    "start",
    "end",
    "all_day",
    "recurrence_rule",
    "recurrence_exceptions",
    "place",
    "online_url",
    "organizers",
    "contact_name",
    "contact_email",
    "contact_phone",
    "categories",
    "audience",
    "is_free",
    "price",
    "registration_url",
    "image",
    "image_alt",
    "expected_attendance",
    "visibility",
    "status",
    "is_highlight",
)
MANY_TO_MANY = {"organizers", "categories"}

# An anonymous submitter confirms their address within this time.
CONFIRMATION_MAX_AGE = dt.timedelta(days=3)
CONFIRMATION_SALT = "quartiersnetz.events.confirm-submission"
STOP_MAILS_SALT = "quartiersnetz.events.stop-submitter-mails"


def snapshot(event):
    """The logged fields of the event as text, the way the form shows them."""
    return activity.snapshot(event, LOGGED_FIELDS)


def _locked(event):
    """The event as stored now, locked until the transaction ends."""
    current = Event.objects.select_for_update().filter(pk=event.pk).first()
    if current is None:
        raise ValidationError(_("This event no longer exists."), code="gone")
    return current


def _require_status(event, allowed, message):
    if event.status not in allowed:
        raise ValidationError(message, code="wrong_status")


def editors():
    return User.objects.filter(Q(is_editor=True) | Q(is_superuser=True), is_active=True)


def _event_mail_context(event, **extra):
    return {
        "event": event,
        "event_url": absolute_url(event.get_absolute_url()),
        "manage_url": absolute_url(reverse("events:mine")),
        "review_url": absolute_url(reverse("events:review-queue")),
        **extra,
    }


def _tell_submitter(event, template, **extra):
    """Tell whoever submitted the event what the editors decided, if they asked for it."""
    context = _event_mail_context(event, **extra)
    person = event.submitted_by or event.created_by
    if person is not None:
        notify(
            User.objects.filter(pk=person.pk), NotificationKind.REVIEW_RESULTS, template, context
        )
    elif event.submitter_email and event.submitter_wants_decision:
        token = signing.dumps(event.pk, salt=STOP_MAILS_SALT)
        send_bilingual_mail(
            template,
            {**context, "notification_kind": NotificationKind.REVIEW_RESULTS.label},
            [event.submitter_email],
            unsubscribe_url=absolute_url(
                reverse("events:stop-submitter-mails", kwargs={"token": token})
            ),
        )


def stop_submitter_mails(token):
    """The anonymous submitter's unsubscribe link: no more decisions by mail."""
    try:
        pk = signing.loads(token, salt=STOP_MAILS_SALT)
    except signing.BadSignature:
        raise ValidationError(_("This link is not valid."), code="invalid_link") from None
    Event.objects.filter(pk=pk).update(submitter_wants_decision=False)


@transaction.atomic
def create_event(event, *, actor, save_related=None, form_key=None):
    """Save a new event as a draft of its organisations; returns (event, created).

    A form sent twice (a double click, a reload) carries the same form_key: the
    second time nothing is saved and the first event is returned.
    """
    if form_key is not None:
        existing = Event.objects.filter(form_key=form_key).first()
        if existing is not None:
            return existing, False
    event.status = Status.DRAFT
    event.created_by = actor if actor is not None and actor.is_authenticated else None
    event.form_key = form_key
    try:
        with transaction.atomic():
            save_event(event, save_related=save_related)
    except IntegrityError:
        # The same form arrived twice at the same moment; the other request saved it.
        existing = Event.objects.filter(form_key=form_key).first() if form_key else None
        if existing is None:
            raise
        return existing, False
    log_activity(event, actor, Action.CREATED, changes=changed_values({}, snapshot(event)))
    return event, True


@transaction.atomic
def update_event(event, *, actor, expected_sequence, save_related=None):
    """Save an organiser's or editor's edit; returns the changes {field: [before, after]}.

    expected_sequence is the event's SEQUENCE when the form was opened: if someone
    changed the event since, nothing is saved and the person is told.
    """
    current = _locked(event)
    if current.sequence != expected_sequence:
        last = history(current).filter(actor__isnull=False).first()
        if last is not None:
            message = _(
                "%(person)s changed this event on %(when)s, after you opened the form. "
                "Your changes have not been saved: compare them with the current version "
                "and save again."
            ) % {
                "person": last.actor,
                "when": date_format(localize(last.created_at), "DATETIME_FORMAT"),
            }
        else:
            message = _(
                "Someone changed this event after you opened the form. Your changes have "
                "not been saved: compare them with the current version and save again."
            )
        raise ValidationError(message, code="edited_meanwhile")
    before = snapshot(current)
    event.sequence = current.sequence
    event.status = current.status
    save_event(event, save_related=save_related)
    changes = changed_values(before, snapshot(event))
    if changes:
        log_activity(event, actor, Action.EDITED, changes=changes)
    return changes


@transaction.atomic
def save_in_admin(event, *, actor, save_related):
    """An editor's save in the Django admin, logged like every other change."""
    before = snapshot(_locked(event)) if event.pk else {}
    save_event(event, save_related=save_related)
    changes = changed_values(before, snapshot(event))
    if changes:
        log_activity(event, actor, Action.EDITED if before else Action.CREATED, changes=changes)


def _local_slot(occurrence):
    return localize(occurrence.start).strftime("%Y-%m-%d %H:%M")


def cancel_date(occurrence, actor):
    """One date of a series does not take place (the series stays)."""
    with transaction.atomic():
        domain.cancel_occurrence(occurrence)
        log_activity(
            occurrence.event, actor, Action.DATE_CANCELLED, message=_local_slot(occurrence)
        )


def restore_date(occurrence, actor):
    with transaction.atomic():
        domain.restore_occurrence(occurrence)
        log_activity(occurrence.event, actor, Action.DATE_RESTORED, message=_local_slot(occurrence))


def move_date(occurrence, actor, start, end):
    """Move one date of a series; the log keeps where it was."""
    with transaction.atomic():
        before = _local_slot(Occurrence.objects.get(pk=occurrence.pk))
        domain.move_occurrence(occurrence, start, end)
        log_activity(
            occurrence.event,
            actor,
            Action.DATE_MOVED,
            changes={"start": [before, _local_slot(occurrence)]},
        )


def _require_submittable(event):
    _require_status(
        event,
        (Status.DRAFT, Status.REJECTED),
        _("This event has already been submitted or published."),
    )
    if not event.organizers.exists() and not event.submitter_email:
        raise ValidationError(
            _("Choose the organisation that organises the event."), code="no_organizer"
        )
    # The checks a published event must pass (a place or an online link, …).
    event.status = Status.SUBMITTED
    event.full_clean(exclude=["image"])


@transaction.atomic
def submit_event(event, actor):
    """Send a draft to the editors; events of a trusted organisation are published at once."""
    event = _locked(event)
    _require_submittable(event)
    trusted = event.organizers.filter(is_trusted=True).exists()
    event.status = Status.PUBLISHED if trusted else Status.SUBMITTED
    event.submitted_by = actor if actor is not None and actor.is_authenticated else None
    event.review_message = ""
    save_event(event)
    if trusted:
        log_activity(
            event, actor, Action.PUBLISHED, message=_("Published directly: trusted organisation.")
        )
    else:
        log_activity(event, actor, Action.SUBMITTED)
        notify(
            editors(),
            NotificationKind.NEW_SUBMISSIONS,
            "events/mail/new_submission.txt",
            _event_mail_context(event),
        )
    return event


@transaction.atomic
def withdraw_event(event, actor):
    """The organiser takes a submission back to edit it further."""
    event = _locked(event)
    _require_status(event, (Status.SUBMITTED,), _("This event is not waiting for review."))
    event.status = Status.DRAFT
    save_event(event)
    log_activity(event, actor, Action.WITHDRAWN)
    return event


def _required_text(text, message):
    text = (text or "").strip()
    if not text:
        raise ValidationError(message, code="required")
    return text


NOT_WAITING = _lazy("This event is not waiting for review any more.")


def _decide(event, editor, *, allowed, refusal, status, action, template, message=""):
    """An editor's decision: the event takes status, the organiser reads message."""
    event = _locked(event)
    _require_status(event, allowed, refusal)
    event.status = status
    event.review_message = message
    save_event(event)
    log_activity(event, editor, action, message=message)
    _tell_submitter(event, template, **({"reason": message} if message else {}))
    return event


@transaction.atomic
def approve_event(event, editor):
    return _decide(
        event,
        editor,
        allowed=(Status.SUBMITTED,),
        refusal=NOT_WAITING,
        status=Status.PUBLISHED,
        action=Action.APPROVED,
        template="events/mail/approved.txt",
    )


@transaction.atomic
def reject_event(event, editor, reason):
    return _decide(
        event,
        editor,
        allowed=(Status.SUBMITTED,),
        refusal=NOT_WAITING,
        status=Status.REJECTED,
        action=Action.REJECTED,
        template="events/mail/rejected.txt",
        message=_required_text(reason, _("Give the organiser a reason for the rejection.")),
    )


@transaction.atomic
def request_changes(event, editor, message):
    return _decide(
        event,
        editor,
        allowed=(Status.SUBMITTED,),
        refusal=NOT_WAITING,
        status=Status.DRAFT,
        action=Action.CHANGES_REQUESTED,
        template="events/mail/changes_requested.txt",
        message=_required_text(message, _("Tell the organiser what to change.")),
    )


@transaction.atomic
def unpublish_event(event, editor, reason):
    """Take a published event off the calendar; it goes back to its organisers as a draft."""
    return _decide(
        event,
        editor,
        allowed=LISTED_STATUSES,
        refusal=_lazy("This event is not published."),
        status=Status.DRAFT,
        action=Action.UNPUBLISHED,
        template="events/mail/unpublished.txt",
        message=_required_text(reason, _("Give the organiser a reason.")),
    )


@transaction.atomic
def cancel_event(event, actor, message=""):
    """The event does not take place; it stays in the calendar and feeds as cancelled."""
    event = _locked(event)
    _require_status(
        event,
        (Status.PUBLISHED, Status.POSTPONED),
        _("Only a published event can be cancelled; delete a draft instead."),
    )
    event.status = Status.CANCELLED
    save_event(event)
    log_activity(event, actor, Action.CANCELLED, message=(message or "").strip())
    return event


@transaction.atomic
def postpone_event(event, actor, start, end):
    """Move a published single event to a new date; the old start stays as previousStartDate."""
    event = _locked(event)
    _require_status(
        event,
        (Status.PUBLISHED, Status.POSTPONED, Status.CANCELLED),
        _("Only a published event can be postponed; change the date of a draft in the form."),
    )
    if event.is_recurring:
        raise ValidationError(
            _("A series is not postponed as a whole: change its dates in the form."),
            code="recurring",
        )
    before = snapshot(event)
    event.previous_start = event.start
    event.start, event.end = start, end
    event.status = Status.POSTPONED
    event.full_clean(exclude=["image"])
    save_event(event)
    log_activity(event, actor, Action.POSTPONED, changes=changed_values(before, snapshot(event)))
    return event


@transaction.atomic
def delete_draft(event, actor):
    """Delete an event that was never shown to the public in its current state."""
    event = _locked(event)
    _require_status(
        event,
        (Status.DRAFT, Status.REJECTED),
        _("Only drafts can be deleted; cancel a published event instead."),
    )
    log_activity(event, actor, Action.DELETED)
    event.delete()


@transaction.atomic
def report_event(event, *, reason, message="", reporter=None, email=""):
    """Anyone tells the editors that something is wrong with an event."""
    if reason not in Report.Reason.values:
        raise ValidationError(_("Choose a reason."), code="invalid_reason")
    report = Report.objects.create(
        event=event,
        reason=reason,
        message=(message or "").strip(),
        reporter=reporter if reporter is not None and reporter.is_authenticated else None,
        email=email,
    )
    log_activity(event, reporter, Action.REPORTED, message=report.get_reason_display())
    notify(
        editors(),
        NotificationKind.NEW_REPORTS,
        "events/mail/new_report.txt",
        _event_mail_context(event, report=report),
    )
    return report


@transaction.atomic
def resolve_report(report, editor, resolution=""):
    report = Report.objects.select_for_update().filter(pk=report.pk).first()
    if report is None or report.resolved_at is not None:
        raise ValidationError(_("This report has already been handled."), code="handled")
    report.resolved_at = timezone.now()
    report.resolved_by = editor
    report.resolution = (resolution or "").strip()
    report.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    log_activity(report.event, editor, Action.REPORT_HANDLED, message=report.resolution)
    return report


@transaction.atomic
def create_anonymous_submission(
    event, *, name, email, wants_decision, save_related=None, form_key=None
):
    """An event sent without an account: saved as a draft until the address is confirmed."""
    event.submitter_name = name.strip()
    event.submitter_email = email.strip()
    event.submitter_wants_decision = bool(wants_decision)
    event, created = create_event(event, actor=None, save_related=save_related, form_key=form_key)
    if not created:
        return event
    token = signing.dumps(event.pk, salt=CONFIRMATION_SALT)
    send_bilingual_mail(
        "events/mail/confirm_submission.txt",
        {
            "event": event,
            "name": event.submitter_name,
            "confirm_url": absolute_url(
                reverse("events:confirm-submission", kwargs={"token": token})
            ),
            "days": CONFIRMATION_MAX_AGE.days,
        },
        [event.submitter_email],
    )
    return event


@transaction.atomic
def confirm_anonymous_submission(token):
    """The link from the confirmation mail sends the event to review (once)."""
    try:
        pk = signing.loads(
            token, salt=CONFIRMATION_SALT, max_age=CONFIRMATION_MAX_AGE.total_seconds()
        )
    except signing.SignatureExpired:
        raise ValidationError(
            _(
                "This confirmation link has expired. Please send the event again; "
                "links are valid for %(days)s days."
            )
            % {"days": CONFIRMATION_MAX_AGE.days},
            code="expired",
        ) from None
    except signing.BadSignature:
        raise ValidationError(
            _("This confirmation link is not valid."), code="invalid_link"
        ) from None
    event = Event.objects.filter(pk=pk, created_by=None).exclude(submitter_email="").first()
    if event is None:
        raise ValidationError(
            _("This event no longer exists: the editors may have removed it."), code="gone"
        )
    if event.status != Status.DRAFT or history(event).filter(action=Action.SUBMITTED).exists():
        raise ValidationError(
            _("You have already confirmed this event; it is with the editors."),
            code="already_confirmed",
        )
    return submit_event(event, None)


def anonymous_submissions_enabled():
    return SiteSettings.load().anonymous_submissions
