import datetime

from reporting.calendar import add_working_days, default_due_date, is_working_day, national_windows, working_days_between


def test_it_gives_the_seven_decree_09_windows():
    windows = {(w.kind, w.quarter): (w.start, w.end) for w in national_windows(2020)}
    d = datetime.date
    assert windows == {
        ("quarter", 1): (d(2019, 12, 15), d(2020, 3, 14)),
        ("quarter", 2): (d(2020, 3, 15), d(2020, 6, 14)),
        ("quarter", 3): (d(2020, 6, 15), d(2020, 9, 14)),
        ("quarter", 4): (d(2020, 9, 15), d(2020, 12, 14)),
        ("half_year", None): (d(2019, 12, 15), d(2020, 6, 14)),
        ("nine_months", None): (d(2019, 12, 15), d(2020, 9, 14)),
        ("year", None): (d(2019, 12, 15), d(2020, 12, 14)),
    }


def test_working_days_skip_the_weekend():
    friday = datetime.date(2020, 3, 13)
    assert add_working_days(friday, 1) == datetime.date(2020, 3, 16)
    assert add_working_days(friday, 2) == datetime.date(2020, 3, 17)


def test_the_default_due_date_leaves_working_days_after_the_cutoff():
    q1 = national_windows(2020)[0]  # cut-off Saturday 14/3/2020
    assert default_due_date(q1) == datetime.date(2020, 3, 17)


def test_a_due_date_across_tet_2027_lands_after_the_holidays():
    """Tết Đinh Mùi: 4–10/2/2027 are days off (29 Tết to mùng năm); 2 working days after
    Wednesday 3/2 are Thursday 11 and Friday 12."""
    assert add_working_days(datetime.date(2027, 2, 3), 1) == datetime.date(2027, 2, 11)
    assert add_working_days(datetime.date(2027, 2, 3), 2) == datetime.date(2027, 2, 12)


def test_national_days_off_are_not_working_days():
    assert not is_working_day(datetime.date(2026, 9, 2))  # Quốc khánh, a Wednesday
    assert not is_working_day(datetime.date(2026, 4, 30)) and not is_working_day(datetime.date(2026, 5, 1))
    assert is_working_day(datetime.date(2026, 12, 3))
    assert working_days_between(datetime.date(2026, 4, 29), datetime.date(2026, 5, 5)) == 2  # Mon 4, Tue 5
    assert working_days_between(datetime.date(2026, 5, 5), datetime.date(2026, 4, 29)) == -2


def test_days_left_or_overdue_follow_the_calendar_over_weekends_and_tet():
    from reporting.workflow import days_until

    friday = datetime.date(2026, 3, 13)
    assert days_until(friday, datetime.date(2026, 3, 14)) == -1  # Saturday after: overdue, not "today"
    assert days_until(datetime.date(2026, 2, 13), datetime.date(2026, 2, 19)) == -1  # a week later, over Tết
    assert days_until(datetime.date(2026, 3, 15), friday) == 1  # due on a Sunday: not "0 left"
    assert days_until(friday, friday) == 0
    assert days_until(datetime.date(2026, 3, 20), friday) == 5


def test_working_days_are_counted_as_walking_each_day_would():
    import random

    def walked(start, end):
        if end < start:
            return -walked(end, start)
        return sum(1 for n in range(1, (end - start).days + 1) if is_working_day(start + datetime.timedelta(days=n)))

    rng = random.Random(2026)
    for _ in range(500):
        start = datetime.date(2019, 1, 1) + datetime.timedelta(days=rng.randrange(3000))
        end = start + datetime.timedelta(days=rng.randrange(-800, 800))
        assert working_days_between(start, end) == walked(start, end), (start, end)
