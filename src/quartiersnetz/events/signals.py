"""Connects the calendar to changes in apps that must not know it.

A saved place updates the copies on its occurrences; any change to what the
calendar shows raises the calendar revision that feeds use for ETags.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from quartiersnetz.core.models import District, Revision
from quartiersnetz.events import domain
from quartiersnetz.events.models import Category, Event, Occurrence
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place


@receiver(post_save, sender=Place, dispatch_uid="events_sync_place_copies")
def place_saved(sender, instance, created, raw=False, **kwargs):
    if not created and not raw:
        domain.sync_place_copies(instance)


def calendar_changed(sender, raw=False, **kwargs):
    if not raw:
        Revision.bump(domain.CALENDAR_REVISION)


for model in (Event, Occurrence, Place, Organization, District, Category):
    post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_saved_{model}")
    post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_deleted_{model}")
for through in (Event.categories.through, Event.organizers.through):
    m2m_changed.connect(calendar_changed, sender=through, dispatch_uid=f"calendar_m2m_{through}")
