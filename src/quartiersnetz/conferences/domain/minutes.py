"""The minutes of a meeting: writing them (one text and decision per agenda item, with
a version check against concurrent edits), the workflow draft → sent to the members for
comments → approved → published, the members' comments, and what each reader sees."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from quartiersnetz.conferences.domain import actions, agenda
from quartiersnetz.conferences.models import (
    ActionItem,
    AgendaItem,
    Meeting,
    Membership,
    Minutes,
    MinutesComment,
)
from quartiersnetz.conferences.rules import current_memberships
from quartiersnetz.core.activity import changed_values, history, log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.text import render_markdown
from quartiersnetz.core.timeutil import local_today, localize

State = Minutes.State

# Minutes belong to meetings that took place; a cancelled meeting has none.
MEETING_STATES = (Meeting.State.HELD, Meeting.State.MINUTES_APPROVED)
# Approved and published minutes are final (only "unpublish" steps back).
EDITABLE_STATES = (State.DRAFT, State.IN_REVIEW)
# Longest comment and per-item texts (as the model fields).
COMMENT_MAX_LENGTH = MinutesComment._meta.get_field("text").max_length
NOTES_MAX_LENGTH = Minutes._meta.get_field("notes").max_length
ITEM_MINUTES_MAX_LENGTH = AgendaItem._meta.get_field("minutes").max_length
DECISION_MAX_LENGTH = AgendaItem._meta.get_field("decision").max_length
# A comment repeated within this time is the same comment sent twice.
REPEAT_WINDOW = dt.timedelta(minutes=10)


class Action:
    """The names of activity log entries about minutes."""

    CREATED = "created"
    EDITED = "edited"
    SENT = "sent_for_comments"
    BACK_TO_DRAFT = "back_to_draft"
    APPROVED = "approved"
    PUBLISHED = "published"
    UNPUBLISHED = "unpublished"
    COMMENTED = "commented"


# --- Reading -------------------------------------------------------------------------


def minutes_of(meeting):
    """The meeting's minutes, or None while nobody has written any."""
    try:
        return meeting.minutes
    except Minutes.DoesNotExist:
        return None


def may_have_minutes(meeting):
    return meeting.state in MEETING_STATES


def is_final(minutes):
    return minutes.state not in EDITABLE_STATES


def visible_to_members(minutes):
    """Drafts are the writer's work in progress: the members see the minutes once sent."""
    return minutes is not None and minutes.state != State.DRAFT


def membership_for_token(meeting, token):
    """The current membership of the meeting's conference with this personal link, or
    None. It lets a member without an account read and comment on the minutes."""
    if not token or len(token) > 64 or not meeting.conference.is_active:
        return None
    return (
        Membership.objects.current(local_today())
        .filter(conference_id=meeting.conference_id, token=token)
        .first()
    )


def minutes_sections(meeting, *, public_only):
    """The agenda items with what the minutes say about them, for reading: public_only
    gives the public page's part (no internal items)."""
    entries = agenda.numbered_items(meeting, public_only=public_only)
    action_items = {}
    if not public_only:
        for action_item in (
            ActionItem.objects.filter(meeting=meeting)
            .select_related("assignee__on_behalf_of", "organization")
            .order_by(*actions.by_due_date())
        ):
            action_items.setdefault(action_item.agenda_item_id, []).append(action_item)
    return [
        {
            "number": entry.number,
            "label": entry.label,
            "item": entry.item,
            "depth": entry.depth,
            "internal": entry.internal,
            "minutes_html": render_markdown(entry.item.minutes),
            "decision": entry.item.decision,
            "action_items": action_items.get(entry.item.pk, []),
        }
        for entry in entries
    ]


# --- Writing -------------------------------------------------------------------------


def _check_meeting(meeting):
    if meeting.state == Meeting.State.CANCELLED:
        raise ValidationError(
            _("This meeting was cancelled: it has no minutes."), code="meeting_cancelled"
        )
    if meeting.state not in MEETING_STATES:
        raise ValidationError(
            _("Minutes can be written once the meeting has been held."), code="not_held"
        )


def _snapshot(minutes, numbered):
    """What an edit is compared on: the notes and each item's text and decision."""
    values = {_("General notes"): minutes.notes}
    for entry in numbered:
        label = f"{entry.label} {entry.item.title}"
        item = entry.item
        values[_("%(item)s: minutes") % {"item": label}] = item.minutes
        values[_("%(item)s: decision") % {"item": label}] = item.decision
    return values


def _edited_meanwhile(current):
    last = (
        history(current).filter(action__in=(Action.CREATED, Action.EDITED)).first()
        if current is not None
        else None
    )
    if last is not None and last.actor is not None:
        message = _(
            "%(person)s changed these minutes on %(when)s, after you opened the form. Your "
            "changes have not been saved: compare them with the current version and save again."
        ) % {
            "person": last.actor,
            "when": date_format(localize(last.created_at), "DATETIME_FORMAT"),
        }
    else:
        message = _(
            "Someone changed these minutes after you opened the form. Your changes have not "
            "been saved: compare them with the current version and save again."
        )
    return ValidationError(message, code="edited_meanwhile")


def _check_lengths(notes, items):
    if len(notes) > NOTES_MAX_LENGTH:
        raise ValidationError(
            _("The general notes are too long (at most %(count)d characters).")
            % {"count": NOTES_MAX_LENGTH},
            code="too_long",
        )
    for text, decision in items.values():
        if len(text) > ITEM_MINUTES_MAX_LENGTH or len(decision) > DECISION_MAX_LENGTH:
            raise ValidationError(
                _("The text of an agenda item is too long (at most %(count)d characters).")
                % {"count": ITEM_MINUTES_MAX_LENGTH},
                code="too_long",
            )


@transaction.atomic
def save_minutes(minutes, notes, items, version, user, new_action_items=()):
    """Save the minutes of a held meeting: the general notes and, per agenda item id,
    (minutes text, decision); returns (minutes, changes).

    minutes may be unsaved (the first save creates them). version is Minutes.version
    when the form was opened: if someone saved since, nothing is saved and the person
    is told who and when. new_action_items are unsaved ActionItem rows agreed on
    items of this meeting, created in the same transaction.
    """
    # The meeting's row orders concurrent first saves (there is no minutes row yet).
    meeting = Meeting.objects.select_for_update().get(pk=minutes.meeting_id)
    _check_meeting(meeting)
    current = Minutes.objects.select_for_update().filter(meeting=meeting).first()
    if version != (current.version if current is not None else 0):
        raise _edited_meanwhile(current)
    if current is not None and is_final(current):
        raise ValidationError(_("Approved minutes cannot be changed any more."), code="final")
    numbered = agenda.numbered_items(meeting)
    items_by_pk = {entry.item.pk: entry.item for entry in numbered}
    if set(items) - set(items_by_pk):
        raise ValidationError(
            _(
                "An agenda item was removed after you opened the form. Nothing has been "
                "saved: open the minutes again."
            ),
            code="edited_meanwhile",
        )
    notes = notes.strip()
    items = {pk: (text.strip(), decision.strip()) for pk, (text, decision) in items.items()}
    _check_lengths(notes, items)
    created = current is None
    if created:
        current = Minutes(meeting=meeting, author=user if user.is_authenticated else None)
    before = {} if created else _snapshot(current, numbered)
    current.notes = notes
    for pk, (text, decision) in items.items():
        item = items_by_pk[pk]
        if (item.minutes, item.decision) != (text, decision):
            item.minutes, item.decision = text, decision
            item.save(update_fields=["minutes", "decision", "updated_at"])
    changes = changed_values(before, _snapshot(current, numbered))
    if created or changes:
        current.version += 1
        current.save()
        log_activity(current, user, Action.CREATED if created else Action.EDITED, changes=changes)
    for action_item in new_action_items:
        action_item.conference = meeting.conference
        action_item.meeting = meeting
        if action_item.agenda_item_id is not None and action_item.agenda_item_id not in items_by_pk:
            raise ValidationError(
                _("The action item belongs to an item of another meeting."), code="invalid"
            )
        actions.create_action_item(action_item, actor=user)
    return current, changes


# --- The workflow --------------------------------------------------------------------


def _locked(minutes):
    """The meeting and the minutes as stored now, locked (the meeting first, as
    save_minutes does, so two requests never wait on each other)."""
    meeting = Meeting.objects.select_for_update().filter(pk=minutes.meeting_id).first()
    current = Minutes.objects.select_for_update().filter(pk=minutes.pk).first()
    if meeting is None or current is None:
        raise ValidationError(_("These minutes no longer exist."), code="gone")
    current.meeting = meeting
    return current


def _require_state(minutes, allowed, message):
    if minutes.state not in allowed:
        raise ValidationError(message, code="wrong_state")


def _members_to_ask(conference):
    return (
        Membership.objects.current(local_today())
        .filter(conference=conference)
        .select_related("user")
        .order_by("name")
    )


def _ask_for_comments(minutes):
    meeting = minutes.meeting
    page = reverse(
        "conferences:minutes", kwargs={"slug": meeting.conference.slug, "pk": meeting.pk}
    )
    for membership in _members_to_ask(meeting.conference):
        address = membership.address
        if not address:
            continue
        link = absolute_url(page)
        if membership.user_id is None:
            # Without an account the personal link is how the member reads and comments.
            link = f"{link}?token={membership.token}"
        send_bilingual_mail(
            "conferences/mail/minutes_review.txt",
            {
                "membership": membership,
                "meeting": meeting,
                "conference": meeting.conference,
                "minutes_url": link,
                "needs_login": membership.user_id is not None,
            },
            [address],
        )


def send_for_comments(minutes, actor):
    """Draft → sent to the members for comments: every current member with an address
    gets a mail with the link to the minutes (their personal link without an account)."""
    with transaction.atomic():
        current = _locked(minutes)
        _check_meeting(current.meeting)
        _require_state(
            current,
            (State.DRAFT,),
            _("These minutes have already been sent to the members."),
        )
        current.state = State.IN_REVIEW
        current.sent_at = timezone.now()
        current.save(update_fields=["state", "sent_at", "updated_at"])
        log_activity(current, actor, Action.SENT)
        # Queued inside the transaction: the task worker's queue is a table, so the mails
        # go out only if the change is saved.
        _ask_for_comments(current)
    return current


def back_to_draft(minutes, actor):
    """Sent for comments → draft again (to rework them before sending anew)."""
    with transaction.atomic():
        current = _locked(minutes)
        _require_state(
            current,
            (State.IN_REVIEW,),
            _("Only minutes sent for comments can go back to the draft."),
        )
        current.state = State.DRAFT
        current.save(update_fields=["state", "updated_at"])
        log_activity(current, actor, Action.BACK_TO_DRAFT)
    return current


def approve(minutes, actor):
    """Sent for comments → approved; the meeting's state becomes "minutes approved"."""
    with transaction.atomic():
        current = _locked(minutes)
        _check_meeting(current.meeting)
        _require_state(
            current,
            (State.IN_REVIEW,),
            _("Only minutes that were sent to the members for comments can be approved."),
        )
        current.state = State.APPROVED
        current.approved_at = timezone.now()
        current.approved_by = actor if actor.is_authenticated else None
        current.save(update_fields=["state", "approved_at", "approved_by", "updated_at"])
        meeting = current.meeting
        if meeting.state != Meeting.State.MINUTES_APPROVED:
            meeting.state = Meeting.State.MINUTES_APPROVED
            meeting.save(update_fields=["state", "updated_at"])
        log_activity(current, actor, Action.APPROVED)
    return current


def publish(minutes, actor):
    """Approved → published: the public page shows the public items' minutes."""
    with transaction.atomic():
        current = _locked(minutes)
        _require_state(current, (State.APPROVED,), _("Only approved minutes can be published."))
        current.state = State.PUBLISHED
        current.published_at = timezone.now()
        current.save(update_fields=["state", "published_at", "updated_at"])
        log_activity(current, actor, Action.PUBLISHED)
    return current


def unpublish(minutes, actor):
    """Published → approved: the minutes leave the public page and stay approved."""
    with transaction.atomic():
        current = _locked(minutes)
        _require_state(current, (State.PUBLISHED,), _("These minutes are not published."))
        current.state = State.APPROVED
        current.published_at = None
        current.save(update_fields=["state", "published_at", "updated_at"])
        log_activity(current, actor, Action.UNPUBLISHED)
    return current


# The transitions by the word in their address.
TRANSITIONS = {
    "send": send_for_comments,
    "back-to-draft": back_to_draft,
    "approve": approve,
    "publish": publish,
    "unpublish": unpublish,
}


def transition(minutes, action, actor):
    """Apply the named transition (a key of TRANSITIONS)."""
    return TRANSITIONS[action](minutes, actor)


# --- Comments ------------------------------------------------------------------------


def add_comment(minutes, text, *, user=None, membership=None):
    """A member's comment on minutes sent for comments: by their account (user) or
    through their personal link (membership). The writer of the minutes is told."""
    text = (text or "").strip()
    if not text:
        raise ValidationError(_("Write a comment first."), code="empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("The comment is too long (at most %(count)d characters).")
            % {"count": COMMENT_MAX_LENGTH},
            code="too_long",
        )
    if user is not None and not user.is_authenticated:
        user = None
    if user is None and membership is None:
        raise ValidationError(_("Only members can comment."), code="not_member")
    with transaction.atomic():
        current = (
            Minutes.objects.select_for_update(of=("self",))
            .select_related("meeting__conference", "author")
            .filter(pk=minutes.pk)
            .first()
        )
        if current is None:
            raise ValidationError(_("These minutes no longer exist."), code="gone")
        _require_state(
            current,
            (State.IN_REVIEW,),
            _("Comments are possible only while the minutes are sent to the members."),
        )
        conference = current.meeting.conference
        if membership is None:
            if not user.has_perm("conferences.view_internal", conference):
                raise ValidationError(_("Only members can comment."), code="not_member")
            membership = current_memberships(user).filter(conference=conference).first()
        elif membership.conference_id != conference.pk:
            raise ValidationError(_("Only members can comment."), code="not_member")
        if user is None and membership.user_id is not None:
            user = membership.user
        # The same comment sent twice (a double click, a reload) is saved once.
        repeated = current.comments.filter(
            membership=membership,
            author=user,
            text=text,
            created_at__gte=timezone.now() - REPEAT_WINDOW,
        ).first()
        if repeated is not None:
            return repeated
        name = membership.name if membership is not None else str(user)
        comment = MinutesComment.objects.create(
            minutes=current,
            membership=membership,
            author=user,
            name=name[: MinutesComment._meta.get_field("name").max_length] or "?",
            text=text,
        )
        log_activity(current, user, Action.COMMENTED, message=name)
        author = current.author
        if author is not None and author.is_active and author.email and author != user:
            _tell_writer(current, comment)
    return comment


def _tell_writer(minutes, comment):
    meeting = minutes.meeting
    send_bilingual_mail(
        "conferences/mail/minutes_comment.txt",
        {
            "meeting": meeting,
            "conference": meeting.conference,
            "comment": comment,
            "minutes_url": absolute_url(
                reverse(
                    "conferences:minutes",
                    kwargs={"slug": meeting.conference.slug, "pk": meeting.pk},
                )
            ),
        },
        [minutes.author.email],
    )
