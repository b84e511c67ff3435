import datetime as dt

import pytest

from quartiersnetz.events import domain
from tests.factories import EventFactory, berlin

pytestmark = pytest.mark.django_db


def test_dates_by_day_ranks_per_day_and_counts_dates_of_several_days_on_each_day():
    for hour in range(8, 14):
        EventFactory(
            title=f"Kurs {hour}", start=berlin(2026, 12, 2, hour), end=berlin(2026, 12, 2, hour, 45)
        )
    EventFactory(title="Ausstellung", start=berlin(2026, 11, 28, 10), end=berlin(2026, 12, 3, 18))
    EventFactory(title="Nachtwanderung", start=berlin(2026, 12, 4, 22), end=berlin(2026, 12, 5, 1))
    rows, counts = domain.dates_by_day(
        domain.listed_occurrences(), dt.date(2026, 12, 1), dt.date(2026, 12, 7), per_day=4
    )
    titles = {day: [row["title"] for row in day_rows] for day, day_rows in rows.items()}
    assert titles[dt.date(2026, 12, 1)] == ["Ausstellung"], "began before the range"
    assert titles[dt.date(2026, 12, 2)] == ["Ausstellung", "Kurs 8", "Kurs 9", "Kurs 10"]
    assert counts[dt.date(2026, 12, 2)] == 7
    assert titles[dt.date(2026, 12, 3)] == ["Ausstellung"]
    assert dt.date(2026, 12, 6) not in titles
    # An evening that runs past midnight belongs to its evening.
    assert titles[dt.date(2026, 12, 4)] == ["Nachtwanderung"]
    assert dt.date(2026, 12, 5) not in titles
