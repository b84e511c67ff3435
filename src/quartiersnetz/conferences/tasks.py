"""Background work of the conferences: the action item reminders (run daily)."""

from django_tasks import task

from quartiersnetz.conferences.domain import actions


@task()
def send_action_reminders():
    """Remind the people responsible for action items due soon or overdue; returns the
    counts of reminders sent ("soon", "overdue") and of items without an address."""
    return actions.send_reminders()
