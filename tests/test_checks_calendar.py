"""Working days: DOMAIN §4's table, make-up days, holiday spans both ways, uncovered years."""

from __future__ import annotations

import datetime as dt

import pytest

from checks.calendar import (
    CalendarMissing,
    HolidayFileError,
    WorkCalendar,
    load_holiday_file,
    nth_working_day_after,
    parse_holiday_data,
    working_days_between,
)

D = dt.date.fromisoformat


def monday_to_friday(day: dt.date, n: int) -> dt.date:
    count = 0
    while True:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count += 1
            if count == n:
                return day


@pytest.mark.parametrize("written, plus10, plus20", [
    ("2026-02-12", "2026-03-04", "2026-03-18"),
    ("2026-09-28", "2026-10-16", "2026-10-30"),
    ("2025-09-26", "2025-10-16", "2025-10-30"),
    ("2026-04-30", "2026-05-18", "2026-06-01"),
])
def test_domain_table(written, plus10, plus20):
    assert nth_working_day_after(D(written), 10) == D(plus10)
    assert nth_working_day_after(D(written), 20) == D(plus20)


@pytest.mark.parametrize("day, workday", [
    ("2026-02-14", True),   # Saturday, 春节 make-up
    ("2026-02-28", True),   # Saturday, 春节 make-up
    ("2026-01-04", True),   # Sunday, 元旦 make-up
    ("2025-01-26", True),   # Sunday, 春节 make-up
    ("2025-02-08", True),   # Saturday
    ("2025-10-11", True),   # Saturday, 国庆 make-up
    ("2026-09-20", True),   # Sunday, 国庆 make-up
    ("2026-02-16", False),  # Monday in 春节
    ("2025-10-08", False),  # Wednesday in 国庆+中秋
    ("2026-09-25", False),  # Friday, 中秋
    ("2026-02-21", False),  # ordinary Saturday inside the holiday
])
def test_make_up_days_and_holidays(day, workday):
    assert WorkCalendar().is_workday(D(day)) is workday


@pytest.mark.parametrize("written, deadline", [
    # holidays push the deadline later than Monday-Friday counting says ...
    ("2026-02-05", "2026-02-26"),  # 春节 2026 (Mon-Fri: 02-19)
    ("2025-01-24", "2025-02-13"),  # 春节 2025 (Mon-Fri: 02-07)
    ("2025-09-26", "2025-10-16"),  # 国庆 2025 (Mon-Fri: 10-10)
    ("2026-09-17", "2026-10-08"),  # 中秋+国庆 2026 (Mon-Fri: 10-01)
    # ... and make-up Saturdays/Sundays pull it earlier
    ("2026-02-25", "2026-03-10"),  # 02-28 Sat (Mon-Fri: 03-11)
    ("2025-02-06", "2025-02-19"),  # 02-08 Sat (Mon-Fri: 02-20)
    ("2025-10-09", "2025-10-22"),  # 10-11 Sat (Mon-Fri: 10-23)
])
def test_spans_where_monday_to_friday_is_wrong(written, deadline):
    got = nth_working_day_after(D(written), 10)
    assert got == D(deadline)
    assert monday_to_friday(D(written), 10) != got


def test_formation_day_not_counted_and_between():
    cal = WorkCalendar()
    assert cal.nth_working_day_after(D("2026-03-02"), 1) == D("2026-03-03")
    assert working_days_between(D("2026-02-12"), D("2026-03-04")) == 10
    assert working_days_between(D("2026-03-04"), D("2026-03-04")) == 0
    # is_late: the Nth working day itself is on time, the next day late
    assert cal.is_late(D("2026-02-12"), D("2026-03-04"), 10) is None
    assert cal.is_late(D("2026-02-12"), D("2026-03-05"), 10) == D("2026-03-04")


def test_uncovered_year_raises_no_guess():
    cal = WorkCalendar()
    with pytest.raises(CalendarMissing) as exc:
        cal.is_workday(D("2027-03-01"))
    assert exc.value.year == 2027
    assert "2027" in str(exc.value) and "holidays" in str(exc.value)
    with pytest.raises(CalendarMissing):
        cal.nth_working_day_after(D("2026-12-28"), 10)


def test_is_late_needs_only_days_before_publication():
    cal = WorkCalendar()
    # published within N calendar days: on time whatever the calendar
    assert cal.is_late(D("2026-12-30"), D("2027-01-05"), 10) is None
    # deadline inside 2026, published in 2027: late without knowing 2027
    assert cal.is_late(D("2026-12-01"), D("2027-01-20"), 10) == D("2026-12-15")


def test_holiday_file_defines_uncovered_year(tmp_path):
    path = tmp_path / "holidays.toml"
    path.write_text(
        '[2027]\nsource = "test notice"\n'
        'holidays = ["2027-01-01", "2027-02-06..2027-02-12", 2027-10-01]\n'
        'workdays = ["2027-02-14"]\n', encoding="utf-8")
    cal = WorkCalendar(load_holiday_file(path))
    assert cal.is_workday(D("2027-02-08")) is False   # Monday, holiday
    assert cal.is_workday(D("2027-02-14")) is True    # Sunday, make-up
    assert cal.is_workday(D("2027-02-15")) is True    # ordinary Monday
    assert cal.is_workday(D("2027-02-20")) is False   # ordinary Saturday
    assert cal.is_workday(D("2027-10-01")) is False   # TOML date literal
    assert cal.source(2027) == "test notice"
    assert cal.nth_working_day_after(D("2027-02-04"), 3) == D("2027-02-15")


def test_holiday_file_corrects_covered_year():
    cal = WorkCalendar(parse_holiday_data({"2026": {"holidays": ["2026-03-02"], "workdays": ["2026-02-21"]}}))
    assert cal.is_workday(D("2026-03-02")) is False
    assert cal.is_workday(D("2026-02-21")) is True
    assert cal.is_workday(D("2026-02-16")) is False  # library answer kept
    assert cal.is_workday(D("2026-03-03")) is True


@pytest.mark.parametrize("data", [
    {"x2027": {"holidays": []}},
    {"2027": {"holidays": ["2027-13-01"]}},
    {"2027": {"holidays": ["2026-12-31"]}},
    {"2027": {"holidays": ["2027-01-05..2027-01-01"]}},
    {"2027": {"holiday": []}},
    {"2027": {"holidays": ["2027-01-04"], "workdays": ["2027-01-04"]}},
])
def test_bad_holiday_data(data):
    with pytest.raises(HolidayFileError):
        parse_holiday_data(data, "h.toml")


def test_profile_holiday_file(tmp_path):
    path = tmp_path / "h.toml"
    path.write_text('[2027]\nholidays = ["2027-01-01"]\nworkdays = []\n', encoding="utf-8")
    cal = WorkCalendar.from_profile({"timeliness": {"holiday_file": str(path)}})
    assert cal.is_workday(D("2027-01-04")) is True
