"""The plan file a ward office edits in Excel, read and checked (nothing is written here; ``services.plan_import``
writes what this returns, in one transaction).

Four sheets (their names, and the headers of their first row, as below; the order of columns is free):

- ``Kế hoạch``: two columns, *Mục* and *Giá trị*: ``Tên kế hoạch``, ``Số`` (may be empty), ``Ngày ban hành``
  (a date cell or dd/mm/yyyy), ``Kết thúc`` (optional: the end of the ward's campaign);
- ``Phụ lục`` (the appendix's table): *STT*, *Nhiệm vụ, giải pháp*, *Cơ quan chủ trì*, *Cơ quan phối hợp*,
  *Thời gian*. A row whose STT is a Roman numeral (I, II…) opens a section (its title in *Nhiệm vụ, giải pháp*);
  a row with a number is a task of that section. *Thời gian* is kept as written and read by ``timing.parse``;
- ``Cơ quan``: *Tên trong kế hoạch* (each agency cell of the other sheets, as written) and *Đơn vị*: the codes
  of the ward's units it means (``vhxh``, ``bchqs``… as in the ward's seed file and the admin's Units), separated
  by ``;``, or ``tất cả <loại đơn vị>`` (``tất cả tổ dân phố``, ``tất cả trường học``, ``tất cả hội, đoàn thể``,
  ``tất cả cơ quan, đơn vị``) for the collectives the plan names;
- ``Tổ chức thực hiện`` (section VIII): *Mục* (``VIII.2``), *Cơ quan* (a name of the ``Cơ quan`` sheet) and
  *Nhiệm vụ*, one duty per row.

Every problem is reported with its sheet, row and column, in Vietnamese; one problem anywhere and nothing is
imported.
"""

import datetime as dt
import re
from dataclasses import dataclass, field

from . import timing

SHEET_INFO = "Kế hoạch"
SHEET_TASKS = "Phụ lục"
SHEET_AGENCIES = "Cơ quan"
SHEET_DUTIES = "Tổ chức thực hiện"

INFO_TITLE, INFO_NUMBER, INFO_ISSUED, INFO_ENDS = "Tên kế hoạch", "Số", "Ngày ban hành", "Kết thúc"
COL_NO, COL_TITLE, COL_LEAD, COL_PARTNER, COL_TIMING = (
    "STT",
    "Nhiệm vụ, giải pháp",
    "Cơ quan chủ trì",
    "Cơ quan phối hợp",
    "Thời gian",
)
COL_NAME, COL_UNITS = "Tên trong kế hoạch", "Đơn vị"
COL_ITEM, COL_AGENCY, COL_DUTY = "Mục", "Cơ quan", "Nhiệm vụ"
ALL_PREFIX = "tat ca "  # "tất cả <loại đơn vị>", folded

MAX_ROWS = 2000  # a plan's appendix has tens of rows; a workbook far larger is not a plan


class PlanFileError(ValueError):
    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class TaskRow:
    row: int
    section: str
    section_title: str
    number: int
    title: str
    lead_text: str
    partner_text: str
    timing_text: str


@dataclass
class DutyRow:
    row: int
    item: str
    agency_text: str
    text: str


@dataclass
class PlanFile:
    title: str
    number: str
    issued: dt.date
    ends: dt.date | None
    tasks: list[TaskRow] = field(default_factory=list)
    agencies: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # folded name -> (row, tokens)
    agency_names: dict[str, str] = field(default_factory=dict)  # folded name -> as written
    duties: list[DutyRow] = field(default_factory=list)


def key(text: str) -> str:
    return timing.fold(text)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", _text(value))
    if not m:
        return None
    try:
        return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return None


class _Sheet:
    def __init__(self, ws, name: str, problems: list[str], required: tuple[str, ...]):
        self.name, self.problems = name, problems
        rows = list(ws.iter_rows(values_only=True, max_row=MAX_ROWS + 1))
        if len(rows) > MAX_ROWS:
            problems.append(f"Trang “{name}”: quá {MAX_ROWS} dòng — đây không giống một kế hoạch.")
            rows = rows[:MAX_ROWS]
        header = [key(_text(v)) for v in (rows[0] if rows else [])]
        self.columns: dict[str, int] = {}
        for col in required:
            if key(col) in header:
                self.columns[col] = header.index(key(col))
            else:
                problems.append(f"Trang “{name}”, dòng 1: thiếu cột “{col}”.")
        self.rows = [(i, r) for i, r in enumerate(rows[1:], start=2) if any(_text(v) for v in r)]
        self.ok = len(self.columns) == len(required)

    def get(self, row, col: str):
        i = self.columns[col]
        return row[i] if i < len(row) else None

    def problem(self, line: int, col: str | None, message: str) -> None:
        where = f"Trang “{self.name}”, dòng {line}" + (f", cột “{col}”" if col else "")
        self.problems.append(f"{where}: {message}")


ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def read(file) -> PlanFile:
    """Read and check a plan workbook (a path or a file object). Raises PlanFileError with every problem."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise PlanFileError(["Tệp không phải bảng tính Excel (.xlsx) đọc được."]) from None
    problems: list[str] = []
    sheets = {key(n): n for n in wb.sheetnames}
    for needed in (SHEET_INFO, SHEET_TASKS, SHEET_AGENCIES, SHEET_DUTIES):
        if key(needed) not in sheets:
            problems.append(f"Thiếu trang “{needed}” (các trang có: {', '.join(wb.sheetnames)}).")
    if problems:
        raise PlanFileError(problems)
    ws = lambda name: wb[sheets[key(name)]]  # noqa: E731

    info = _Sheet(ws(SHEET_INFO), SHEET_INFO, problems, (COL_ITEM, "Giá trị"))
    values: dict[str, tuple[int, object]] = {}
    if info.ok:
        for line, row in info.rows:
            values[key(_text(info.get(row, COL_ITEM)))] = (line, info.get(row, "Giá trị"))
    title = _text(values.get(key(INFO_TITLE), (0, ""))[1])
    if info.ok and not title:
        problems.append(f"Trang “{SHEET_INFO}”: chưa ghi “{INFO_TITLE}”.")
    issued_line, issued_raw = values.get(key(INFO_ISSUED), (0, None))
    issued = _date(issued_raw)
    if info.ok and issued is None:
        where = f", dòng {issued_line}" if issued_line else ""
        problems.append(f"Trang “{SHEET_INFO}”{where}: “{INFO_ISSUED}” phải là một ngày (dd/mm/yyyy).")
    ends_line, ends_raw = values.get(key(INFO_ENDS), (0, None))
    ends = _date(ends_raw)
    if _text(ends_raw) and ends is None:
        problems.append(
            f"Trang “{SHEET_INFO}”, dòng {ends_line}: “{INFO_ENDS}” phải là một ngày (dd/mm/yyyy)."
        )
    plan = PlanFile(
        title=title, number=_text(values.get(key(INFO_NUMBER), (0, ""))[1]), issued=issued, ends=ends
    )

    agencies = _Sheet(ws(SHEET_AGENCIES), SHEET_AGENCIES, problems, (COL_NAME, COL_UNITS))
    if agencies.ok:
        for line, row in agencies.rows:
            name = _text(agencies.get(row, COL_NAME))
            tokens = [t.strip() for t in _text(agencies.get(row, COL_UNITS)).split(";") if t.strip()]
            if not name:
                agencies.problem(line, COL_NAME, "chưa ghi tên cơ quan.")
            elif not tokens:
                agencies.problem(line, COL_UNITS, f"chưa ghi đơn vị của “{name}”.")
            elif key(name) in plan.agencies:
                agencies.problem(line, COL_NAME, f"“{name}” đã có ở dòng {plan.agencies[key(name)][0]}.")
            else:
                plan.agencies[key(name)] = (line, tokens)
                plan.agency_names[key(name)] = name

    tasks = _Sheet(
        ws(SHEET_TASKS), SHEET_TASKS, problems, (COL_NO, COL_TITLE, COL_LEAD, COL_PARTNER, COL_TIMING)
    )
    if tasks.ok:
        section, section_title, seen = "", "", {}
        for line, row in tasks.rows:
            no = _text(tasks.get(row, COL_NO)).rstrip(".")
            title_cell = _text(tasks.get(row, COL_TITLE))
            if key(no) == key(COL_NO):  # a header repeated on a new page, as in the plan's printout
                continue
            if ROMAN.match(no.upper()) and no:
                section, section_title = no.upper(), title_cell
                if not title_cell:
                    tasks.problem(line, COL_TITLE, f"mục {section} chưa có tên.")
                continue
            if not no.isdigit():
                tasks.problem(
                    line, COL_NO, f"“{no}” không phải số thứ tự (1, 2…) hay số La Mã của mục (I, II…)."
                )
                continue
            if not section:
                tasks.problem(line, COL_NO, "nhiệm vụ đứng trước mục đầu tiên (I, II…).")
                continue
            code = f"{section}.{int(no)}"
            if code in seen:
                tasks.problem(line, COL_NO, f"nhiệm vụ {code} đã có ở dòng {seen[code]}.")
                continue
            seen[code] = line
            task = TaskRow(
                row=line,
                section=section,
                section_title=section_title,
                number=int(no),
                title=title_cell,
                lead_text=_text(tasks.get(row, COL_LEAD)),
                partner_text=_text(tasks.get(row, COL_PARTNER)),
                timing_text=_text(tasks.get(row, COL_TIMING)),
            )
            if not task.title:
                tasks.problem(line, COL_TITLE, f"nhiệm vụ {code} chưa có nội dung.")
            if not task.lead_text:
                tasks.problem(line, COL_LEAD, f"nhiệm vụ {code} chưa có cơ quan chủ trì.")
            for col, text in ((COL_LEAD, task.lead_text), (COL_PARTNER, task.partner_text)):
                if text and key(text) not in plan.agencies:
                    tasks.problem(line, col, f"“{text}” chưa có trong trang “{SHEET_AGENCIES}”.")
            if not task.timing_text:
                tasks.problem(line, COL_TIMING, f"nhiệm vụ {code} chưa ghi thời gian.")
            plan.tasks.append(task)
        if not plan.tasks and not any(p.startswith(f"Trang “{SHEET_TASKS}”") for p in problems):
            problems.append(f"Trang “{SHEET_TASKS}”: không có nhiệm vụ nào.")

    duties = _Sheet(ws(SHEET_DUTIES), SHEET_DUTIES, problems, (COL_ITEM, COL_AGENCY, COL_DUTY))
    if duties.ok:
        for line, row in duties.rows:
            duty = DutyRow(
                line,
                _text(duties.get(row, COL_ITEM)),
                _text(duties.get(row, COL_AGENCY)),
                _text(duties.get(row, COL_DUTY)),
            )
            if not duty.agency_text:
                duties.problem(line, COL_AGENCY, "chưa ghi cơ quan.")
            elif key(duty.agency_text) not in plan.agencies:
                duties.problem(
                    line, COL_AGENCY, f"“{duty.agency_text}” chưa có trong trang “{SHEET_AGENCIES}”."
                )
            if not duty.text:
                duties.problem(line, COL_DUTY, "chưa ghi nhiệm vụ.")
            plan.duties.append(duty)
    if problems:
        raise PlanFileError(problems)
    return plan
