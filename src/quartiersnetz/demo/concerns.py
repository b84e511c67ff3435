"""Concerns of the neighbourhoods ("wo der Schuh drückt") in every state, in several
districts, with their public history; among them the square in Holthausen that the
housing cooperative (hwg) took up after the district conference discussed it. Marked as
demo data; nothing is added while any concern exists."""

import datetime as dt

from django.db import transaction

from quartiersnetz.conferences.models import (
    AgendaItem,
    Concern,
    ConcernFollower,
    ConcernUpdate,
    Meeting,
)
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_zone
from quartiersnetz.demo.hattingen import DEMO_MARK
from quartiersnetz.organizations.models import Organization
from quartiersnetz.places.models import Place

Status = Concern.Status

# (district, title, topic, description, place slug, where, author, steps)
# A step: (days before today, status, message, agenda item title or "", organisation slug).
# "in_discussion" steps point to the item of that title on the first meeting of the
# district's conference after the step.
CONCERNS = [
    (
        "holthausen",
        "Treffpunkt am Quartiersplatz Holthausen",
        Concern.Topic.MEETING_PLACES,
        "Am Quartiersplatz gibt es keine Bank und keinen Schatten. Ältere Nachbarinnen "
        "und Nachbarn und Familien mit kleinen Kindern würden sich dort gern treffen. "
        "Wir wünschen uns **Sitzbänke, einen Baum und einen kleinen Spielbereich**.",
        "",
        "Quartiersplatz, Ecke Marxstraße",
        ("Hannelore Brinkmann", "hannelore.brinkmann@example.org"),
        [
            (150, Status.NEW, "", "", ""),
            (
                120,
                Status.IN_DISCUSSION,
                "Die Stadtteilkonferenz bespricht das Anliegen in ihrer nächsten Sitzung.",
                "Spielplatz und Treffpunkt am Quartiersplatz",
                "",
            ),
            (
                40,
                Status.TAKEN_UP,
                "Die hwg gestaltet den Platz mit den Anwohnerinnen und Anwohnern um; "
                "ein Beteiligungstreffen folgt im Frühjahr.",
                "",
                "hwg",
            ),
        ],
    ),
    (
        "holthausen",
        "Sichere Schulwege zur Grundschule Holthausen",
        Concern.Topic.TRAFFIC,
        "Morgens parken Eltern auf dem Gehweg vor der Schule; die Kinder müssen auf die "
        "Straße ausweichen.",
        "",
        "Vor der Grundschule",
        ("Mehmet Özdemir", "mehmet.oezdemir@example.org"),
        [
            (60, Status.NEW, "", "", ""),
            (
                20,
                Status.IN_DISCUSSION,
                "Auf der Tagesordnung der nächsten Sitzung; die Schule berichtet.",
                "Sichere Schulwege",
                "",
            ),
        ],
    ),
    (
        "welper",
        "Beleuchtung am Fußweg zur Henrichshütte",
        Concern.Topic.SAFETY,
        "Der Fußweg zwischen Bahnhofstraße und Henrichshütte ist abends völlig dunkel.",
        "",
        "Fußweg hinter dem Parkplatz",
        ("Sabine Vogel", "sabine.vogel@example.org"),
        [(12, Status.NEW, "", "", "")],
    ),
    (
        "welper",
        "Mülleimer am Spielplatz fehlen",
        Concern.Topic.CLEANLINESS,
        "Am Spielplatz liegt viel Müll, weil es nur einen kleinen Mülleimer gibt.",
        "",
        "Spielplatz an der Thingstraße",
        ("Peter Lange", "peter.lange@example.org"),
        [
            (200, Status.NEW, "", "", ""),
            (
                150,
                Status.DONE,
                "Die Stadt hat zwei große Mülleimer aufgestellt. Danke für den Hinweis!",
                "",
                "",
            ),
        ],
    ),
    (
        "winz-baak",
        "Hundekot auf den Wiesen an der Ruhr",
        Concern.Topic.CLEANLINESS,
        "Auf den Ruhrwiesen liegt viel Hundekot; Kinder können dort kaum spielen.",
        "",
        "Ruhrwiesen",
        ("Jens Hartmann", "jens.hartmann@example.org"),
        [
            (90, Status.NEW, "", "", ""),
            (
                75,
                Status.DECLINED,
                "Dafür ist das Ordnungsamt zuständig, nicht die Stadtteilkonferenz. Wir haben "
                "das Anliegen dorthin weitergegeben; Kontrollen sind für den Sommer geplant.",
                "",
                "",
            ),
        ],
    ),
    (
        "mitte",
        "Stufenloser Eingang zur Stadtbibliothek",
        Concern.Topic.ACCESSIBILITY,
        "Mit dem Rollator komme ich nur über den Hintereingang in die Bibliothek; der ist "
        "oft verschlossen.",
        "",
        "Eingang an der Reschop-Passage",
        ("Ursula Schmitz", "ursula.schmitz@example.org"),
        [
            (100, Status.NEW, "", "", ""),
            (
                70,
                Status.TAKEN_UP,
                "Die Bibliothek lässt den Hintereingang zu den Öffnungszeiten offen und "
                "beschildert ihn.",
                "",
                "stadtbibliothek",
            ),
            (30, Status.DONE, "Der Eingang ist beschildert und offen.", "", "stadtbibliothek"),
        ],
    ),
    (
        "blankenstein",
        "Abends fährt kein Bus mehr nach Blankenstein",
        Concern.Topic.TRAFFIC,
        "Nach 20 Uhr kommt man ohne Auto nicht mehr von der Innenstadt nach Blankenstein.",
        "",
        "",
        ("Klaus Berger", "klaus.berger@example.org"),
        [(5, Status.NEW, "", "", "")],
    ),
    (
        "blankenstein",
        "Treffpunkt für Jugendliche an der Burg",
        Concern.Topic.YOUTH,
        "Die Jugendlichen treffen sich auf dem Parkplatz an der Burg; es fehlt ein Ort für sie.",
        "",
        "",
        ("Lea Wiegand", "lea.wiegand@example.org"),
        # The address is not confirmed yet: not public.
        [],
    ),
]


def _at(today, days_before):
    day = today - dt.timedelta(days=days_before)
    return dt.datetime.combine(day, dt.time(10), tzinfo=local_zone())


def _agenda_item(district, title, moment):
    """The agenda item of that title of a meeting of a conference covering the district:
    of the first meeting from the moment on, else of the latest one."""
    items = AgendaItem.objects.filter(
        meeting__conference__districts=district,
        meeting__deleted_at__isnull=True,
        title=title,
    ).exclude(meeting__state=Meeting.State.CANCELLED)
    following = items.filter(meeting__start__gte=moment).order_by("meeting__start").first()
    return following or items.order_by("-meeting__start").first()


@transaction.atomic
def load_concerns(today):
    """Create the demo concerns unless there are concerns already; returns how many."""
    if Concern.objects.exists():
        return 0
    districts = {district.slug: district for district in District.objects.all()}
    organizations = {org.slug: org for org in Organization.objects.all()}
    created = 0
    for district_slug, title, topic, text, place_slug, where, author, steps in CONCERNS:
        district = districts.get(district_slug)
        if district is None:
            continue
        place = Place.objects.filter(slug=place_slug, district=district).first()
        concern = Concern.objects.create(
            district=district,
            title=title,
            description=f"{text}\n\n{DEMO_MARK}",
            topic=topic,
            place=place,
            location_text=where,
            author_name=author[0],
            author_email=author[1],
        )
        created += 1
        raised = _at(today, steps[0][0] if steps else 1)
        if not steps:
            Concern.objects.filter(pk=concern.pk).update(created_at=raised)
            continue
        for days_before, status, message, item_title, org_slug in steps:
            moment = _at(today, days_before)
            item = _agenda_item(district, item_title, moment) if item_title else None
            organization = organizations.get(org_slug) if org_slug else None
            update = ConcernUpdate.objects.create(
                concern=concern,
                status=status,
                message=message,
                agenda_item=item,
                organization=organization,
            )
            ConcernUpdate.objects.filter(pk=update.pk).update(created_at=moment)
            concern.status = status
            concern.status_reason = message
            if item is not None:
                concern.agenda_item = item
            if organization is not None:
                concern.taken_up_by = organization
            if status == Status.NEW:
                concern.agenda_item = None
                concern.confirmed_at = moment
        concern.save()
        Concern.objects.filter(pk=concern.pk).update(created_at=raised)
        ConcernFollower.objects.create(
            concern=concern, email=author[1], confirmed_at=concern.confirmed_at
        )
    return created
