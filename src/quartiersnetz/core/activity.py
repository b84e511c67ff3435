"""Writing and reading the activity log: every state change and edit, with before and after."""

import datetime as dt

from django.contrib.contenttypes.models import ContentType

from quartiersnetz.core.models import ActivityLog
from quartiersnetz.core.timeutil import localize


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


def field_text(instance, name):
    """A model field's value as text, the way a form shows it (local time for times)."""
    field = instance._meta.get_field(name)
    if field.many_to_many:
        if instance.pk is None:
            return ""
        return ", ".join(sorted(str(item) for item in getattr(instance, name).all()))
    if field.choices:
        return str(getattr(instance, f"get_{name}_display")())
    value = getattr(instance, name)
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return localize(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "name") and field.get_internal_type() in ("FileField", "ImageField"):
        return value.name or ""
    return str(value)


def snapshot(instance, names):
    """The named fields of instance as text: {field name: value}, for changed_values()."""
    return {name: field_text(instance, name) for name in names}


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
