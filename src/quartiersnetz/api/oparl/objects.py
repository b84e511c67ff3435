"""What the OParl API shows: for each object type the public rows (with the tombstones
of deleted and depublished ones) and how one row becomes an OParl object.

Every source has rows() (a queryset annotated with oparl_created / oparl_modified, the
values the date filters compare and the objects show), prepare(rows) (what a page
needs beyond its rows, in a fixed number of queries) and serialize(row).
"""

from django.conf import settings
from django.db.models import F, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from quartiersnetz.conferences.domain.agenda import download_name
from quartiersnetz.conferences.domain.minutes import minutes_of
from quartiersnetz.conferences.models import (
    AgendaItem,
    Attachment,
    Conference,
    Meeting,
    Membership,
    Minutes,
    Role,
)
from quartiersnetz.core.timeutil import localize
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

SCHEMA = "https://schema.oparl.org/1.1/"

# The values of OParl's free-text vocabularies. OParl is a German standard and its
# clients compare these words, so they are fixed data, not translated interface text.
MEETING_STATES = {
    Meeting.State.PLANNED: "geplant",
    Meeting.State.INVITED: "eingeladen",
    Meeting.State.HELD: "durchgeführt",
    Meeting.State.MINUTES_APPROVED: "Protokoll genehmigt",
    Meeting.State.CANCELLED: "abgesagt",
}
ROLES = {Role.MODERATOR: "Moderation", Role.MEMBER: "Mitglied", Role.GUEST: "Gast"}
CONFERENCE_CLASSIFICATION = {
    Conference.Kind.DISTRICT: "Stadtteilkonferenz",
    Conference.Kind.UMBRELLA: "Dachrunde",
}
# OParl 1.1 Organization.organizationType: Gremium, Partei, Fraktion,
# Verwaltungsbereich, externes Gremium, Institution, Sonstiges.
ORGANIZATION_TYPES = {
    Organization.Type.POLITICS: "Partei",
    Organization.Type.ADMINISTRATION: "Verwaltungsbereich",
    Organization.Type.INSTITUTION: "Institution",
}
ORGANIZATION_CLASSIFICATION = {
    Organization.Type.ASSOCIATION: "Verein",
    Organization.Type.INSTITUTION: "Institution",
    Organization.Type.POLITICS: "Politik",
    Organization.Type.ADMINISTRATION: "Verwaltung",
    Organization.Type.HOUSING: "Wohnungswirtschaft",
    Organization.Type.OTHER: "Sonstige",
}

# The path segments of the two kinds of Organization and the three kinds of File.
CONFERENCE = "conference"
ORGANISATION = "organisation"
INVITATION = "invitation"
MINUTES = "minutes"
ATTACHMENT = "attachment"


def oparl_type(name):
    return f"{SCHEMA}{name}"


def url(name, **kwargs):
    """The absolute address of an API object or list (its OParl id)."""
    return settings.SITE_URL + reverse(f"oparl:{name}", kwargs=kwargs or None)


def web(path):
    return settings.SITE_URL + path


def body_slug():
    return slugify(settings.TOWN_NAME) or "body"


def body_url():
    return url("body", slug=body_slug())


def timestamp(value):
    """A date-time as OParl writes it: ISO 8601 in local time with its offset."""
    return localize(value).isoformat(timespec="seconds") if value else None


def later(first, second):
    return max(value for value in (first, second) if value is not None)


def clean(data):
    """Without empty values: OParl leaves out what has no value."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def tombstone(object_id, type_name, created, modified):
    """What stays of a deleted object: id, type, created, modified and deleted."""
    return {
        "id": object_id,
        "type": oparl_type(type_name),
        "created": timestamp(created),
        "modified": timestamp(modified),
        "deleted": True,
    }


def _deleted_later(field, deleted_at):
    """modified of an object that is deleted with its meeting: the later of its own
    change and the meeting's deletion (the SQL twin of later())."""
    return Greatest(field, Coalesce(deleted_at, field))


def _public_meetings():
    """Public meetings of active conferences, with the deleted ones (tombstones)."""
    return Meeting.with_deleted.filter(is_public=True, conference__is_active=True)


def _first_public_use(place_ref):
    """When a place first became the place of a public meeting: its Location's created."""
    return Subquery(
        _public_meetings().filter(place=place_ref).order_by("created_at").values("created_at")[:1]
    )


# --- Agenda numbers ----------------------------------------------------------------------


def agenda_numbers(items):
    """{item id: (number, order)} of the public items among all items of one meeting
    (in agenda order); the same numbers as domain.agenda.numbered_items: an internal
    item keeps its number, the public agenda skips it."""
    top = [item for item in items if item.parent_id is None]
    children = {}
    for item in items:
        if item.parent_id is not None:
            children.setdefault(item.parent_id, []).append(item)
    numbers = {}
    order = 0
    for top_number, item in enumerate(top, start=1):
        order += 1
        if item.is_public:
            numbers[item.pk] = (str(top_number), order)
        for sub_number, child in enumerate(children.get(item.pk, ()), start=1):
            order += 1
            if item.is_public and child.is_public:
                numbers[child.pk] = (f"{top_number}.{sub_number}", order)
    return numbers


# --- Sources -----------------------------------------------------------------------------


class Source:
    type_name = ""
    # The field the number in an object's address is.
    lookup = "pk"

    def rows(self):
        raise NotImplementedError

    def prepare(self, rows):
        """Load what a page of rows needs beyond them (a fixed number of queries)."""

    def serialize(self, row):
        raise NotImplementedError


class ConferenceSource(Source):
    """The conferences as Organization (Gremium); a district conference is a
    subOrganizationOf the umbrella round. An inactive conference is depublished: a
    tombstone."""

    type_name = "Organization"

    def __init__(self):
        self._umbrella = False

    def rows(self):
        return (
            Conference.objects.annotate(
                oparl_created=F("created_at"), oparl_modified=F("updated_at")
            )
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.only("id", "conference_id").order_by("pk"),
                )
            )
            .order_by("pk")
        )

    def umbrella(self):
        if self._umbrella is False:
            self._umbrella = (
                Conference.objects.filter(kind=Conference.Kind.UMBRELLA, is_active=True)
                .order_by("pk")
                .values_list("pk", flat=True)
                .first()
            )
        return self._umbrella

    def prepare(self, rows):
        if any(row.kind == Conference.Kind.DISTRICT for row in rows):
            self.umbrella()

    def serialize(self, row):
        object_id = url("organization", kind=CONFERENCE, pk=row.pk)
        if not row.is_active:
            return tombstone(object_id, self.type_name, row.oparl_created, row.oparl_modified)
        parent = None
        if row.kind == Conference.Kind.DISTRICT and self.umbrella():
            parent = url("organization", kind=CONFERENCE, pk=self.umbrella())
        return clean(
            {
                "id": object_id,
                "type": oparl_type(self.type_name),
                "body": body_url(),
                "name": row.name,
                "shortName": row.slug,
                "membership": [
                    url("membership", pk=membership.pk) for membership in row.memberships.all()
                ],
                "meeting": url("organization-meetings", kind=CONFERENCE, pk=row.pk),
                "organizationType": "Gremium",
                "classification": CONFERENCE_CLASSIFICATION.get(row.kind),
                "subOrganizationOf": parent,
                "web": web(row.get_absolute_url()),
                "created": timestamp(row.oparl_created),
                "modified": timestamp(row.oparl_modified),
            }
        )


class OrganisationSource(Source):
    """The organisations (associations, institutions, housing companies...) as
    Organization, so that Membership.onBehalfOf can point at them."""

    type_name = "Organization"

    def rows(self):
        return Organization.objects.annotate(
            oparl_created=F("created_at"), oparl_modified=F("updated_at")
        ).order_by("pk")

    def serialize(self, row):
        return clean(
            {
                "id": url("organization", kind=ORGANISATION, pk=row.pk),
                "type": oparl_type(self.type_name),
                "body": body_url(),
                "name": row.name,
                "organizationType": ORGANIZATION_TYPES.get(row.type, "Sonstiges"),
                "classification": ORGANIZATION_CLASSIFICATION.get(row.type),
                "website": row.website,
                "web": web(row.get_absolute_url()),
                "created": timestamp(row.oparl_created),
                "modified": timestamp(row.oparl_modified),
            }
        )


def membership_object(row, embedded=False):
    data = {
        "id": url("membership", pk=row.pk),
        "type": oparl_type("Membership"),
        # Only who agreed to be named is a Person.
        "person": url("person", pk=row.pk) if row.show_contact and not embedded else None,
        "organization": url("organization", kind=CONFERENCE, pk=row.conference_id),
        "role": ROLES.get(row.role),
        "startDate": row.start_date.isoformat() if row.start_date else None,
        "endDate": row.end_date.isoformat() if row.end_date else None,
        "onBehalfOf": (
            url("organization", kind=ORGANISATION, pk=row.on_behalf_of_id)
            if row.on_behalf_of_id
            else None
        ),
        "created": timestamp(row.created_at),
        "modified": timestamp(row.updated_at),
    }
    return clean(data)


class MembershipSource(Source):
    type_name = "Membership"

    def rows(self):
        return (
            Membership.objects.filter(conference__is_active=True)
            .annotate(oparl_created=F("created_at"), oparl_modified=F("updated_at"))
            .order_by("pk")
        )

    def serialize(self, row):
        return membership_object(row)


class PersonSource(Source):
    """The members who agreed that their contact details are public, one Person per
    conference membership; nobody else."""

    type_name = "Person"

    def rows(self):
        return MembershipSource().rows().filter(show_contact=True)

    def serialize(self, row):
        return clean(
            {
                "id": url("person", pk=row.pk),
                "type": oparl_type(self.type_name),
                "body": body_url(),
                "name": row.name,
                "email": [row.email] if row.email else [],
                "phone": [row.phone] if row.phone else [],
                "membership": [membership_object(row, embedded=True)],
                "created": timestamp(row.oparl_created),
                "modified": timestamp(row.oparl_modified),
            }
        )


def location_object(place, created):
    geojson = None
    if place.latitude is not None and place.longitude is not None:
        geojson = {
            "type": "Feature",
            "geometry": {
                "type": "Point",
                "coordinates": [float(place.longitude), float(place.latitude)],
            },
            "properties": {"name": place.name},
        }
    return clean(
        {
            "id": url("location", pk=place.pk),
            "type": oparl_type("Location"),
            "description": ", ".join(part for part in (place.name, place.address_line) if part),
            "streetAddress": place.street,
            "postalCode": place.postcode,
            "locality": place.city,
            "subLocality": place.district.name if place.district_id else None,
            "geojson": geojson,
            "created": timestamp(created),
            "modified": timestamp(later(place.updated_at, created)),
        }
    )


class LocationSource(Source):
    """The places of public meetings."""

    type_name = "Location"

    def rows(self):
        first_use = _first_public_use(OuterRef("pk"))
        return (
            Place.objects.annotate(oparl_created=first_use)
            .filter(oparl_created__isnull=False)
            .annotate(oparl_modified=Greatest("updated_at", "oparl_created"))
            .select_related("district")
            .order_by("pk")
        )

    def serialize(self, row):
        return location_object(row, row.oparl_created)


def invitation_file(meeting):
    return clean(
        {
            "id": url("file", kind=INVITATION, pk=meeting.pk),
            "type": oparl_type("File"),
            "name": _("Invitation: %(meeting)s") % {"meeting": meeting.display_title},
            "fileName": f"einladung-{_file_stem(meeting)}.pdf",
            "mimeType": "application/pdf",
            "accessUrl": web(
                reverse(
                    "conferences:invitation-pdf",
                    kwargs={"slug": meeting.conference.slug, "pk": meeting.pk},
                )
            ),
            "meeting": [url("meeting", pk=meeting.pk)],
            "created": timestamp(meeting.invited_at),
            "modified": timestamp(meeting.updated_at),
        }
    )


def minutes_file(minutes, meeting):
    return clean(
        {
            "id": url("file", kind=MINUTES, pk=meeting.pk),
            "type": oparl_type("File"),
            "name": _("Minutes: %(meeting)s") % {"meeting": meeting.display_title},
            "fileName": f"protokoll-{_file_stem(meeting)}.pdf",
            "mimeType": "application/pdf",
            "accessUrl": web(
                reverse(
                    "conferences:minutes-pdf",
                    kwargs={"slug": meeting.conference.slug, "pk": meeting.pk},
                )
            ),
            "meeting": [url("meeting", pk=meeting.pk)],
            "created": timestamp(minutes.published_at or minutes.created_at),
            "modified": timestamp(minutes.updated_at),
        }
    )


def attachment_file(attachment, item):
    return clean(
        {
            "id": url("file", kind=ATTACHMENT, pk=attachment.pk),
            "type": oparl_type("File"),
            "name": attachment.title,
            "fileName": download_name(attachment),
            "mimeType": attachment.content_type,
            "size": attachment.size,
            "accessUrl": web(reverse("conferences:attachment", kwargs={"pk": attachment.pk})),
            "agendaItem": [url("agendaitem", pk=item.pk)],
            "meeting": [url("meeting", pk=item.meeting_id)],
            "created": timestamp(attachment.created_at),
            "modified": timestamp(attachment.created_at),
        }
    )


def _file_stem(meeting):
    return f"{meeting.conference.slug}-{localize(meeting.start):%Y-%m-%d}"


def _published(minutes):
    return minutes is not None and minutes.state == Minutes.State.PUBLISHED


def agenda_item_object(item, meeting, number, order, minutes):
    return clean(
        {
            "id": url("agendaitem", pk=item.pk),
            "type": oparl_type("AgendaItem"),
            "meeting": url("meeting", pk=meeting.pk),
            "number": number,
            "order": order,
            "name": item.title,
            "public": True,
            # What was decided is public once the minutes are.
            "resolutionText": item.decision if _published(minutes) else None,
            "auxiliaryFile": [
                attachment_file(attachment, item) for attachment in item.attachments.all()
            ],
            "created": timestamp(item.created_at),
            "modified": timestamp(item.updated_at),
        }
    )


class MeetingSource(Source):
    """Public meetings (members-only ones are not public data); a deleted one is a
    tombstone."""

    type_name = "Meeting"

    def rows(self):
        return (
            _public_meetings()
            .select_related("conference", "place", "place__district", "minutes")
            .prefetch_related(
                Prefetch(
                    "agenda_items",
                    queryset=AgendaItem.objects.order_by("position", "pk").prefetch_related(
                        "attachments"
                    ),
                )
            )
            .annotate(
                oparl_created=F("created_at"),
                oparl_modified=F("updated_at"),
                place_first_use=_first_public_use(OuterRef("place_id")),
            )
            .order_by("pk")
        )

    def serialize(self, row):
        object_id = url("meeting", pk=row.pk)
        if row.deleted_at is not None:
            return tombstone(object_id, self.type_name, row.oparl_created, row.oparl_modified)
        items = list(row.agenda_items.all())
        numbers = agenda_numbers(items)
        minutes = minutes_of(row)
        public = sorted(
            (item for item in items if item.pk in numbers), key=lambda i: numbers[i.pk][1]
        )
        agenda = [agenda_item_object(item, row, *numbers[item.pk], minutes) for item in public]
        return clean(
            {
                "id": object_id,
                "type": oparl_type(self.type_name),
                "name": str(row.display_title),
                "meetingState": MEETING_STATES.get(row.state),
                "cancelled": True if row.is_cancelled else None,
                "start": timestamp(row.start),
                "end": timestamp(row.end),
                "room": row.room,
                "location": (
                    location_object(row.place, row.place_first_use) if row.place_id else None
                ),
                "organization": [url("organization", kind=CONFERENCE, pk=row.conference_id)],
                "invitation": invitation_file(row) if row.invited_at else None,
                "resultsProtocol": minutes_file(minutes, row) if _published(minutes) else None,
                "agendaItem": agenda,
                "web": web(row.get_absolute_url()),
                "created": timestamp(row.oparl_created),
                "modified": timestamp(row.oparl_modified),
            }
        )


def _public_items(prefix=""):
    """The filter of public agenda items of public meetings (prefix: the path to the
    item): the item and the item above it are public; items below sub-items are never
    shown (the agenda has two levels)."""
    return Q(
        **{
            f"{prefix}is_public": True,
            f"{prefix}meeting__is_public": True,
            f"{prefix}meeting__conference__is_active": True,
        }
    ) & (
        Q(**{f"{prefix}parent__isnull": True})
        | Q(**{f"{prefix}parent__is_public": True, f"{prefix}parent__parent__isnull": True})
    )


class AgendaItemSource(Source):
    type_name = "AgendaItem"

    def __init__(self):
        self.numbers = {}

    def rows(self):
        return (
            AgendaItem.objects.filter(_public_items())
            .select_related("meeting", "meeting__conference", "meeting__minutes")
            .prefetch_related("attachments")
            .annotate(
                oparl_created=F("created_at"),
                oparl_modified=_deleted_later("updated_at", "meeting__deleted_at"),
            )
            .order_by("pk")
        )

    def prepare(self, rows):
        meeting_ids = {row.meeting_id for row in rows}
        if not meeting_ids:
            return
        by_meeting = {}
        for item in (
            AgendaItem.objects.filter(meeting_id__in=meeting_ids)
            .only("id", "meeting_id", "parent_id", "is_public", "position")
            .order_by("position", "pk")
        ):
            by_meeting.setdefault(item.meeting_id, []).append(item)
        for items in by_meeting.values():
            self.numbers.update(agenda_numbers(items))

    def serialize(self, row):
        object_id = url("agendaitem", pk=row.pk)
        if row.meeting.deleted_at is not None:
            return tombstone(object_id, self.type_name, row.oparl_created, row.oparl_modified)
        number, order = self.numbers.get(row.pk, (None, None))
        return agenda_item_object(row, row.meeting, number, order, minutes_of(row.meeting))


class InvitationSource(Source):
    """The invitation of every public meeting people were invited to (its PDF)."""

    type_name = "File"
    lookup = "pk"

    def rows(self):
        return (
            _public_meetings()
            .filter(invited_at__isnull=False)
            .select_related("conference")
            .annotate(oparl_created=F("invited_at"), oparl_modified=F("updated_at"))
            .order_by("pk")
        )

    def serialize(self, row):
        if row.deleted_at is not None:
            return tombstone(
                url("file", kind=INVITATION, pk=row.pk),
                self.type_name,
                row.oparl_created,
                row.oparl_modified,
            )
        return invitation_file(row)


class MinutesSource(Source):
    """The published minutes of public meetings (their PDF), known by their meeting."""

    type_name = "File"
    lookup = "meeting_id"

    def rows(self):
        return (
            Minutes.objects.filter(
                state=Minutes.State.PUBLISHED,
                meeting__is_public=True,
                meeting__conference__is_active=True,
            )
            .select_related("meeting", "meeting__conference")
            .annotate(
                oparl_created=Coalesce("published_at", "created_at"),
                oparl_modified=_deleted_later("updated_at", "meeting__deleted_at"),
            )
            .order_by("pk")
        )

    def serialize(self, row):
        if row.meeting.deleted_at is not None:
            return tombstone(
                url("file", kind=MINUTES, pk=row.meeting_id),
                self.type_name,
                row.oparl_created,
                row.oparl_modified,
            )
        return minutes_file(row, row.meeting)


class AttachmentSource(Source):
    """The files of public agenda items."""

    type_name = "File"

    def rows(self):
        return (
            Attachment.objects.filter(_public_items("agenda_item__"))
            .select_related("agenda_item", "agenda_item__meeting")
            .annotate(
                oparl_created=F("created_at"),
                oparl_modified=_deleted_later("created_at", "agenda_item__meeting__deleted_at"),
            )
            .order_by("pk")
        )

    def serialize(self, row):
        if row.agenda_item.meeting.deleted_at is not None:
            return tombstone(
                url("file", kind=ATTACHMENT, pk=row.pk),
                self.type_name,
                row.oparl_created,
                row.oparl_modified,
            )
        return attachment_file(row, row.agenda_item)


# Organization and File gather several kinds of rows; the path segment picks the kind.
ORGANIZATION_KINDS = {CONFERENCE: ConferenceSource, ORGANISATION: OrganisationSource}
FILE_KINDS = {INVITATION: InvitationSource, MINUTES: MinutesSource, ATTACHMENT: AttachmentSource}
