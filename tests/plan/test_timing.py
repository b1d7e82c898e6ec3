"""The timing parser: kinds of phrases, never the rows of one plan."""

import datetime as dt

import pytest

from doantu.plan.timing import Calendar, Kind, TimingError, parse

PEAKS = ((dt.date(2026, 7, 27), "Ngày Thương binh - Liệt sĩ"), (dt.date(2026, 12, 22), "Ngày thành lập QĐND"))
CAL = Calendar(starts=dt.date(2026, 7, 2), ends=dt.date(2027, 7, 27), peaks=PEAKS)


def dues(text, cal=CAL):
    return [c.due for c in parse(text, cal).check_ins]


@pytest.mark.parametrize(
    ("text", "due"),
    [
        ("Quý III/2026", dt.date(2026, 9, 30)),
        ("quý 1/2027", dt.date(2027, 3, 31)),
        ("Quy IV nam 2026", dt.date(2026, 12, 31)),
        ("Trong quý II/2027", dt.date(2027, 6, 30)),
        ("Năm 2027", dt.date(2027, 12, 31)),
        ("năm 2026", dt.date(2026, 12, 31)),
        ("Tháng 2/2027", dt.date(2027, 2, 28)),
        ("Trước ngày 15/8/2026", dt.date(2026, 8, 15)),
    ],
)
def test_one_deadline(text, due):
    assert dues(text) == [due]


def test_regular_is_a_monthly_report_to_the_campaigns_end():
    s = parse("Thường xuyên", CAL)
    assert s.kind == Kind.MONTHLY and s.recurring
    assert s.check_ins[0].due == dt.date(2026, 7, 31) and s.check_ins[0].starts == dt.date(2026, 7, 2)
    assert s.check_ins[-1].due == dt.date(2027, 7, 27)  # the campaign ends before the month does
    assert len(s.check_ins) == 13
    assert dues("hằng tháng") == dues("THƯỜNG XUYÊN")


def test_school_year_runs_september_to_may():
    got = dues("Năm học")
    assert got[0] == dt.date(2026, 9, 30) and got[-1] == dt.date(2027, 5, 31)
    assert all(d.month not in (6, 7, 8) for d in got) and len(got) == 9
    assert dues("Năm học 2026-2027") == got
    with pytest.raises(TimingError, match="năm học"):
        parse("Năm học 2030-2031", CAL)


def test_peaks_and_anniversaries_come_from_the_campaign():
    assert dues("Các đợt cao điểm") == [dt.date(2026, 7, 27), dt.date(2026, 12, 22)]
    assert dues("Các ngày Lễ kỷ niệm") == [dt.date(2026, 7, 27), dt.date(2026, 12, 22)]
    other = Calendar(CAL.starts, CAL.ends, ((dt.date(2027, 4, 30), "30/4"),))
    assert dues("các đợt cao điểm", other) == [dt.date(2027, 4, 30)]
    with pytest.raises(TimingError, match="cao điểm"):
        parse("Các đợt cao điểm", Calendar(CAL.starts, CAL.ends, ()))


def test_days_of_the_year_within_the_campaign():
    want = [dt.date(2026, 7, 27), dt.date(2026, 12, 22), dt.date(2027, 7, 27)]
    assert dues("Dịp 27/7 và 22/12") == want
    assert dues("Địp 27/7 và 22/12") == want  # as printed in Đức Xuân's appendix (a typo of "Dịp")
    assert dues("nhân dịp 2/9") == [dt.date(2026, 9, 2)]
    with pytest.raises(TimingError, match="31/2"):
        parse("Dịp 31/2", CAL)


@pytest.mark.parametrize("text", ["Sớm", "Quý V/2026", "Năm 1890", "Khi có điều kiện", "", "Tháng 13/2026"])
def test_unknown_phrases_are_a_clear_error(text):
    with pytest.raises(TimingError) as err:
        parse(text, CAL)
    assert "“" in str(err.value) or "Chưa ghi" in str(err.value)
