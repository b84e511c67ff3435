"""Named permission predicates for roles (django-rules), used by views, templates and the API."""

import rules


@rules.predicate
def is_editor(user):
    return user.is_authenticated and user.is_active and (user.is_editor or user.is_superuser)


@rules.predicate
def is_moderator(user):
    return user.is_authenticated and user.is_active and (user.is_moderator or user.is_superuser)


@rules.predicate
def is_administrator(user):
    return user.is_authenticated and user.is_active and user.is_superuser


rules.add_perm("accounts.moderate_calendar", is_editor)
rules.add_perm("accounts.grant_roles", is_administrator)
