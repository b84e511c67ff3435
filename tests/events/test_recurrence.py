import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from quartiersnetz.events import domain, recurrence
from quartiersnetz.events.models import Event, Status
from tests.factories import BERLIN, EventFactory, berlin

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English here; test_admin checks the German ones."""
    with translation.override("en"):
        yield


def local_starts(event):
    return [o.start.astimezone(BERLIN) for o in event.occurrences.order_by("start")]


def test_weekly_series_keeps_its_wall_clock_time_across_the_autumn_dst_change():
    event = EventFactory(
        start=berlin(2026, 10, 14, 19),
        end=berlin(2026, 10, 14, 21),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
    )
    starts = local_starts(event)
    assert [s.date() for s in starts] == [
        dt.date(2026, 10, 14),
        dt.date(2026, 10, 21),
        dt.date(2026, 10, 28),
        dt.date(2026, 11, 4),
    ]
    assert {s.time() for s in starts} == {dt.time(19)}
    utc_hours = [o.start.astimezone(dt.UTC).hour for o in event.occurrences.order_by("start")]
    assert utc_hours == [17, 17, 18, 18]
    assert all(o.end - o.start == dt.timedelta(hours=2) for o in event.occurrences.all())


def test_daily_series_over_the_spring_gap_gets_a_real_instant():
    event = EventFactory(
        start=berlin(2026, 3, 28, 2, 30),
        end=berlin(2026, 3, 28, 3, 30),
        recurrence_rule="FREQ=DAILY;COUNT=3",
    )
    occurrences = list(event.occurrences.order_by("start"))
    assert len(occurrences) == 3
    # 02:30 does not exist on 29 March 2026; the slot becomes 03:30 summer time.
    assert occurrences[1].start.astimezone(BERLIN).time() == dt.time(3, 30)
    assert occurrences[1].end - occurrences[1].start == dt.timedelta(hours=1)


def test_all_day_series_starts_at_local_midnight_on_both_sides_of_dst():
    event = EventFactory(
        start=berlin(2026, 10, 24),
        end=berlin(2026, 10, 25),
        all_day=True,
        recurrence_rule="FREQ=DAILY;COUNT=3",
    )
    occurrences = list(event.occurrences.order_by("start"))
    assert [o.start.astimezone(BERLIN) for o in occurrences] == [
        berlin(2026, 10, 24),
        berlin(2026, 10, 25),
        berlin(2026, 10, 26),
    ]
    assert [o.end.astimezone(BERLIN) for o in occurrences] == [
        berlin(2026, 10, 25),
        berlin(2026, 10, 26),
        berlin(2026, 10, 27),
    ]
    # The DST day is 25 hours long and still one calendar day.
    assert occurrences[1].end - occurrences[1].start == dt.timedelta(hours=25)
    assert all(o.all_day for o in occurrences)


def test_all_day_event_end_is_normalised_to_the_midnight_after_its_last_day():
    event = EventFactory(
        start=berlin(2026, 11, 28, 11),
        end=berlin(2026, 11, 29, 20),
        all_day=True,
    )
    assert event.start == berlin(2026, 11, 28)
    assert event.end == berlin(2026, 11, 30)
    event.full_clean()
    assert event.end == berlin(2026, 11, 30), "cleaning twice must not move the end"


def test_multi_day_event_is_one_occurrence_listed_on_each_of_its_days():
    event = EventFactory(start=berlin(2026, 8, 28, 16), end=berlin(2026, 8, 30, 22))
    assert event.occurrences.count() == 1
    for day in (dt.date(2026, 8, 28), dt.date(2026, 8, 29), dt.date(2026, 8, 30)):
        listed = domain.occurrences_on_days(domain.listed_occurrences(), day)
        assert list(listed.values_list("event__title", flat=True)) == [event.title]
    assert not domain.occurrences_on_days(domain.listed_occurrences(), dt.date(2026, 8, 31))


def test_excluded_dates_are_left_out_of_a_series():
    event = EventFactory(
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 21),
        recurrence_rule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        recurrence_exceptions="2026-12-22\n2026-12-29",
    )
    days = [s.date() for s in local_starts(event)]
    assert dt.date(2026, 12, 22) not in days
    assert dt.date(2026, 12, 29) not in days
    assert len(days) == 4


def test_monthly_rule_on_the_first_tuesday():
    event = EventFactory(
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 22),
        recurrence_rule="FREQ=MONTHLY;BYDAY=1TU;COUNT=4",
    )
    assert [s.date() for s in local_starts(event)] == [
        dt.date(2026, 12, 1),
        dt.date(2027, 1, 5),
        dt.date(2027, 2, 2),
        dt.date(2027, 3, 2),
    ]


def test_editing_a_series_keeps_cancelled_and_moved_dates_and_drops_removed_ones():
    event = EventFactory(
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 21),
        recurrence_rule="FREQ=WEEKLY;COUNT=4",
    )
    first, second, third, _fourth = event.occurrences.order_by("start")
    domain.cancel_occurrence(second)
    domain.move_occurrence(third, berlin(2026, 12, 16, 18), berlin(2026, 12, 16, 20))

    event.start, event.end = berlin(2026, 12, 1, 20), berlin(2026, 12, 1, 22)
    event.recurrence_rule = "FREQ=WEEKLY;COUNT=3"
    event.full_clean()
    domain.save_event(event)

    remaining = {o.pk: o for o in event.occurrences.all()}
    assert set(remaining) == {first.pk, second.pk, third.pk}, "the fourth slot is gone"
    assert remaining[first.pk].start == berlin(2026, 12, 1, 20)
    assert remaining[second.pk].cancelled
    assert remaining[second.pk].start == berlin(2026, 12, 8, 20)
    assert remaining[third.pk].start == berlin(2026, 12, 16, 18), "a moved date stays moved"
    assert Event.objects.get(pk=event.pk).sequence >= 3


def test_editing_a_single_event_keeps_its_occurrence_row():
    event = EventFactory()
    occurrence = event.occurrences.get()
    event.start, event.end = berlin(2026, 12, 3, 18), berlin(2026, 12, 3, 20)
    event.full_clean()
    domain.save_event(event)
    moved = event.occurrences.get()
    assert moved.pk == occurrence.pk
    assert moved.start == berlin(2026, 12, 3, 18)
    assert moved.ical_uid == occurrence.ical_uid


def test_occurrences_copy_what_the_calendar_filters_on_and_follow_the_place():
    event = EventFactory(is_free=True, status=Status.PUBLISHED)
    occurrence = event.occurrences.get()
    assert occurrence.district_id == event.place.district_id
    assert occurrence.is_free
    assert not occurrence.step_free
    place = event.place
    place.step_free = True
    place.save()
    occurrence.refresh_from_db()
    assert occurrence.step_free


def test_horizon_extension_expands_open_series_further(settings):
    settings.EVENTS_HORIZON_DAYS = 30
    event = EventFactory(
        start=berlin(2026, 11, 3, 9),
        end=berlin(2026, 11, 3, 13),
        recurrence_rule="FREQ=WEEKLY;BYDAY=TU,FR",
    )
    before = event.occurrences.count()
    until = event.occurrences.order_by("-start").first().start + dt.timedelta(days=60)
    extended = domain.extend_horizon(until=until)
    assert extended == 1
    after = event.occurrences.count()
    assert after >= before + 16
    event.refresh_from_db()
    assert event.materialised_until == until
    assert domain.extend_horizon(until=until) == 0, "nothing left to extend"


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SECONDLY", "daily, weekly, monthly or yearly"),
        ("FREQ=WEEKLY;BYDAY=XX", "not valid"),
        ("garbage", "not valid"),
        ("FREQ=WEEKLY;UNTIL=tomorrow", "not valid"),
        ("FREQ=DAILY;BYHOUR=10,15", "at most once a day"),
        ("FREQ=WEEKLY;COUNT", "no value"),
    ],
)
def test_broken_rules_are_rejected_with_a_message(rule, message):
    with pytest.raises(ValidationError) as error:
        recurrence.normalise_rule(rule)
    assert message in " ".join(error.value.messages)


def test_utc_until_is_read_on_the_local_clock():
    rule = recurrence.normalise_rule("rrule:freq=weekly;until=20261231T230000Z")
    assert rule == "FREQ=WEEKLY;UNTIL=20270101T000000"


def test_a_rule_with_too_many_dates_is_refused():
    with pytest.raises(ValidationError, match="more than"):
        recurrence.expand(
            berlin(2026, 1, 1, 10),
            berlin(2026, 1, 1, 11),
            False,
            "FREQ=DAILY",
            [],
            berlin(2030, 1, 1),
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end": berlin(2026, 12, 1, 18)}, "end"),
        ({"end": berlin(2027, 6, 1, 18)}, "end"),
        ({"recurrence_rule": "FREQ=HOURLY"}, "recurrence_rule"),
        ({"recurrence_exceptions": "2026-13-45"}, "recurrence_exceptions"),
        ({"image": "events/x.png", "image_alt": "  "}, "image_alt"),
        ({"place": None, "online_url": ""}, "place"),
    ],
)
def test_invalid_events_are_rejected_per_field(changes, field):
    event = EventFactory.build(place=None, online_url="https://example.org/treffen")
    for name, value in changes.items():
        setattr(event, name, value)
    with pytest.raises(ValidationError) as error:
        event.full_clean(exclude=["place"] if field != "place" else [])
    assert field in error.value.message_dict


def test_a_long_running_daily_series_can_still_be_saved_and_extended(settings):
    event = EventFactory(
        start=berlin(2022, 1, 3, 8),
        end=berlin(2022, 1, 3, 9),
        recurrence_rule="FREQ=DAILY",
    )
    assert event.occurrences.filter(start__gte=berlin(2026, 11, 1)).exists()
    assert domain.extend_horizon(until=domain.horizon_end() + dt.timedelta(days=30)) == 1


def test_count_and_until_together_are_refused():
    with pytest.raises(ValidationError, match="not both"):
        recurrence.normalise_rule("FREQ=WEEKLY;COUNT=3;UNTIL=20270101")


def test_a_date_only_until_includes_that_day():
    event = EventFactory(
        start=berlin(2026, 12, 1, 19),
        end=berlin(2026, 12, 1, 21),
        recurrence_rule="FREQ=DAILY;UNTIL=20261203",
    )
    assert [s.date() for s in local_starts(event)] == [
        dt.date(2026, 12, 1),
        dt.date(2026, 12, 2),
        dt.date(2026, 12, 3),
    ]
