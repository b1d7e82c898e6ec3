"""Reporting periods: a week (ISO), a month, a quarter, a year, a phase of the plan (section VI) or any range of days.
Bounds are whole days in the ward's time zone (settings.TIME_ZONE), the start and end days included."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
KINDS = {
    "week": "Tuần",
    "month": "Tháng",
    "quarter": "Quý",
    "year": "Năm",
    "phase": "Giai đoạn",
    "custom": "Khoảng thời gian",
}


class PeriodError(ValueError):
    """A period that cannot be read; the message is for the person who typed it (Vietnamese)."""


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # included
    number: int | None = None  # the phase's number
    name: str = ""  # e.g. the phase's goal, optional

    def __post_init__(self):
        if self.end < self.start:
            raise PeriodError("Ngày kết thúc phải sau ngày bắt đầu.")
        if self.kind not in KINDS:
            raise PeriodError(f"Không có loại kỳ báo cáo “{self.kind}”.")

    # ---- constructors
    @classmethod
    def week_of(cls, day: dt.date) -> Period:
        monday = day - dt.timedelta(days=day.weekday())
        return cls("week", monday, monday + dt.timedelta(days=6))

    @classmethod
    def week(cls, iso_year: int, iso_week: int) -> Period:
        try:
            return cls.week_of(dt.date.fromisocalendar(iso_year, iso_week, 1))
        except ValueError as exc:
            raise PeriodError(f"Năm {iso_year} không có tuần {iso_week}.") from exc

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        if not 1 <= month <= 12:
            raise PeriodError("Tháng phải từ 1 đến 12.")
        start = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls("month", start, following - dt.timedelta(days=1))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        if not 1 <= quarter <= 4:
            raise PeriodError("Quý phải từ 1 đến 4.")
        first = cls.month(year, 3 * quarter - 2)
        last = cls.month(year, 3 * quarter)
        return cls("quarter", first.start, last.end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls("year", dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def phase(cls, number: int, start: dt.date, end: dt.date, name: str = "") -> Period:
        return cls("phase", start, end, number=number, name=name)

    @classmethod
    def custom(cls, start: dt.date, end: dt.date) -> Period:
        return cls("custom", start, end)

    @classmethod
    def parse(cls, text: str) -> Period:
        """ "2026-11" (month), "2026-W45" (ISO week), "2026-Q4", "2026", "2026-11-01..2026-11-30" (a range). A phase
        is read with ``phase_period(unit, number)``, which needs the unit's plan."""
        value = (text or "").strip()
        try:
            if m := re.fullmatch(r"(\d{4})-(\d{1,2})", value):
                return cls.month(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-?W(\d{1,2})", value, re.IGNORECASE):
                return cls.week(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})-?Q([1-4])", value, re.IGNORECASE):
                return cls.quarter(int(m[1]), int(m[2]))
            if m := re.fullmatch(r"(\d{4})", value):
                return cls.year(int(m[1]))
            if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/|—|–)\s*(\d{4}-\d{2}-\d{2})", value):
                return cls.custom(dt.date.fromisoformat(m[1]), dt.date.fromisoformat(m[2]))
        except ValueError as exc:
            if isinstance(exc, PeriodError):
                raise
            raise PeriodError(f"Ngày không hợp lệ trong “{value}”.") from exc
        raise PeriodError(
            f"Không đọc được kỳ “{value}”: ghi 2026-11 (tháng), 2026-W45 (tuần), 2026-Q4 (quý), 2026 (năm) "
            "hoặc 2026-11-01..2026-11-30."
        )

    # ---- reading
    @property
    def key(self) -> str:
        """Stable text for URLs, caches and exports (``Period.parse(key)`` gives it back, except for phases)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        if self.kind == "phase":
            return f"phase-{self.number}:{self.start.isoformat()}..{self.end.isoformat()}"
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        span = f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"Tuần {iso.week}/{iso.year} ({self.start:%d/%m} – {self.end:%d/%m})"
        if self.kind == "quarter":
            return f"Quý {ROMAN[(self.start.month - 1) // 3 + 1]}/{self.start.year}"
        if self.kind == "year":
            return f"Năm {self.start.year}"
        if self.kind == "phase":
            return f"Giai đoạn {self.number} ({span})"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def phrase(self) -> str:
        """For running text: "tháng 11 năm 2026", "quý IV năm 2026", "tuần 45 năm 2026", "giai đoạn 2"."""
        if self.kind == "month":
            return f"tháng {self.start.month} năm {self.start.year}"
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"tuần {iso.week} năm {iso.year} (từ {self.start:%d/%m} đến {self.end:%d/%m/%Y})"
        if self.kind == "quarter":
            return f"quý {ROMAN[(self.start.month - 1) // 3 + 1]} năm {self.start.year}"
        if self.kind == "year":
            return f"năm {self.start.year}"
        if self.kind == "phase":
            return f"giai đoạn {self.number} (từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y})"
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def range(self) -> tuple[dt.datetime, dt.datetime]:
        """Aware datetimes [start of the first day, start of the day after the last) for ``field__gte``/``__lt``.
        (Use ``field__gte=r[0], field__lt=r[1]``; ``__range`` would include the instant after the end.)"""
        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=tz)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        return start, end

    def lookup(self, field: str) -> dict:
        """``{f"{field}__gte": start, f"{field}__lt": end}``, for ``.filter(**period.lookup("created_at"))``; a
        DateField is compared with the days themselves."""
        start, end = self.range()
        return {f"{field}__gte": start, f"{field}__lt": end}

    def date_lookup(self, field: str) -> dict:
        return {f"{field}__gte": self.start, f"{field}__lte": self.end}

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def weeks(self) -> list[Period]:
        """The ISO weeks that overlap the period (the first and last may stick out of it)."""
        out, monday = [], self.start - dt.timedelta(days=self.start.weekday())
        while monday <= self.end:
            out.append(Period.week_of(monday))
            monday += dt.timedelta(days=7)
        return out

    def previous(self) -> Period:
        if self.kind == "month":
            return Period.month(self.start.year - (self.start.month == 1), (self.start.month - 2) % 12 + 1)
        if self.kind == "week":
            return Period.week_of(self.start - dt.timedelta(days=7))
        if self.kind == "quarter":
            q = (self.start.month - 1) // 3 + 1
            return Period.quarter(self.start.year - (q == 1), (q - 2) % 4 + 1)
        if self.kind == "year":
            return Period.year(self.start.year - 1)
        return Period.custom(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def until_end(self, since: dt.date) -> Period:
        """From ``since`` (e.g. the campaign's start) to this period's end: cumulative figures."""
        return Period.custom(min(since, self.start), self.end)

    def __str__(self) -> str:
        return self.label


def phase_period(unit, number: int) -> Period:
    """Phase ``number`` of the plan of ``unit`` (a ward; its campaign's phases, plan section VI)."""
    from doantu.campaign.models import Phase

    phase = Phase.objects.filter(campaign__unit=unit, number=number).order_by("-campaign__starts").first()
    if phase is None:
        raise PeriodError(f"Kế hoạch của {unit} không có giai đoạn {number}.")
    return Period.phase(number, phase.starts, phase.ends, name=phase.goal[:200])


def parse_period(text: str, unit=None) -> Period:
    """``Period.parse`` plus "phase-2" / "gd2" (a phase of the unit's plan)."""
    value = (text or "").strip()
    if m := re.fullmatch(r"(?:phase|gd|giai-doan)-?(\d+)(?::.*)?", value, re.IGNORECASE):
        if unit is None:
            raise PeriodError("Cần chọn phường để đọc giai đoạn của kế hoạch.")
        return phase_period(unit, int(m[1]))
    return Period.parse(value)
