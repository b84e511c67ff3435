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


def editors_maintain(app_label, *model_names):
    """Editors see and change these models in the editorial office (the Django admin)."""
    rules.add_perm(app_label, is_editor)
    for model_name in model_names:
        for action in ("view", "add", "change", "delete"):
            rules.add_perm(f"{app_label}.{action}_{model_name}", is_editor)


rules.add_perm("accounts.moderate_calendar", is_editor)
rules.add_perm("accounts.grant_roles", is_administrator)


@rules.predicate
def holds_a_role(user, person):
    return person is not None and (person.is_editor or person.is_superuser)


# Editors block citizens and organisers; only administrators block editors.
rules.add_perm("accounts.block_user", is_administrator | (is_editor & ~holds_a_role))
