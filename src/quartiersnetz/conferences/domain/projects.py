"""Cooperation projects: saving a project and what its public page and the umbrella
round's page show of it."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from quartiersnetz.conferences.models import Concern, Meeting, Project
from quartiersnetz.core.activity import changed_values, log_activity, snapshot
from quartiersnetz.events.domain import listed_occurrences
from quartiersnetz.events.models import LISTED_STATUSES, Event, Status, Visibility

PROJECT_FIELDS = (
    "title",
    "slug",
    "status",
    "start_date",
    "end_date",
    "description",
    "conferences",
    "partners",
    "districts",
    "events",
    "concerns",
    "meetings",
)
# The order of the lists: what is going on first, what is over last.
STATUS_ORDER = (
    Project.Status.RUNNING,
    Project.Status.PLANNED,
    Project.Status.IDEA,
    Project.Status.PAUSED,
    Project.Status.COMPLETED,
)


@transaction.atomic
def save_project(form, user):
    """Save a project form (new or edited) and log what changed. The edited row is
    locked, so two saves at once are applied one after the other; a second "create"
    with the same short name is refused (the form already says so, the database
    decides in a race)."""
    is_new = form.instance.pk is None
    before = {}
    if not is_new:
        current = Project.objects.select_for_update().filter(pk=form.instance.pk).first()
        if current is None:
            raise ValidationError(_("This project no longer exists."), code="gone")
        before = snapshot(current, PROJECT_FIELDS)
    try:
        with transaction.atomic():
            project = form.save()
    except IntegrityError as error:
        raise ValidationError(
            _("A project with this short name already exists. Choose another one."),
            code="duplicate",
        ) from error
    changes = changed_values(before, snapshot(project, PROJECT_FIELDS))
    if is_new or changes:
        log_activity(project, user, "created" if is_new else "edited", changes=changes)
    return project


def by_status(projects):
    """Projects in the order of STATUS_ORDER, then by title."""
    return projects.annotate(
        status_rank=Case(
            *(When(status=status, then=Value(rank)) for rank, status in enumerate(STATUS_ORDER)),
            default=Value(len(STATUS_ORDER)),
            output_field=IntegerField(),
        )
    ).order_by("status_rank", "title")


def public_projects(*, status=None, district=None):
    """The public list, filtered by status and district."""
    projects = Project.objects.prefetch_related("districts", "partners")
    if status:
        projects = projects.filter(status=status)
    if district is not None:
        projects = projects.filter(districts=district)
    return by_status(projects)


def upcoming_events(project, now=None):
    """The project's events the public may see that take place again, each with its
    next date (next_start), soonest first."""
    next_dates = (
        listed_occurrences()
        .filter(event=OuterRef("pk"), end__gt=now or timezone.now(), cancelled=False)
        .order_by("start", "pk")
    )
    return (
        project.events.filter(status__in=LISTED_STATUSES, visibility=Visibility.PUBLIC)
        .annotate(next_start=Subquery(next_dates.values("start")[:1]))
        .filter(next_start__isnull=False)
        .select_related("place")
        .order_by("next_start", "pk")
    )


def public_concerns(project):
    return project.concerns.filter(status__in=Concern.PUBLIC_STATUSES).select_related("district")


def public_meetings(project):
    """Public meetings of active conferences (deleted ones are never shown)."""
    return (
        Meeting.objects.filter(projects=project, is_public=True, conference__is_active=True)
        .select_related("conference")
        .order_by("-start")
    )


def cross_district_projects(conference):
    """The umbrella round's projects: those it carries and those in several districts."""
    in_several = (
        Project.districts.through.objects.values("project_id")
        .annotate(count=Count("district_id"))
        .filter(count__gt=1)
        .values("project_id")
    )
    carried = Project.conferences.through.objects.filter(conference=conference).values("project_id")
    return by_status(
        Project.objects.filter(Q(pk__in=in_several) | Q(pk__in=carried)).prefetch_related(
            "districts"
        )
    )


def upcoming_public_events():
    """Events the public sees that take place again (the calendar's own filters)."""
    next_dates = listed_occurrences().filter(
        event=OuterRef("pk"), end__gt=timezone.now(), cancelled=False
    )
    return Event.objects.filter(
        Exists(next_dates),
        status__in=[Status.PUBLISHED, Status.POSTPONED],
        visibility=Visibility.PUBLIC,
    )
