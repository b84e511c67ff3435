import io

import pytest
from django.core.management import call_command

from quartiersnetz.events.models import Event
from tests.factories import EventFactory, berlin

pytestmark = pytest.mark.django_db


def test_extend_horizon_command_reports_progress_and_extends_open_series(settings):
    settings.EVENTS_HORIZON_DAYS = 30
    event = EventFactory(
        start=berlin(2026, 11, 3, 9), end=berlin(2026, 11, 3, 13), recurrence_rule="FREQ=WEEKLY"
    )
    before = event.occurrences.count()
    settings.EVENTS_HORIZON_DAYS = 120
    out = io.StringIO()
    call_command("extend_horizon", stdout=out)
    output = out.getvalue()
    assert "Recurring events: 1/1 (100 %)" in output
    assert "Extended 1 recurring events." in output
    assert event.occurrences.count() > before
    assert Event.objects.get(pk=event.pk).materialised_until is not None
