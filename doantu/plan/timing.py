"""Timing phrases of a plan's task table ("Quý III/2026", "Thường xuyên", "Năm học", "Dịp 27/7 và 22/12"...)
turned into check-ins: the dates by which the lead agency reports.

Plain Python, no Django: the parser knows KINDS of phrases, never rows of one plan. Each kind and the rule it
follows:

- a quarter ("Quý III/2026", "quý 3 năm 2026") → one check-in at the quarter's last day;
- a year ("Năm 2027", "trong năm 2027") → one check-in at 31/12 of that year;
- a month ("Tháng 9/2026") → the month's last day;
- a date ("Trước ngày 15/8/2026", "ngày 15/8/2026") → that day;
- "thường xuyên" / "hằng tháng" / "liên tục" → a report from the lead agency at the end of every month of the
  campaign (plan V.4: "thường xuyên theo dõi, đánh giá" and "chế độ báo cáo định kỳ");
- "hằng quý" → at the end of every quarter of the campaign;
- "năm học" → the school year (September to May, the school calendar of the Ministry of Education), a check-in
  at the end of each of its months that falls within the campaign;
- "các đợt cao điểm" → each of the campaign's peaks (the campaign's own peak dates, plan VI);
- "các ngày lễ kỷ niệm" → the plan's commemoration days (the campaign's peak dates: 27/7, 22/12, the 80th
  anniversary), each in its own right;
- "dịp 27/7 và 22/12" (days and months without a year) → every such day within the campaign.

Anything else is a ``TimingError`` with a Vietnamese message naming the phrase and the kinds understood.
"""

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

# The school year: from September to May (Ministry of Education's yearly calendar: classes start early
# September, the second term ends by the end of May).
SCHOOL_YEAR_FIRST_MONTH = 9
SCHOOL_YEAR_LAST_MONTH = 5

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

KINDS_UNDERSTOOD = (
    "một quý (“Quý III/2026”), một năm (“Năm 2027”), một tháng (“Tháng 9/2026”), một ngày (“15/8/2026”), "
    "“Thường xuyên”, “Hằng quý”, “Năm học”, “Các đợt cao điểm”, “Các ngày Lễ kỷ niệm”, "
    "hoặc các ngày trong năm (“Dịp 27/7 và 22/12”)"
)


class TimingError(ValueError):
    """A phrase we cannot turn into dates, with the message to show."""


class Kind:
    QUARTER = "quarter"
    YEAR = "year"
    MONTH = "month"
    DATE = "date"
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SCHOOL_YEAR = "school_year"
    PEAKS = "peaks"
    ANNIVERSARIES = "anniversaries"
    DAYS = "days"


KIND_LABELS = {
    Kind.QUARTER: "Hạn cuối quý",
    Kind.YEAR: "Hạn cuối năm",
    Kind.MONTH: "Hạn cuối tháng",
    Kind.DATE: "Hạn một ngày",
    Kind.MONTHLY: "Báo cáo hằng tháng",
    Kind.QUARTERLY: "Báo cáo hằng quý",
    Kind.SCHOOL_YEAR: "Theo năm học (tháng 9 – tháng 5)",
    Kind.PEAKS: "Theo các đợt cao điểm",
    Kind.ANNIVERSARIES: "Theo các ngày lễ kỷ niệm",
    Kind.DAYS: "Theo các ngày trong năm",
}
RECURRING = {Kind.MONTHLY, Kind.QUARTERLY, Kind.SCHOOL_YEAR, Kind.PEAKS, Kind.ANNIVERSARIES, Kind.DAYS}


@dataclass(frozen=True)
class Calendar:
    """What a plan's phrases are read against: the campaign's span (from the plan's date to its end) and its
    peak dates (date, name)."""

    starts: dt.date
    ends: dt.date
    peaks: tuple[tuple[dt.date, str], ...] = ()


@dataclass(frozen=True)
class CheckIn:
    due: dt.date
    label: str
    starts: dt.date | None = None  # the period the report covers, when there is one


@dataclass
class Schedule:
    text: str
    kind: str
    check_ins: list[CheckIn] = field(default_factory=list)

    @property
    def recurring(self) -> bool:
        return self.kind in RECURRING


def fold(text: str) -> str:
    """Lower case, no diacritics (đ → d), single spaces; keeps digits and the slash of dates."""
    text = unicodedata.normalize("NFD", text or "").replace("đ", "d").replace("Đ", "D")
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^0-9a-z/]+", " ", text)
    text = re.sub(r"\s*/\s*", "/", text)
    return " ".join(text.split())


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _months(starts: dt.date, ends: dt.date):
    year, month = starts.year, starts.month
    while (year, month) <= (ends.year, ends.month):
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _day(d: int, m: int, y: int, text: str) -> dt.date:
    try:
        return dt.date(y, m, d)
    except ValueError:
        raise TimingError(f"“{text}”: ngày {d}/{m}/{y} không có thật.") from None


def _check_year(year: int, text: str) -> int:
    if not 2000 <= year <= 2100:
        raise TimingError(f"“{text}”: năm {year} không hợp lệ.")
    return year


_QUARTER = re.compile(r"^(?:trong )?quy (i{1,3}|iv|[1-4])(?:/| nam |/nam )(\d{4})$")
_YEAR = re.compile(r"^(?:trong |ca )?nam (\d{4})$")
_MONTH = re.compile(r"^(?:trong )?thang (\d{1,2})(?:/| nam )(\d{4})$")
_DATE = re.compile(r"^(?:truoc |den |trong |vao )?(?:ngay )?(\d{1,2})/(\d{1,2})/(\d{4})$")
_DAYS = re.compile(r"^(?:nhan |vao |cac )?(?:dip |ngay )?(\d{1,2}/\d{1,2}(?:(?: va | )\d{1,2}/\d{1,2})*)$")
_MONTHLY = {"thuong xuyen", "hang thang", "hang thang thuong xuyen", "lien tuc", "thuong xuyen lien tuc"}
_QUARTERLY = {"hang quy", "dinh ky hang quy"}
_SCHOOL_YEAR = re.compile(r"^(?:trong )?(?:cac )?nam hoc(?: (\d{4})(?: (?:/|-)? ?(\d{4}))?)?$")
_PEAKS = {"cac dot cao diem", "dot cao diem", "cac dot tuyen truyen cao diem", "theo dot cao diem"}
_ANNIVERSARIES = {
    "cac ngay le ky niem",
    "cac ngay le",
    "cac dip le ky niem",
    "ngay le ky niem",
    "cac dip ky niem",
}


def parse(text: str, cal: Calendar) -> Schedule:
    """The check-ins of one timing phrase. Raises TimingError."""
    raw = " ".join((text or "").split())
    if not raw:
        raise TimingError("Chưa ghi thời gian thực hiện.")
    key = fold(raw).replace("nam hoc/", "nam hoc ")

    if m := _QUARTER.match(key):
        q = ROMAN.get(m.group(1)) or int(m.group(1))
        year = _check_year(int(m.group(2)), raw)
        return Schedule(
            raw,
            Kind.QUARTER,
            [
                CheckIn(
                    _month_end(year, 3 * q),
                    f"Hết quý {m.group(1).upper()}/{year}",
                    dt.date(year, 3 * q - 2, 1),
                )
            ],
        )
    if m := _YEAR.match(key):
        year = _check_year(int(m.group(1)), raw)
        return Schedule(
            raw, Kind.YEAR, [CheckIn(dt.date(year, 12, 31), f"Hết năm {year}", dt.date(year, 1, 1))]
        )
    if m := _MONTH.match(key):
        month, year = int(m.group(1)), _check_year(int(m.group(2)), raw)
        if not 1 <= month <= 12:
            raise TimingError(f"“{raw}”: tháng {month} không có thật.")
        return Schedule(
            raw,
            Kind.MONTH,
            [CheckIn(_month_end(year, month), f"Hết tháng {month}/{year}", dt.date(year, month, 1))],
        )
    if m := _DATE.match(key):
        day = _day(int(m.group(1)), int(m.group(2)), _check_year(int(m.group(3)), raw), raw)
        return Schedule(raw, Kind.DATE, [CheckIn(day, f"Ngày {day:%d/%m/%Y}")])
    if key in _MONTHLY:
        return Schedule(raw, Kind.MONTHLY, _monthly(cal))
    if key in _QUARTERLY:
        return Schedule(raw, Kind.QUARTERLY, _quarterly(cal))
    if m := _SCHOOL_YEAR.match(key):
        return Schedule(raw, Kind.SCHOOL_YEAR, _school_year(cal, raw, m.group(1)))
    if key in _PEAKS:
        return Schedule(raw, Kind.PEAKS, _peaks(cal, raw, "Đợt cao điểm"))
    if key in _ANNIVERSARIES:
        return Schedule(raw, Kind.ANNIVERSARIES, _peaks(cal, raw, "Ngày lễ kỷ niệm"))
    if m := _DAYS.match(key):
        pairs = [tuple(int(x) for x in p.split("/")) for p in re.findall(r"\d{1,2}/\d{1,2}", m.group(1))]
        return Schedule(raw, Kind.DAYS, _days(cal, raw, pairs))
    raise TimingError(f"Không hiểu thời gian “{raw}”. Cách ghi được hiểu: {KINDS_UNDERSTOOD}.")


def _monthly(cal: Calendar) -> list[CheckIn]:
    out = []
    for year, month in _months(cal.starts, cal.ends):
        due = min(_month_end(year, month), cal.ends)
        out.append(CheckIn(due, f"Báo cáo tháng {month}/{year}", max(dt.date(year, month, 1), cal.starts)))
    return out


def _quarterly(cal: Calendar) -> list[CheckIn]:
    out = []
    for year, month in _months(cal.starts, cal.ends):
        if month % 3 == 0 or (year, month) == (cal.ends.year, cal.ends.month):
            q = (month - 1) // 3 + 1
            due = min(_month_end(year, month), cal.ends)
            out.append(CheckIn(due, f"Báo cáo quý {q}/{year}", max(dt.date(year, 3 * q - 2, 1), cal.starts)))
    return out


def _school_year(cal: Calendar, raw: str, first_year: str | None) -> list[CheckIn]:
    """Monthly check-ins in the months of a school year (September–May) within the campaign; a school year
    named in the phrase ("Năm học 2026-2027") narrows it to that one."""
    out = []
    for year, month in _months(cal.starts, cal.ends):
        in_school = month >= SCHOOL_YEAR_FIRST_MONTH or month <= SCHOOL_YEAR_LAST_MONTH
        starts_in = year if month >= SCHOOL_YEAR_FIRST_MONTH else year - 1
        if not in_school or (first_year and starts_in != int(first_year)):
            continue
        due = min(_month_end(year, month), cal.ends)
        label = f"Năm học {starts_in}–{starts_in + 1}: tháng {month}/{year}"
        out.append(CheckIn(due, label, max(dt.date(year, month, 1), cal.starts)))
    if not out:
        raise TimingError(f"“{raw}”: không có tháng nào của năm học trong thời gian chiến dịch.")
    return out


def _peaks(cal: Calendar, raw: str, what: str) -> list[CheckIn]:
    out = [CheckIn(day, f"{what}: {name} ({day:%d/%m/%Y})") for day, name in sorted(cal.peaks)]
    out = [c for c in out if cal.starts <= c.due <= cal.ends]
    if not out:
        raise TimingError(f"“{raw}”: chiến dịch chưa có ngày cao điểm nào (khai báo các đợt cao điểm trước).")
    return out


def _days(cal: Calendar, raw: str, pairs: list[tuple[int, int]]) -> list[CheckIn]:
    out = []
    for d, m in pairs:
        if not (1 <= m <= 12 and 1 <= d <= calendar.monthrange(2024, m)[1]):
            raise TimingError(f"“{raw}”: ngày {d}/{m} không có thật.")
        for year in range(cal.starts.year, cal.ends.year + 1):
            if m == 2 and d == 29 and not calendar.isleap(year):
                continue
            day = dt.date(year, m, d)
            if cal.starts <= day <= cal.ends:
                out.append(CheckIn(day, f"Dịp {d}/{m}/{year}"))
    if not out:
        raise TimingError(f"“{raw}”: không có ngày nào như vậy trong thời gian chiến dịch.")
    return sorted(out, key=lambda c: c.due)
