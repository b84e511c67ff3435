"""Permission predicates for conferences and their meetings (django-rules).

Every permission takes the conference as its object; views that work on a meeting,
an agenda item or an action item pass its conference.
"""

import rules

from quartiersnetz.accounts.rules import editors_maintain, is_editor, is_moderator
from quartiersnetz.conferences.models import Membership, Role
from quartiersnetz.core.timeutil import local_today


def current_memberships(user):
    """The person's memberships that count today (not ended, already begun)."""
    if not (user.is_authenticated and user.is_active):
        return Membership.objects.none()
    return Membership.objects.current(local_today()).filter(user=user, conference__is_active=True)


@rules.predicate
def is_conference_member(user, conference):
    """Takes part in the conference (moderator, member or guest)."""
    if conference is None:
        return False
    return current_memberships(user).filter(conference=conference).exists()


@rules.predicate
def is_conference_moderator(user, conference):
    if conference is None:
        return False
    return current_memberships(user).filter(conference=conference, role=Role.MODERATOR).exists()


@rules.predicate
def moderates_a_conference(user):
    return current_memberships(user).filter(role=Role.MODERATOR).exists()


@rules.predicate
def is_active_conference(user, conference):
    return conference is not None and conference.is_active


# The city's district developer has the conference moderator role for every
# conference; editors maintain the platform's data and may step in.
is_coordinator = is_moderator | is_editor
manages_conference = is_coordinator | is_conference_moderator

rules.add_perm("conferences.see_conference", is_active_conference | manages_conference)
rules.add_perm("conferences.view_internal", manages_conference | is_conference_member)
rules.add_perm("conferences.manage_conference", manages_conference)
rules.add_perm("conferences.create_conference", is_coordinator)
rules.add_perm("conferences.view_dashboard", is_coordinator | moderates_a_conference)

editors_maintain(
    "conferences",
    "conference",
    "membership",
    "meeting",
    "agendaitem",
    "attachment",
    "registration",
    "subscriber",
    "minutes",
    "actionitem",
    "datepoll",
    "concern",
    "concernupdate",
    "concernfollower",
    "project",
)


# --- Concerns ("wo der Schuh drückt") --------------------------------------------------
# These take the Concern as object (not the conference): who triages depends on the
# concern's district.


@rules.predicate
def moderates_concern_district(user, concern):
    """Moderates an active conference that covers the concern's district."""
    if concern is None:
        return False
    return (
        current_memberships(user)
        .filter(role=Role.MODERATOR, conference__districts=concern.district_id)
        .exists()
    )


@rules.predicate
def acts_for_an_organization(user):
    """An active member of at least one organisation: may say that it takes a concern up."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.organization_memberships.filter(state="active").exists()


triages_concern = is_coordinator | moderates_concern_district
rules.add_perm("conferences.triage_concern", triages_concern)
rules.add_perm("conferences.take_up_concern", triages_concern | acts_for_an_organization)


# --- Cooperation projects -----------------------------------------------------------
# edit_project takes the Project as object; create_project takes none.


@rules.predicate
def moderates_a_project_conference(user, project):
    """Moderates one of the conferences that carry the project."""
    if project is None or project.pk is None:
        return False
    return (
        current_memberships(user).filter(role=Role.MODERATOR, conference__projects=project).exists()
    )


rules.add_perm("conferences.create_project", is_coordinator | moderates_a_conference)
rules.add_perm("conferences.edit_project", is_coordinator | moderates_a_project_conference)
