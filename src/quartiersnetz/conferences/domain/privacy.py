"""What the conferences store about a person, for the account's data export (GDPR Art.
15/20) and erasure (Art. 17): memberships linked to the account or its addresses,
sign-ups, invitation subscriptions, poll answers, comments on minutes, concerns raised
and followed."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from quartiersnetz.conferences.models import (
    Concern,
    ConcernFollower,
    Membership,
    MinutesComment,
    PollAnswer,
    Registration,
    Subscriber,
)

# Anonymised sign-ups keep a unique placeholder address in the reserved .invalid domain.
ANONYMISED_DOMAIN = "@anonymised.invalid"


def _iso(value):
    return value.isoformat() if value is not None else None


def _memberships(user, addresses):
    return Membership.objects.filter(Q(user=user) | Q(user=None, email__in=addresses))


def export(user, addresses):
    """The person's conference data as JSON-serialisable lists (addresses: the account's
    verified addresses, lower case)."""
    memberships = list(
        _memberships(user, addresses).select_related("conference", "on_behalf_of").order_by("pk")
    )
    return {
        "conference_memberships": [
            {
                "conference": membership.conference.name,
                "name": membership.name,
                "email": membership.email,
                "phone": membership.phone,
                "on_behalf_of": membership.on_behalf_of.name if membership.on_behalf_of else None,
                "role": membership.role,
                "from": _iso(membership.start_date),
                "until": _iso(membership.end_date),
                "contact_shown_publicly": membership.show_contact,
            }
            for membership in memberships
        ],
        "conference_poll_answers": [
            {
                "poll": str(answer.option.poll),
                "date": _iso(answer.option.start),
                "answer": answer.answer,
            }
            for answer in PollAnswer.objects.filter(membership__in=memberships)
            .select_related("option__poll__conference")
            .order_by("option__start")
        ],
        "conference_sign_ups": [
            {
                "meeting": str(registration.meeting),
                "date": _iso(registration.meeting.start),
                "name": registration.name,
                "email": registration.email,
                "accessibility_needs": registration.accessibility_needs,
                "status": registration.status,
                "attended": registration.attended,
            }
            for registration in Registration.objects.filter(email__in=addresses)
            .select_related("meeting__conference")
            .order_by("created_at")
        ],
        "conference_invitation_subscriptions": [
            {
                "conference": subscriber.conference.name,
                "email": subscriber.email,
                "confirmed": _iso(subscriber.confirmed_at),
            }
            for subscriber in Subscriber.objects.filter(email__in=addresses).select_related(
                "conference"
            )
        ],
        "concerns_raised": [
            {
                "title": concern.title,
                "district": concern.district.name,
                "status": concern.status,
                "name": concern.author_name,
                "email": concern.author_email,
                "raised": _iso(concern.created_at),
            }
            for concern in Concern.objects.filter(
                Q(author=user) | Q(author_email__in=addresses)
            ).select_related("district")
        ],
        "concerns_followed": [
            {"concern": follower.concern.title, "email": follower.email}
            for follower in ConcernFollower.objects.filter(email__in=addresses).select_related(
                "concern"
            )
        ],
        "comments_on_minutes": [
            {"minutes": str(comment.minutes), "text": comment.text, "at": _iso(comment.created_at)}
            for comment in MinutesComment.objects.filter(
                Q(author=user) | Q(membership__in=memberships)
            ).select_related("minutes__meeting__conference")
        ],
    }


def erase(user, addresses):
    """Delete the person's memberships (with their poll answers and attendance), sign-ups
    and subscriptions. Comments on minutes stay part of the minutes, without the name."""
    memberships = _memberships(user, addresses)
    MinutesComment.objects.filter(Q(author=user) | Q(membership__in=memberships)).update(
        author=None, membership=None, name=""
    )
    memberships.delete()
    Registration.objects.filter(email__in=addresses).delete()
    Subscriber.objects.filter(email__in=addresses).delete()
    ConcernFollower.objects.filter(email__in=addresses).delete()
    # A concern belongs to its district's public record; who raised it is forgotten.
    Concern.objects.filter(Q(author=user) | Q(author_email__in=addresses)).update(
        author=None, author_name="", author_email=""
    )


def forget_old_sign_ups(now=None):
    """Citizens' sign-ups are needed until the meeting and its attendance list are done:
    CONFERENCES_SIGN_UP_RETENTION_DAYS after a meeting ended, name, address and
    accessibility needs are removed (the count of who came stays). Unconfirmed
    invitation subscriptions, concerns and followers of concerns older than a week are
    deleted. Returns how many sign-ups were anonymised."""
    now = now or timezone.now()
    ended_before = now - dt.timedelta(days=settings.CONFERENCES_SIGN_UP_RETENTION_DAYS)
    old = Registration.objects.filter(meeting__end__lt=ended_before).exclude(
        email__endswith=ANONYMISED_DOMAIN
    )
    count = 0
    for pk in old.values_list("pk", flat=True).iterator():
        Registration.objects.filter(pk=pk).update(
            name="", email=f"{pk}{ANONYMISED_DOMAIN}", accessibility_needs=""
        )
        count += 1
    week_ago = now - dt.timedelta(days=7)
    Subscriber.objects.filter(confirmed_at=None, created_at__lt=week_ago).delete()
    ConcernFollower.objects.filter(confirmed_at=None, created_at__lt=week_ago).delete()
    Concern.objects.filter(status=Concern.Status.UNCONFIRMED, created_at__lt=week_ago).delete()
    return count
