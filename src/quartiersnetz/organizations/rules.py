"""Permission predicates for organisations and their members (django-rules)."""

import rules

from quartiersnetz.accounts.rules import editors_maintain, is_administrator, is_editor
from quartiersnetz.organizations.models import Membership


def _active_membership(user, organization):
    if organization is None or not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.filter(
        user=user, organization=organization, state=Membership.State.ACTIVE
    )


@rules.predicate
def is_organization_member(user, organization):
    return _active_membership(user, organization).exists()


@rules.predicate
def has_admin_role(user, organization):
    return _active_membership(user, organization).filter(role=Membership.Role.ADMIN).exists()


# Editors and administrators manage the members of every organisation.
is_organization_admin = is_editor | is_administrator | has_admin_role

rules.add_perm("organizations.view_members", is_organization_admin | is_organization_member)
rules.add_perm("organizations.manage_members", is_organization_admin)

editors_maintain("organizations", "organization", "membership")
