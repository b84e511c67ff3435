"""Writing and reading the activity log: every state change and edit, with before and after."""

from django.contrib.contenttypes.models import ContentType

from quartiersnetz.core.models import ActivityLog


def log_activity(subject, actor, action, *, message="", changes=None):
    """Record that actor (a user or None) did action to subject; returns the entry."""
    return ActivityLog.objects.create(
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        object_label=str(subject)[:300],
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=action,
        message=message,
        changes=changes or {},
    )


def changed_values(before, after):
    """{label: [before, after]} for every entry of two snapshots that differs."""
    return {
        label: [before.get(label, ""), value]
        for label, value in after.items()
        if before.get(label, "") != value
    }


def history(subject):
    """The subject's log, newest first, with who did it."""
    return ActivityLog.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk
    ).select_related("actor")
