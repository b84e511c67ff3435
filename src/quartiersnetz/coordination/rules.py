"""Permission predicates for date holds and the coordination settings (django-rules)."""

import rules

from quartiersnetz.accounts.rules import editors_maintain, is_administrator, is_editor
from quartiersnetz.core.timeutil import local_today
from quartiersnetz.events.rules import acts_for_an_organization
from quartiersnetz.organizations.models import Membership


@rules.predicate
def is_hold_organization_member(user, hold):
    """The person acts for the organisation that holds the date."""
    if hold is None or not (user.is_authenticated and user.is_active):
        return False
    return Membership.objects.filter(
        user=user, organization_id=hold.organization_id, state=Membership.State.ACTIVE
    ).exists()


@rules.predicate
def is_public_save_the_date(user, hold):
    """Shown to everyone: a public hold that still stands (not expired, not an event)."""
    return (
        hold is not None
        and hold.visibility == hold.Visibility.PUBLIC
        and hold.is_active(local_today())
    )


# Organisers see each other's tentative holds: that is what avoids the clashes.
rules.add_perm("coordination.view_holds", acts_for_an_organization | is_editor)
rules.add_perm(
    "coordination.view_hold", is_public_save_the_date | acts_for_an_organization | is_editor
)
rules.add_perm("coordination.create_hold", acts_for_an_organization | is_editor)
rules.add_perm("coordination.manage_hold", is_hold_organization_member | is_editor)
rules.add_perm("coordination.change_settings", is_administrator)

# The editorial office (Django admin) shows holds to editors; the engine's settings
# are changed by administrators on their own page (change_settings).
editors_maintain("coordination", "datehold")


@rules.predicate
def takes_part_in_agreement(user, agreement):
    """The person acts for one of the organisations of the agreement (Absprache)."""
    if agreement is None or not (user.is_authenticated and user.is_active):
        return False
    return agreement.organizations.filter(
        memberships__user=user, memberships__state=Membership.State.ACTIVE
    ).exists()


rules.add_perm("coordination.view_agreement", takes_part_in_agreement | is_editor)
