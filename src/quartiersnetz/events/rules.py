"""Permission predicates for events: who creates, edits and reviews them (django-rules)."""

import rules

from quartiersnetz.accounts.rules import editors_maintain, is_editor
from quartiersnetz.organizations.models import Membership


def _active_memberships(user):
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, state=Membership.State.ACTIVE)


@rules.predicate
def acts_for_an_organization(user):
    return _active_memberships(user).exists()


@rules.predicate
def is_event_organizer(user, event):
    """The person acts for one of the organisations that organise the event."""
    if event is None or event.pk is None:
        return False
    return _active_memberships(user).filter(organization__events=event).exists()


rules.add_perm("events.create_event", acts_for_an_organization | is_editor)
rules.add_perm("events.manage_event", is_event_organizer | is_editor)
rules.add_perm("events.review_events", is_editor)
rules.add_perm("events.view_event_history", is_editor)
rules.add_perm("events.handle_reports", is_editor)

editors_maintain("events", "event", "occurrence", "category", "report")
