"""Pure rules of a company's payroll settings (issue 16, client set-up from the firm).

Standard library only: the pay period (weekly, every two weeks, twice a month, monthly) with its
anchor date, the week's first day, and the overtime rules (a daily and a weekly threshold, each
optional). From them: the pay period a day falls in, and how a week's hours split into the
``regular`` and ``overtime`` hour types the time entries and the payroll mapping use.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final, Literal

__all__ = [
    "MAX_THRESHOLD_MINUTES",
    "PAY_PERIODS",
    "WEEKDAYS",
    "DaySplit",
    "HoursSummary",
    "PayPeriod",
    "PayrollSettings",
    "PayrollSettingsError",
    "describe_settings",
    "pay_period_of",
    "read_settings_form",
    "settings_to_form",
    "split_overtime",
    "summarize_hours",
    "week_of",
]

PayPeriod = Literal["weekly", "biweekly", "semimonthly", "monthly"]
# value -> the words QuickBooks Time uses
PAY_PERIODS: Final[Mapping[str, str]] = {
    "weekly": "Weekly",
    "biweekly": "Every two weeks",
    "semimonthly": "Twice a month (1st-15th, 16th-end)",
    "monthly": "Monthly",
}
WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MAX_THRESHOLD_MINUTES: Final = 24 * 60 * 7


class PayrollSettingsError(ValueError):
    """Form values that are not payroll settings; ``fields`` maps each field to its problem."""

    def __init__(self, fields: Mapping[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in fields.items()))
        self.fields = dict(fields)


@dataclass(frozen=True, slots=True, kw_only=True)
class PayrollSettings:
    """A company's payroll settings; ``pay_period`` None means not set up yet."""

    pay_period: PayPeriod | None = None
    anchor: date | None = None
    week_start: str = "Monday"
    overtime_daily_minutes: int | None = None
    overtime_weekly_minutes: int | None = None

    def __post_init__(self) -> None:
        if self.week_start not in WEEKDAYS:
            raise ValueError(f"week_start must be one of {', '.join(WEEKDAYS)}")
        if self.pay_period is not None and self.pay_period not in PAY_PERIODS:
            raise ValueError(f"unknown pay period {self.pay_period!r}")
        if self.pay_period is not None and self.anchor is None:
            raise ValueError("a pay period needs its anchor date")
        for value in (self.overtime_daily_minutes, self.overtime_weekly_minutes):
            if value is not None and not 0 < value <= MAX_THRESHOLD_MINUTES:
                raise ValueError("an overtime threshold is between 1 minute and 168 hours")


@dataclass(frozen=True, slots=True)
class DaySplit:
    """One day's minutes split into hour types."""

    day: date
    regular: int
    overtime: int


def settings_to_form(settings: PayrollSettings) -> dict[str, str]:
    """The form fields (:func:`read_settings_form`'s) that give ``settings`` back."""

    def hours(minutes: int | None) -> str:
        return "" if minutes is None else f"{minutes / 60:g}"

    rules = settings.overtime_daily_minutes or settings.overtime_weekly_minutes
    return {
        "pay_period": settings.pay_period or "",
        "anchor": settings.anchor.isoformat() if settings.anchor else "",
        "week_start": settings.week_start,
        "overtime": "rules" if rules else "none",
        "daily_hours": hours(settings.overtime_daily_minutes),
        "weekly_hours": hours(settings.overtime_weekly_minutes),
    }


def _hours(text: str, field: str, errors: dict[str, str], *, limit: int) -> int | None:
    text = text.strip()
    if not text:
        return None
    try:
        hours = float(text)
    except ValueError:
        errors[field] = f"give hours as a number, such as 8 or 7.5 (not {text[:20]!r})"
        return None
    if not 0 < hours <= limit:
        errors[field] = f"give a number of hours above 0 and at most {limit}"
        return None
    return round(hours * 60)


def read_settings_form(form: Mapping[str, str]) -> PayrollSettings:
    """The settings a form's fields name.

    Fields: ``pay_period`` (a key of :data:`PAY_PERIODS`), ``anchor`` (an ISO date: the first day
    of a pay period; for twice a month it is the 1st or the 16th), ``week_start`` (a day name),
    ``overtime`` (``none`` or ``rules``) with ``daily_hours`` and ``weekly_hours`` (either may be
    empty, not both).

    :raises PayrollSettingsError: with every field's problem at once.
    """
    errors: dict[str, str] = {}
    period = form.get("pay_period", "").strip()
    if period not in PAY_PERIODS:
        errors["pay_period"] = "choose how often the company runs payroll"
    anchor: date | None = None
    text = form.get("anchor", "").strip()
    try:
        anchor = date.fromisoformat(text)
    except ValueError:
        errors["anchor"] = "give the first day of a pay period as a date (YYYY-MM-DD)"
    if anchor is not None and period == "semimonthly" and anchor.day not in (1, 16):
        errors["anchor"] = "twice a month, a pay period starts on the 1st or the 16th"
    if anchor is not None and period == "monthly" and anchor.day > 28:
        errors["anchor"] = "a monthly pay period starts on a day from the 1st to the 28th"
    week_start = form.get("week_start", "").strip()
    if week_start not in WEEKDAYS:
        errors["week_start"] = "choose the first day of the work week"
    daily = weekly = None
    mode = form.get("overtime", "none").strip()
    if mode == "rules":
        daily = _hours(form.get("daily_hours", ""), "daily_hours", errors, limit=24)
        weekly = _hours(form.get("weekly_hours", ""), "weekly_hours", errors, limit=168)
        if daily is None and weekly is None and not errors.keys() & {"daily_hours", "weekly_hours"}:
            errors["daily_hours"] = "give a daily or a weekly threshold, or choose no overtime"
    elif mode != "none":
        errors["overtime"] = "choose no overtime or overtime rules"
    if errors:
        raise PayrollSettingsError(errors)
    return PayrollSettings(
        pay_period=period,  # type: ignore[arg-type]
        anchor=anchor,
        week_start=week_start,
        overtime_daily_minutes=daily,
        overtime_weekly_minutes=weekly,
    )


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def pay_period_of(settings: PayrollSettings, day: date) -> tuple[date, date]:
    """The first and last day of the pay period ``day`` falls in.

    :raises ValueError: the pay period is not set.
    """
    if settings.pay_period is None or settings.anchor is None:
        raise ValueError("the pay period is not set")
    anchor = settings.anchor
    if settings.pay_period in ("weekly", "biweekly"):
        length = 7 if settings.pay_period == "weekly" else 14
        start = anchor + timedelta(days=((day - anchor).days // length) * length)
        return start, start + timedelta(days=length - 1)
    if settings.pay_period == "semimonthly":
        if day.day <= 15:
            return day.replace(day=1), day.replace(day=15)
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=16), day.replace(day=last)
    # monthly, from the anchor's day of the month
    months = (day.year - anchor.year) * 12 + day.month - anchor.month
    if day.day < anchor.day:
        months -= 1
    start = _add_months(anchor, months)
    return start, _add_months(anchor, months + 1) - timedelta(days=1)


def week_of(settings: PayrollSettings, day: date) -> date:
    """The first day of the work week ``day`` falls in."""
    back = (day.weekday() - WEEKDAYS.index(settings.week_start)) % 7
    return day - timedelta(days=back)


def split_overtime(settings: PayrollSettings, days: Sequence[tuple[date, int]]) -> list[DaySplit]:
    """Split each day's worked minutes into regular and overtime, per the overtime rules.

    A day's minutes above the daily threshold are overtime; then, within each work week (from
    ``week_start``), the regular minutes beyond the weekly threshold, counted in date order,
    become overtime (minutes already overtime by the daily rule do not count twice). Minutes are
    never lost: regular + overtime of each day equals its worked minutes. Days may repeat
    (several entries a day) and come in any order; the result has one split per date, sorted.
    """
    totals: dict[date, int] = {}
    for day, minutes in days:
        if minutes < 0:
            raise ValueError("worked minutes cannot be negative")
        totals[day] = totals.get(day, 0) + minutes
    daily = settings.overtime_daily_minutes
    weekly = settings.overtime_weekly_minutes
    out: list[DaySplit] = []
    used: dict[date, int] = {}
    for day in sorted(totals):
        worked = totals[day]
        regular = min(worked, daily) if daily is not None else worked
        if weekly is not None:
            week = week_of(settings, day)
            room = max(weekly - used.get(week, 0), 0)
            regular = min(regular, room)
            used[week] = used.get(week, 0) + regular
        out.append(DaySplit(day, regular, worked - regular))
    return out


WORKED_HOUR_TYPES: Final = ("regular", "overtime", "doubletime")


@dataclass(frozen=True, slots=True)
class HoursSummary:
    """A person's worked minutes in a date range: split by the overtime rules, beside the
    minutes entered as overtime (or double time)."""

    worked: int
    regular: int
    overtime: int
    entered_overtime: int

    @property
    def differs(self) -> bool:
        """The entered hour types do not match what the rules give."""
        return self.overtime != self.entered_overtime


def summarize_hours(
    settings: PayrollSettings, worked: Iterable[tuple[int, date, str, int]]
) -> dict[int, HoursSummary]:
    """Per person (any key), from (person, day, hour type, minutes): the rules' split of the
    worked hour types (paid time off is not worked time and is left out)."""
    days: dict[int, list[tuple[date, int]]] = {}
    entered: dict[int, int] = {}
    for person, day, hour_type, minutes in worked:
        if hour_type not in WORKED_HOUR_TYPES:
            continue
        days.setdefault(person, []).append((day, minutes))
        if hour_type != "regular":
            entered[person] = entered.get(person, 0) + minutes
    out: dict[int, HoursSummary] = {}
    for person, entries in days.items():
        split = split_overtime(settings, entries)
        regular = sum(d.regular for d in split)
        overtime = sum(d.overtime for d in split)
        out[person] = HoursSummary(regular + overtime, regular, overtime, entered.get(person, 0))
    return out


def describe_settings(settings: PayrollSettings) -> list[tuple[str, str]]:
    """(label, text) pairs for pages and the CLI."""

    def hours(minutes: int | None) -> str:
        return "none" if minutes is None else f"{minutes / 60:g} hours"

    period = PAY_PERIODS[settings.pay_period] if settings.pay_period else "not set"
    return [
        ("Pay period", period),
        ("Anchor date", settings.anchor.isoformat() if settings.anchor else "not set"),
        ("Week starts on", settings.week_start),
        ("Daily overtime after", hours(settings.overtime_daily_minutes)),
        ("Weekly overtime after", hours(settings.overtime_weekly_minutes)),
    ]
