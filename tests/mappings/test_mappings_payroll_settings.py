"""Payroll settings: the form's rules, the pay period a day falls in and the overtime split."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mappings import payroll_settings as ps

FORM = {
    "pay_period": "weekly",
    "anchor": "2026-11-30",
    "week_start": "Monday",
    "overtime": "rules",
    "daily_hours": "8",
    "weekly_hours": "40",
}

periods = st.sampled_from(sorted(ps.PAY_PERIODS))
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))


def settings_for(period: str, anchor: date, **kw: object) -> ps.PayrollSettings:
    if period == "semimonthly":
        anchor = anchor.replace(day=1 if anchor.day <= 15 else 16)
    if period == "monthly":
        anchor = anchor.replace(day=min(anchor.day, 28))
    return ps.PayrollSettings(pay_period=period, anchor=anchor, **kw)  # type: ignore[arg-type]


def test_a_full_form_reads_into_settings() -> None:
    got = ps.read_settings_form(FORM)
    assert got == ps.PayrollSettings(
        pay_period="weekly",
        anchor=date(2026, 11, 30),
        week_start="Monday",
        overtime_daily_minutes=480,
        overtime_weekly_minutes=2400,
    )


def test_no_overtime_ignores_the_thresholds() -> None:
    got = ps.read_settings_form({**FORM, "overtime": "none", "daily_hours": "x"})
    assert got.overtime_daily_minutes is None and got.overtime_weekly_minutes is None


def test_half_hours_are_kept_in_minutes() -> None:
    got = ps.read_settings_form({**FORM, "daily_hours": "7.5", "weekly_hours": ""})
    assert (got.overtime_daily_minutes, got.overtime_weekly_minutes) == (450, None)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"pay_period": "fortnightly"}, "pay_period"),
        ({"pay_period": ""}, "pay_period"),
        ({"anchor": "30/11/2026"}, "anchor"),
        ({"anchor": ""}, "anchor"),
        ({"pay_period": "semimonthly", "anchor": "2026-11-10"}, "anchor"),
        ({"pay_period": "monthly", "anchor": "2026-01-31"}, "anchor"),
        ({"week_start": "Funday"}, "week_start"),
        ({"overtime": "maybe"}, "overtime"),
        ({"daily_hours": "eight"}, "daily_hours"),
        ({"daily_hours": "25"}, "daily_hours"),
        ({"daily_hours": "0"}, "daily_hours"),
        ({"daily_hours": "nan"}, "daily_hours"),
        ({"weekly_hours": "inf"}, "weekly_hours"),
        ({"weekly_hours": "-1"}, "weekly_hours"),
        ({"daily_hours": "", "weekly_hours": ""}, "daily_hours"),
    ],
)
def test_each_bad_field_is_named(changes: dict[str, str], field: str) -> None:
    with pytest.raises(ps.PayrollSettingsError) as caught:
        ps.read_settings_form({**FORM, **changes})
    assert field in caught.value.fields
    assert caught.value.fields[field]


def test_every_problem_is_reported_at_once() -> None:
    with pytest.raises(ps.PayrollSettingsError) as caught:
        ps.read_settings_form({"pay_period": "x", "anchor": "y", "week_start": "z"})
    assert set(caught.value.fields) == {"pay_period", "anchor", "week_start"}


@given(periods, days, days)
def test_a_day_lies_in_its_pay_period(period: str, anchor: date, day: date) -> None:
    """The period contains the day, has the length its kind says, and the next period starts
    the day after it ends."""
    settings = settings_for(period, anchor)
    start, end = ps.pay_period_of(settings, day)
    assert start <= day <= end
    length = (end - start).days + 1
    expected = {"weekly": {7}, "biweekly": {14}, "semimonthly": set(range(13, 17))}
    assert length in expected.get(period, set(range(28, 32)))
    following, _ = ps.pay_period_of(settings, end + timedelta(days=1))
    assert following == end + timedelta(days=1)


@given(st.sampled_from(["weekly", "biweekly"]), days, st.integers(-60, 60))
def test_the_anchor_starts_a_period(period: str, anchor: date, shift: int) -> None:
    settings = settings_for(period, anchor)
    length = 7 if period == "weekly" else 14
    start, _ = ps.pay_period_of(settings, anchor + timedelta(days=shift * length))
    assert start == anchor + timedelta(days=shift * length)


def test_monthly_periods_follow_the_anchor_day() -> None:
    settings = ps.PayrollSettings(pay_period="monthly", anchor=date(2026, 1, 20))
    assert ps.pay_period_of(settings, date(2026, 3, 5)) == (date(2026, 2, 20), date(2026, 3, 19))
    assert ps.pay_period_of(settings, date(2026, 3, 20)) == (date(2026, 3, 20), date(2026, 4, 19))


def test_semimonthly_periods_are_halves_of_the_month() -> None:
    settings = ps.PayrollSettings(pay_period="semimonthly", anchor=date(2026, 1, 16))
    assert ps.pay_period_of(settings, date(2026, 2, 20)) == (date(2026, 2, 16), date(2026, 2, 28))
    assert ps.pay_period_of(settings, date(2026, 2, 15)) == (date(2026, 2, 1), date(2026, 2, 15))


def test_no_pay_period_has_no_period() -> None:
    with pytest.raises(ValueError, match="not set"):
        ps.pay_period_of(ps.PayrollSettings(), date(2026, 1, 1))


@given(st.sampled_from(ps.WEEKDAYS), days)
def test_the_week_starts_on_its_day(week_start: str, day: date) -> None:
    first = ps.week_of(ps.PayrollSettings(week_start=week_start), day)
    assert ps.WEEKDAYS[first.weekday()] == week_start
    assert 0 <= (day - first).days < 7


def test_daily_then_weekly_overtime() -> None:
    """Ten hours a day, Monday to Friday, over 8 a day and 35 a week: 2 hours a day are daily
    overtime, and on Friday the regular hours left after 4 x 8 are 3."""
    settings = ps.PayrollSettings(overtime_daily_minutes=480, overtime_weekly_minutes=2100)
    week = [(date(2026, 11, 30) + timedelta(days=i), 600) for i in range(5)]
    got = ps.split_overtime(settings, week)
    assert [(d.regular, d.overtime) for d in got] == [
        (480, 120),
        (480, 120),
        (480, 120),
        (480, 120),
        (180, 420),
    ]


def test_the_weekly_rule_restarts_on_the_week_start() -> None:
    settings = ps.PayrollSettings(week_start="Sunday", overtime_weekly_minutes=60)
    sat, sun = date(2026, 12, 5), date(2026, 12, 6)
    got = ps.split_overtime(settings, [(sun, 90), (sat, 90), (sat, 30)])
    assert [(d.day, d.regular, d.overtime) for d in got] == [(sat, 60, 60), (sun, 60, 30)]


def test_negative_minutes_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        ps.split_overtime(ps.PayrollSettings(), [(date(2026, 1, 1), -5)])


@given(
    st.lists(st.tuples(days, st.integers(0, 24 * 60)), max_size=30),
    st.one_of(st.none(), st.integers(1, 24 * 60)),
    st.one_of(st.none(), st.integers(1, ps.MAX_THRESHOLD_MINUTES)),
    st.sampled_from(ps.WEEKDAYS),
)
def test_overtime_never_loses_or_makes_minutes(
    entries: list[tuple[date, int]], daily: int | None, weekly: int | None, week_start: str
) -> None:
    """Per day, regular + overtime is what was worked; no day's regular passes the daily
    threshold and no week's regular passes the weekly one."""
    settings = ps.PayrollSettings(
        week_start=week_start, overtime_daily_minutes=daily, overtime_weekly_minutes=weekly
    )
    got = ps.split_overtime(settings, entries)
    worked: dict[date, int] = {}
    for day, minutes in entries:
        worked[day] = worked.get(day, 0) + minutes
    assert {d.day: d.regular + d.overtime for d in got} == worked
    assert all(d.regular >= 0 and d.overtime >= 0 for d in got)
    if daily is not None:
        assert all(d.regular <= daily for d in got)
    if weekly is not None:
        weeks: dict[date, int] = {}
        for d in got:
            weeks[ps.week_of(settings, d.day)] = (
                weeks.get(ps.week_of(settings, d.day), 0) + d.regular
            )
        assert all(v <= weekly for v in weeks.values())
    if daily is None and weekly is None:
        assert all(d.overtime == 0 for d in got)


def test_settings_refuse_impossible_values() -> None:
    with pytest.raises(ValueError, match="week_start"):
        ps.PayrollSettings(week_start="Caturday")
    with pytest.raises(ValueError, match="anchor"):
        ps.PayrollSettings(pay_period="weekly")
    with pytest.raises(ValueError, match="threshold"):
        ps.PayrollSettings(overtime_daily_minutes=0)


def test_describe_names_every_setting() -> None:
    text = dict(ps.describe_settings(ps.read_settings_form(FORM)))
    assert text["Pay period"] == "Weekly"
    assert text["Daily overtime after"] == "8 hours"
    assert dict(ps.describe_settings(ps.PayrollSettings()))["Pay period"] == "not set"


def test_summary_splits_worked_time_and_compares_the_entered_types() -> None:
    settings = ps.PayrollSettings(overtime_daily_minutes=480)
    day = date(2026, 12, 1)
    got = ps.summarize_hours(
        settings,
        [
            (1, day, "regular", 540),
            (1, day, "overtime", 60),
            (1, day, "pto:vacation", 480),
            (2, day, "regular", 300),
        ],
    )
    assert got[1] == ps.HoursSummary(worked=600, regular=480, overtime=120, entered_overtime=60)
    assert got[1].differs and not got[2].differs
    assert set(got) == {1, 2}


@given(
    st.lists(
        st.tuples(
            st.integers(1, 3),
            days,
            st.sampled_from(["regular", "overtime", "pto:x"]),
            st.integers(0, 900),
        ),
        max_size=25,
    ),
    st.one_of(st.none(), st.integers(1, 900)),
)
def test_summary_keeps_every_worked_minute(
    worked: list[tuple[int, date, str, int]], daily: int | None
) -> None:
    got = ps.summarize_hours(ps.PayrollSettings(overtime_daily_minutes=daily), worked)
    for person, summary in got.items():
        expected = sum(m for p, _, h, m in worked if p == person and not h.startswith("pto"))
        assert summary.worked == expected == summary.regular + summary.overtime


@given(
    periods,
    days,
    st.sampled_from(ps.WEEKDAYS),
    st.one_of(st.none(), st.integers(1, 24 * 4).map(lambda q: q * 15)),
    st.one_of(st.none(), st.integers(1, 168 * 4).map(lambda q: q * 15)),
)
def test_settings_survive_the_form(
    period: str, anchor: date, week_start: str, daily: int | None, weekly: int | None
) -> None:
    """What the page and the CLI show as form values reads back into the same settings."""
    settings = settings_for(
        period,
        anchor,
        week_start=week_start,
        overtime_daily_minutes=daily,
        overtime_weekly_minutes=weekly,
    )
    assert ps.read_settings_form(ps.settings_to_form(settings)) == settings
