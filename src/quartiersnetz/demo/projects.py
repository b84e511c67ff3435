"""Cooperation projects of the district conferences, some across districts, with
partner organisations, upcoming demo events, concerns and meetings. Marked as demo
data; nothing is added while any project exists."""

import datetime as dt

from django.db import transaction

from quartiersnetz.conferences.domain.projects import upcoming_public_events
from quartiersnetz.conferences.models import Concern, Conference, Meeting, Project
from quartiersnetz.core.models import District
from quartiersnetz.core.timeutil import local_zone
from quartiersnetz.demo.hattingen import DEMO_MARK
from quartiersnetz.organizations.models import Organization

Status = Project.Status

# slug: (title, status, (start, end) in days from today, description, conferences,
# partner organisations, districts, words of upcoming event titles, concern titles)
PROJECTS = {
    "ruhrufer-fuer-alle": (
        "Ruhrufer für alle",
        Status.RUNNING,
        (-200, 300),
        "Winz-Baak und die Innenstadt machen das Ruhrufer gemeinsam zugänglicher: "
        "**Bänke mit Armlehnen, stufenlose Zugänge zum Leinpfad** und ein Uferputz im "
        "Frühjahr. Die Umweltgruppe kümmert sich um die Wiesen, die Stadt um die Wege.",
        ["winz-baak", "mitte"],
        ["buergerverein-winz-baak", "umweltgruppe-ruhrauen", "stadt-quartiersentwicklung"],
        ["winz-baak", "mitte"],
        ["Lauftreff an der Ruhr", "Stadtteilfest Winz-Baak", "Hattingen räumt auf"],
        ["Hundekot auf den Wiesen an der Ruhr"],
    ),
    "nachbarschaftsbaenke": (
        "Nachbarschaftsbänke",
        Status.RUNNING,
        (-90, 400),
        "Vor den Häusern der hwg und an Wegen, wo Ältere eine Pause brauchen, stellen "
        "Nachbarinnen und Nachbarn Bänke auf und pflegen sie. Wo eine Bank fehlt, sagt "
        "es der Stadtteilkonferenz.",
        ["holthausen", "welper", "blankenstein", "dachrunde"],
        ["hwg", "freiwilligenagentur", "seniorenbeirat", "nachbarschaft-holthausen"],
        ["holthausen", "welper", "blankenstein"],
        ["Sommerfest der hwg in Holthausen", "Seniorencafé in Welper"],
        ["Treffpunkt am Quartiersplatz Holthausen"],
    ),
    "ferienspass-ueber-stadtteile-hinweg": (
        "Ferienspaß über Stadtteile hinweg",
        Status.PLANNED,
        (120, 170),
        "Die Jugendtreffs bieten ihr Ferienprogramm gemeinsam an: ein Heft, eine "
        "Anmeldung, und Kinder aus Welper fahren mit nach Blankenstein und umgekehrt.",
        ["welper", "mitte", "blankenstein", "dachrunde"],
        ["jugendtreff-welper", "jugendzentrum-holschentor", "freiwilligenagentur"],
        ["welper", "mitte", "blankenstein"],
        ["Ferienspaß"],
        ["Treffpunkt für Jugendliche an der Burg"],
    ),
    "repair-cafe-netzwerk": (
        "Repair-Café-Netzwerk",
        Status.COMPLETED,
        (-500, -30),
        "Die Repair-Cafés haben sich abgesprochen: feste Termine im Wechsel, eine "
        "gemeinsame Werkzeugkiste und eine Liste, wer was reparieren kann. Das Netzwerk "
        "läuft nun von selbst weiter.",
        ["mitte", "eobs", "dachrunde"],
        ["buergergesellschaft-blankenstein", "freiwilligenagentur", "vhs"],
        ["mitte", "oberstueter", "bredenscheid-stueter"],
        ["Repair-Café"],
        [],
    ),
}
# Related events shown per project at most.
EVENTS_PER_TITLE = 1


def _by_slug(model, slugs):
    """The rows of the slugs that exist, in the order given."""
    found = {row.slug: row for row in model.objects.filter(slug__in=slugs)}
    return [found[slug] for slug in slugs if slug in found]


def _events(words):
    upcoming = upcoming_public_events()
    found = []
    for word in words:
        found.extend(upcoming.filter(title__icontains=word).order_by("start")[:EVENTS_PER_TITLE])
    return found


def _meetings(conferences, today):
    """The last public meeting before today and the next one of each conference."""
    found = []
    moment = dt.datetime.combine(today, dt.time(), tzinfo=local_zone())
    for conference in conferences:
        meetings = Meeting.objects.filter(conference=conference, is_public=True)
        found.extend(meetings.filter(start__lt=moment).order_by("-start")[:1])
        found.extend(meetings.filter(start__gte=moment).order_by("start")[:1])
    return found


@transaction.atomic
def load_projects(today):
    """Create the demo projects unless there are projects already; returns how many."""
    if Project.objects.exists():
        return 0
    for slug, row in PROJECTS.items():
        title, status, (first, last), text, conferences, partners, districts, words, concerns = row
        project = Project.objects.create(
            title=title,
            slug=slug,
            status=status,
            start_date=today + dt.timedelta(days=first),
            end_date=today + dt.timedelta(days=last),
            description=f"{text}\n\n{DEMO_MARK}",
        )
        linked_conferences = _by_slug(Conference, conferences)
        project.conferences.set(linked_conferences)
        project.partners.set(_by_slug(Organization, partners))
        project.districts.set(_by_slug(District, districts))
        project.events.set(_events(words))
        project.concerns.set(
            Concern.objects.filter(title__in=concerns, status__in=Concern.PUBLIC_STATUSES)
        )
        # Where it was discussed: the first district conference's last and next meeting.
        district_conferences = [c for c in linked_conferences if c.kind == c.Kind.DISTRICT]
        project.meetings.set(_meetings(district_conferences[:1], today))
    return len(PROJECTS)
