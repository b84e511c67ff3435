"""Background work of the calendar."""

from django_tasks import task

from quartiersnetz.events import domain


@task()
def extend_recurrence_horizon():
    """Expand recurring events up to the rolling horizon (run daily)."""
    return domain.extend_horizon()
