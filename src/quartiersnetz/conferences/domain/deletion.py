"""Deleting a meeting: it disappears from the site and the calendar and stays only as a
tombstone for the OParl API (deleted: true), so OParl clients learn of it."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import Meeting, Registration
from quartiersnetz.core.activity import log_activity
from quartiersnetz.events.models import Event

DELETED = "deleted"


@transaction.atomic
def delete_meeting(meeting, user):
    """Delete a meeting nobody has been told of, or one that was cancelled.

    A meeting with invitations out must be cancelled first (so everyone invited and
    signed up receives the cancellation); one that took place keeps its record. Its
    calendar entry is removed.
    """
    current = (
        Meeting.with_deleted.select_for_update(of=("self",))
        .select_related("conference")
        .filter(pk=meeting.pk)
        .first()
    )
    if current is None or current.deleted_at is not None:
        raise ValidationError(_("This meeting has already been deleted."), code="deleted")
    if current.state == Meeting.State.PLANNED:
        if current.invited_at is not None:
            raise ValidationError(
                _("People were invited to this meeting: cancel it first."), code="invited"
            )
        signed_up = current.registrations.exclude(status=Registration.Status.CANCELLED)
        if signed_up.exists():
            raise ValidationError(
                _("Citizens signed up for this meeting: cancel it first, so they are told."),
                code="signed_up",
            )
    elif current.state != Meeting.State.CANCELLED:
        raise ValidationError(
            _("Only a planned or cancelled meeting can be deleted; this one is %(state)s.")
            % {"state": current.get_state_display()},
            code="wrong_state",
        )
    now = timezone.now()
    current.deleted_at = now
    # modified of the OParl tombstone is the time of the deletion.
    current.updated_at = now
    current.save(update_fields=["deleted_at", "updated_at"])
    if current.event_id is not None:
        # A deleted meeting must not stay in the calendar (its occurrences go with it).
        Event.objects.filter(pk=current.event_id).delete()
        Meeting.with_deleted.filter(pk=current.pk).update(event=None)
        current.event = None
    log_activity(current, user, DELETED)
    meeting.deleted_at = current.deleted_at
    meeting.event = None
    return current
