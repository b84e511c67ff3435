"""Finding a date for a meeting: the moderator proposes dates, members answer yes, if need
be or no (with or without an account, through their personal link), the moderator picks
one and it becomes a planned meeting. The date coordination engine tells what else is
planned on each proposed date."""

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.domain import meetings
from quartiersnetz.conferences.domain.conferences import current_members
from quartiersnetz.conferences.models import (
    Conference,
    DatePoll,
    Membership,
    PollAnswer,
    PollOption,
)
from quartiersnetz.coordination import domain as coordination
from quartiersnetz.coordination.engine import BookingKind
from quartiersnetz.coordination.models import DateHold
from quartiersnetz.core.activity import log_activity
from quartiersnetz.core.mail import absolute_url, send_bilingual_mail
from quartiersnetz.core.timeutil import local_today, localize

MIN_OPTIONS = 2
MAX_OPTIONS = 20
# Typing 2062 for 2026 should not propose a date decades ahead.
MAX_YEARS_AHEAD = 3
# The same poll sent twice by the same person within this time is one poll (a double
# click, a reload after sending).
DUPLICATE_WINDOW = dt.timedelta(minutes=10)
ANSWERS = PollAnswer.Answer


class Action:
    """The names of activity log entries about polls."""

    CREATED = "poll created"
    ANSWERED = "poll answered"
    PICKED = "date picked"


def date_text(start, end):
    """A proposed date for logs and messages: '12.05.2026 17:00–19:00' (local time)."""
    start, end = localize(start), localize(end)
    if start.date() == end.date():
        return f"{start:%d.%m.%Y %H:%M}–{end:%H:%M}"
    return f"{start:%d.%m.%Y %H:%M} – {end:%d.%m.%Y %H:%M}"


# --- Creating a poll ------------------------------------------------------------------


def option_errors(options, now=None):
    """What is wrong with the proposed dates [(start, end), ...]: a list of
    (position in the list or None for the whole list, message)."""
    now = now or timezone.now()
    errors = []
    if len(options) < MIN_OPTIONS:
        errors.append(
            (
                None,
                _("Propose at least %(count)s dates, so that members have a choice.")
                % {"count": MIN_OPTIONS},
            )
        )
    if len(options) > MAX_OPTIONS:
        errors.append((None, _("Propose at most %(count)s dates.") % {"count": MAX_OPTIONS}))
    latest = now + dt.timedelta(days=365 * MAX_YEARS_AHEAD)
    seen = set()
    for position, (start, end) in enumerate(options):
        if end <= start:
            errors.append((position, _("The end must be after the start.")))
        elif start <= now:
            errors.append((position, _("This date is in the past.")))
        elif start > latest:
            errors.append(
                (
                    position,
                    _("This date is more than %(years)s years ahead.") % {"years": MAX_YEARS_AHEAD},
                )
            )
        elif (start, end) in seen:
            errors.append((position, _("This date is proposed twice.")))
        seen.add((start, end))
    return errors


def _duplicate(conference, title, options, user):
    """The same poll saved by the same person a moment ago, or None."""
    if user is None:
        return None
    starts = sorted(start for start, _end in options)
    recent = DatePoll.objects.filter(
        conference=conference,
        created_by=user,
        title=title,
        created_at__gte=timezone.now() - DUPLICATE_WINDOW,
    ).prefetch_related("options")
    for poll in recent:
        if sorted(option.start for option in poll.options.all()) == starts:
            return poll
    return None


def create_poll(conference, title, note, place, options, user):
    """Save a poll with its proposed dates [(start, end), ...] (aware) and send every
    current member their personal answer link; returns (poll, created).

    A form sent twice saves one poll: the conference's row is locked so that two
    requests at the same moment check for each other in turn."""
    user = user if user is not None and user.is_authenticated else None
    options = sorted(options)
    errors = option_errors(options)
    if errors:
        raise ValidationError(
            [
                message
                if position is None
                else _("Date %(number)s: %(message)s")
                % {"number": position + 1, "message": message}
                for position, message in errors
            ]
        )
    with transaction.atomic():
        Conference.objects.select_for_update().filter(pk=conference.pk).first()
        existing = _duplicate(conference, title, options, user)
        if existing is not None:
            return existing, False
        poll = DatePoll(conference=conference, title=title, note=note, place=place, created_by=user)
        poll.full_clean()
        poll.save()
        PollOption.objects.bulk_create(
            PollOption(poll=poll, start=start, end=end) for start, end in options
        )
        log_activity(
            poll,
            user,
            Action.CREATED,
            changes={"options": ["", ", ".join(date_text(*option) for option in options)]},
        )
    _mail_members(poll, "conferences/mail/poll_invitation.txt")
    return poll, True


def answer_url(poll, membership):
    """The member's personal address for answering the poll (no account needed)."""
    return absolute_url(
        reverse("conferences:poll-answer", kwargs={"pk": poll.pk, "token": membership.token})
    )


def _mail_members(poll, template, **extra):
    """One mail to each current member with an address, with their personal link."""
    options = list(poll.options.all())
    for membership in current_members(poll.conference):
        if not membership.address:
            continue
        send_bilingual_mail(
            template,
            {
                "poll": poll,
                "conference": poll.conference,
                "membership": membership,
                "options": options,
                "answer_url": answer_url(poll, membership),
                **extra,
            },
            [membership.address],
        )


# --- Answering ------------------------------------------------------------------------


def _locked(poll):
    """The poll as stored now, locked until the transaction ends."""
    current = (
        DatePoll.objects.select_for_update(of=("self",))
        .select_related("conference", "place")
        .filter(pk=poll.pk)
        .first()
    )
    if current is None:
        raise ValidationError(_("This date poll no longer exists."), code="gone")
    return current


def _closed_message(poll):
    if poll.meeting_id:
        return _("The date has been fixed: %(date)s. Answers are no longer possible.") % {
            "date": date_text(poll.meeting.start, poll.meeting.end)
        }
    return _("This date poll is closed: answers are no longer possible.")


def answer(poll, membership, answers, *, user=None):
    """Save a member's answers {option id: "yes" | "maybe" | "no"}; answers given before
    are changed, options left out keep theirs. Returns how many answers changed."""
    with transaction.atomic():
        current = _locked(poll)
        if not current.is_open:
            raise ValidationError(_closed_message(current), code="closed")
        if membership.conference_id != current.conference_id or not membership.is_current(
            local_today()
        ):
            raise ValidationError(
                _("Only current members of the conference can answer."), code="not_member"
            )
        options = {option.pk: option for option in current.options.all()}
        chosen = {}
        for key, value in answers.items():
            try:
                option_id = int(key)
            except (TypeError, ValueError):
                option_id = None
            if option_id not in options:
                raise ValidationError(
                    _("One of the dates is not part of this poll. Reload the page."),
                    code="unknown_option",
                )
            if value not in ANSWERS.values:
                raise ValidationError(
                    _("Answer each date with yes, if need be or no."), code="invalid_answer"
                )
            chosen[option_id] = value
        if not chosen:
            raise ValidationError(_("Answer at least one of the dates."), code="empty")
        stored = {
            row.option_id: row
            for row in PollAnswer.objects.filter(option__poll=current, membership=membership)
        }
        new, changes = [], {}
        for option_id, value in chosen.items():
            row = stored.get(option_id)
            before = "" if row is None else row.answer
            if before == value:
                continue
            option = options[option_id]
            changes[date_text(option.start, option.end)] = [before, value]
            if row is None:
                new.append(PollAnswer(option=option, membership=membership, answer=value))
            else:
                row.answer = value
                row.save(update_fields=["answer", "updated_at"])
        PollAnswer.objects.bulk_create(new)
        if changes:
            log_activity(current, user, Action.ANSWERED, message=str(membership), changes=changes)
    return len(changes)


def answers_of(poll, membership):
    """{option id: answer} the member has given."""
    return dict(
        PollAnswer.objects.filter(option__poll=poll, membership=membership).values_list(
            "option_id", "answer"
        )
    )


# --- Results and clashes --------------------------------------------------------------


@dataclass
class OptionResult:
    """One proposed date with its answers counted and what else is planned then."""

    option: PollOption
    yes: int = 0
    maybe: int = 0
    no: int = 0
    conflicts: list = field(default_factory=list)
    is_best: bool = False

    @property
    def answered(self):
        return self.yes + self.maybe + self.no


@dataclass
class Cell:
    option: PollOption
    answer: str

    @property
    def label(self):
        return ANSWERS(self.answer).label if self.answer else ""


@dataclass
class MemberRow:
    """A member and their answer to each proposed date ("" when not answered)."""

    membership: Membership
    cells: list


@dataclass
class PollResults:
    options: list
    members: list
    best: OptionResult | None


def results(poll, *, with_clashes=True, public_only=False):
    """The answers counted per proposed date, who answered what (current members and
    anyone who answered), the best date (most yes, then most if need be; the earlier on
    a tie; None without any yes or if-need-be) and, with_clashes, each date's conflicts."""
    options = list(poll.options.all())
    counted = [OptionResult(option) for option in options]
    by_option = {result.option.pk: result for result in counted}
    given = {}
    extra = {}
    for row in PollAnswer.objects.filter(option__poll=poll).select_related(
        "membership", "membership__on_behalf_of"
    ):
        result = by_option[row.option_id]
        setattr(result, row.answer, getattr(result, row.answer) + 1)
        given.setdefault(row.membership_id, {})[row.option_id] = row.answer
        extra[row.membership_id] = row.membership
    members = list(current_members(poll.conference))
    listed = {membership.pk for membership in members}
    members += sorted(
        (membership for pk, membership in extra.items() if pk not in listed),
        key=lambda membership: membership.name,
    )
    rows = [
        MemberRow(
            membership,
            [Cell(option, given.get(membership.pk, {}).get(option.pk, "")) for option in options],
        )
        for membership in members
    ]
    best = None
    for result in counted:
        if (result.yes or result.maybe) and (
            best is None or (result.yes, result.maybe) > (best.yes, best.maybe)
        ):
            best = result
    if best is not None:
        best.is_best = True
    if with_clashes:
        found = clashes(poll, options, public_only=public_only)
        for result in counted:
            result.conflicts = found[result.option.pk]
    return PollResults(options=counted, members=rows, best=best)


def clashes(poll, options=None, *, public_only=False):
    """{option id: conflicts} from the date coordination engine: what else is planned
    at the poll's place, in the conference's district, on holidays... at each date.

    public_only: without date holds that only organisers may see (for members who answer
    through their link, who may have no account)."""
    options = list(poll.options.all()) if options is None else options
    # The same district as the meeting's own check (domain.meetings.conflicts).
    district_id = poll.conference.districts.order_by("name").values_list("pk", flat=True).first()
    found = {}
    for option in options:
        candidate = coordination.candidate_for(
            option.start,
            option.end,
            False,
            district=district_id,
            place=poll.place_id,
            attendance=None,
        )
        found[option.pk] = coordination.check(candidate)
    if public_only:
        found = _without_private_holds(found)
    return found


def _without_private_holds(found):
    hold_ids = {
        int(conflict.booking.key.partition(":")[2])
        for conflicts in found.values()
        for conflict in conflicts
        if conflict.booking is not None and conflict.booking.kind == BookingKind.HOLD
    }
    if not hold_ids:
        return found
    public = set(
        DateHold.objects.filter(pk__in=hold_ids, visibility=DateHold.Visibility.PUBLIC).values_list(
            "pk", flat=True
        )
    )
    return {
        option_id: [
            conflict
            for conflict in conflicts
            if conflict.booking is None
            or conflict.booking.kind != BookingKind.HOLD
            or int(conflict.booking.key.partition(":")[2]) in public
        ]
        for option_id, conflicts in found.items()
    }


def open_polls(conference):
    """The conference's polls still open for answers, with how many members answered."""
    return (
        conference.polls.filter(is_open=True)
        .annotate(
            option_count=Count("options", distinct=True),
            answered_count=Count("options__answers__membership", distinct=True),
        )
        .order_by("-created_at")
    )


def member_for(poll, user):
    """The signed-in person's current membership in the poll's conference, or None."""
    if not (user.is_authenticated and user.is_active):
        return None
    return (
        poll.conference.memberships.current(local_today())
        .filter(user=user)
        .select_related("on_behalf_of")
        .first()
    )


def membership_by_token(poll, token):
    """The current member of the poll's conference with this personal token, or None."""
    if not token or len(token) > 64:
        return None
    return (
        Membership.objects.current(local_today())
        .filter(token=token, conference_id=poll.conference_id)
        .select_related("on_behalf_of")
        .first()
    )


# --- Picking the date -----------------------------------------------------------------


def _create_meeting(poll, option, user):
    """The planned meeting on the picked date, at the poll's place, made by the meetings
    part (which checks it and logs it)."""
    return meetings.create_meeting(
        poll.conference,
        {"title": poll.title, "start": option.start, "end": option.end, "place": poll.place},
        user,
    )


def pick(poll, option, user):
    """Fix the date: close the poll, create the planned meeting at the poll's place and
    tell the members. A second pick (a double click) is refused."""
    user = user if user is not None and user.is_authenticated else None
    with transaction.atomic():
        current = _locked(poll)
        if current.meeting_id is not None or not current.is_open:
            raise ValidationError(
                _("The date of this poll has already been fixed.")
                if current.meeting_id
                else _("This date poll is closed."),
                code="closed",
            )
        chosen = current.options.filter(pk=getattr(option, "pk", option)).first()
        if chosen is None:
            raise ValidationError(
                _("This date is not part of the poll. Choose one of the proposed dates."),
                code="unknown_option",
            )
        if current.place_id is None:
            raise ValidationError(
                _("This poll has no place, so no meeting can be planned from it."),
                code="no_place",
            )
        if chosen.start <= timezone.now():
            raise ValidationError(
                _("This date has passed. Choose a later one or start a new poll."), code="past"
            )
        meeting = _create_meeting(current, chosen, user)
        current.is_open = False
        current.meeting = meeting
        current.save(update_fields=["is_open", "meeting"])
        log_activity(
            current,
            user,
            Action.PICKED,
            message=date_text(chosen.start, chosen.end),
            changes={"meeting": ["", date_text(chosen.start, chosen.end)]},
        )
    _mail_members(current, "conferences/mail/poll_picked.txt", meeting=meeting, chosen=chosen)
    return meeting
