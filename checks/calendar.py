"""Chinese working days: `chinesecalendar` corrected and extended by a user holiday file.

A working day is Monday-Friday, minus the statutory holidays of the yearly 国务院办公厅
notice, plus the weekend days it makes 上班 (调休). `chinesecalendar` (import
`chinese_calendar`) covers 2004-2026 and raises NotImplementedError for other years; this
module never falls back to Monday-Friday silently: a date no source covers raises
`CalendarMissing`, and the rules skip the document and report `calendar.missing`.

Holiday file (TOML), one table per year; dates as TOML dates or "YYYY-MM-DD" strings, ranges
as "YYYY-MM-DD..YYYY-MM-DD"::

    [2027]
    source = "国务院办公厅关于2027年部分节假日安排的通知"   # optional, quoted in evidence
    holidays = ["2027-01-01", "2027-02-06..2027-02-12"]      # days off (statutory + bridged)
    workdays = ["2027-02-14"]                                # make-up working weekend days

A year in the file that the library also covers is *corrected* date by date (the listed days
override the library; other days keep the library's answer). A year the library does not
cover is *defined* by the file: Monday-Friday minus `holidays` plus `workdays`.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

ONE_DAY = dt.timedelta(days=1)


class CalendarMissing(Exception):
    """No source covers `year`: supply it in the holiday file (see module docstring)."""

    def __init__(self, year: int):
        super().__init__(
            f"no holiday calendar for {year}: add a [{year}] table with holidays = [...] and "
            "workdays = [...] to the holiday file (profile key timeliness.holiday_file)"
        )
        self.year = year


class HolidayFileError(ValueError):
    """A holiday file that cannot be read; the message names the file and the entry."""


def _dates(source: str, year: str, key: str, items: Any) -> set[dt.date]:
    if not isinstance(items, list):
        raise HolidayFileError(f"{source}: [{year}].{key} must be a list of dates or ranges")
    out: set[dt.date] = set()
    for item in items:
        try:
            if isinstance(item, dt.date):
                start = end = item
            elif isinstance(item, list) and len(item) == 2:
                start, end = (v if isinstance(v, dt.date) else dt.date.fromisoformat(v) for v in item)
            elif isinstance(item, str) and ".." in item:
                a, b = item.split("..", 1)
                start, end = dt.date.fromisoformat(a.strip()), dt.date.fromisoformat(b.strip())
            else:
                start = end = dt.date.fromisoformat(str(item).strip())
        except (ValueError, TypeError) as exc:
            raise HolidayFileError(f"{source}: [{year}].{key}: bad date or range {item!r}") from exc
        if end < start:
            raise HolidayFileError(f"{source}: [{year}].{key}: range {item!r} ends before it starts")
        day = start
        while day <= end:
            out.add(day)
            day += ONE_DAY
    return out


def parse_holiday_data(data: dict, source: str = "holiday file") -> dict[int, dict]:
    """{year: {"holidays": set, "workdays": set, "source": str}} from parsed TOML."""
    years: dict[int, dict] = {}
    for year_text, table in data.items():
        if not str(year_text).isdigit() or not isinstance(table, dict):
            raise HolidayFileError(f"{source}: expected tables named by year like [2027], got {year_text!r}")
        unknown = set(table) - {"holidays", "workdays", "source"}
        if unknown:
            raise HolidayFileError(f"{source}: [{year_text}] unknown keys {sorted(unknown)} "
                                   "(known: holidays, workdays, source)")
        year = int(year_text)
        holidays = _dates(source, year_text, "holidays", table.get("holidays", []))
        workdays = _dates(source, year_text, "workdays", table.get("workdays", []))
        stray = {d for d in holidays | workdays if d.year != year}
        if stray:
            raise HolidayFileError(f"{source}: [{year_text}] lists dates of another year: {sorted(stray)[0]}")
        both = holidays & workdays
        if both:
            raise HolidayFileError(f"{source}: [{year_text}] {sorted(both)[0]} is both holiday and workday")
        years[year] = {"holidays": holidays, "workdays": workdays, "source": str(table.get("source", source))}
    return years


def load_holiday_file(path: str | Path) -> dict[int, dict]:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise HolidayFileError(f"cannot read holiday file {path}: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise HolidayFileError(f"{path}: not valid TOML: {exc}") from exc
    return parse_holiday_data(data, str(path))


def _library_is_workday(day: dt.date) -> bool:
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError as exc:
        raise CalendarMissing(day.year) from exc


class WorkCalendar:
    """Working days from the library, corrected/extended by `overrides` (a parsed holiday file)."""

    def __init__(self, overrides: dict[int, dict] | None = None, use_library: bool = True):
        self.overrides = overrides or {}
        self.use_library = use_library
        self._cache: dict[dt.date, bool] = {}

    @classmethod
    def from_profile(cls, profile) -> WorkCalendar:
        path = (profile.get("timeliness", {}) or {}).get("holiday_file", "") if profile else ""
        return cls(load_holiday_file(path) if path else None)

    def source(self, year: int) -> str:
        if year in self.overrides:
            return self.overrides[year]["source"]
        return "chinesecalendar"

    def is_workday(self, day: dt.date) -> bool:
        """True on a working day; raises CalendarMissing when no source covers the year."""
        known = self._cache.get(day)
        if known is None:
            known = self._cache[day] = self._is_workday(day)
        return known

    def _is_workday(self, day: dt.date) -> bool:
        year = self.overrides.get(day.year)
        if year is not None:
            if day in year["workdays"]:
                return True
            if day in year["holidays"]:
                return False
        if self.use_library:
            try:
                return _library_is_workday(day)
            except CalendarMissing:
                if year is None:
                    raise
        elif year is None:
            raise CalendarMissing(day.year)
        return day.weekday() < 5

    def nth_working_day_after(self, day: dt.date, n: int) -> dt.date:
        """The Nth working day after `day` (the day itself is not counted; n >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        count = 0
        while True:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
                if count == n:
                    return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: after `start`, up to and including `end` (0 if end <= start)."""
        count, day = 0, start
        while day < end:
            day += ONE_DAY
            if self.is_workday(day):
                count += 1
        return count

    def is_late(self, start: dt.date, end: dt.date, n: int) -> dt.date | None:
        """The deadline when `end` is after the Nth working day after `start`, else None.

        Only the days strictly between `start` and `end` are consulted (so a publication in
        an uncovered year can still be judged when the deadline falls in a covered one), and
        `end` <= start + n calendar days is on time whatever the calendar says.
        """
        if end <= start + dt.timedelta(days=n):
            return None
        count, day = 0, start
        while True:
            day += ONE_DAY
            if day >= end:
                return None
            if self.is_workday(day):
                count += 1
                if count == n:
                    return day


def nth_working_day_after(day: dt.date, n: int, cal: WorkCalendar | None = None) -> dt.date:
    return (cal or WorkCalendar()).nth_working_day_after(day, n)


def working_days_between(start: dt.date, end: dt.date, cal: WorkCalendar | None = None) -> int:
    return (cal or WorkCalendar()).working_days_between(start, end)
