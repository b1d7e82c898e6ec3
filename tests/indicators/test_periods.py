import datetime as dt

import pytest

from doantu.indicators import Period, PeriodError


def test_parse_each_kind_and_back():
    assert Period.parse("2026-11") == Period.month(2026, 11)
    assert Period.parse("2026-11").end == dt.date(2026, 11, 30)
    assert Period.parse("2026-02").end == dt.date(2026, 2, 28)
    week = Period.parse("2026-W45")
    assert (week.start, week.end) == (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert Period.parse("2026-Q4").start == dt.date(2026, 10, 1) and Period.parse("2026-Q4").end == dt.date(
        2026, 12, 31
    )
    assert Period.parse("2027").kind == "year"
    custom = Period.parse("2026-11-03..2026-11-20")
    assert custom.days == 18
    for text in ("2026-11", "2026-W45", "2026-Q4", "2027", "2026-11-03..2026-11-20"):
        assert Period.parse(Period.parse(text).key) == Period.parse(text)


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-W60", "11/2026", "2026-11-30..2026-11-01", "2026-02-30..2026-03-01"]
)
def test_bad_periods_are_refused_in_vietnamese(text):
    with pytest.raises(PeriodError) as exc:
        Period.parse(text)
    assert any(
        ch in str(exc.value) for ch in "ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹáàãéèíìóòõúùý"
    )


def test_labels_and_phrases():
    assert Period.month(2026, 11).label == "Tháng 11/2026"
    assert Period.quarter(2026, 4).label == "Quý IV/2026"
    assert Period.month(2026, 11).phrase == "tháng 11 năm 2026"
    assert Period.parse("2026-W45").label.startswith("Tuần 45/2026")


def test_range_is_whole_local_days(settings):
    start, end = Period.month(2026, 11).range()
    assert start.isoformat() == "2026-11-01T00:00:00+07:00"
    assert end.isoformat() == "2026-12-01T00:00:00+07:00"


def test_weeks_and_previous():
    weeks = Period.month(2026, 11).weeks()
    assert weeks[0].start == dt.date(2026, 10, 26) and weeks[-1].end == dt.date(2026, 12, 6)
    assert len(weeks) == 6
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.parse("2026-W01").previous().key == "2025-W52"
