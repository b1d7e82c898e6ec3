"""Plan workbooks for tests, built in memory in the format of ``doantu.plan.workbook``."""

import datetime as dt
import io

from openpyxl import Workbook

TASKS = [
    ["STT", "Nhiệm vụ, giải pháp", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"],
    ["I", "CHỈ ĐẠO", "", "", ""],
    ["1", "Ban hành kế hoạch", "VH-XH", "Công an", "Quý IV/2026"],
    ["2", "Tuyên truyền thường xuyên", "VH-XH", "", "Thường xuyên"],
]
AGENCIES = [["Tên trong kế hoạch", "Đơn vị"], ["VH-XH", "vhxh"], ["Công an", "cong-an"]]
DUTIES = [
    ["Mục", "Cơ quan", "Nhiệm vụ"],
    ["VIII.1", "VH-XH", "Tham mưu"],
    ["VIII.2", "Công an", "Nắm tình hình"],
]


def plan_workbook(
    *,
    title="Kế hoạch thử",
    issued=dt.date(2026, 7, 2),
    ends=dt.date(2027, 7, 27),
    tasks=None,
    agencies=None,
    duties=None,
) -> io.BytesIO:
    wb = Workbook()
    info = wb.active
    info.title = "Kế hoạch"
    for row in (
        ["Mục", "Giá trị"],
        ["Tên kế hoạch", title],
        ["Số", "12/KH-UBND"],
        ["Ngày ban hành", issued],
        ["Kết thúc", ends],
    ):
        info.append(row)
    for name, rows in (
        ("Phụ lục", tasks or TASKS),
        ("Cơ quan", agencies or AGENCIES),
        ("Tổ chức thực hiện", duties or DUTIES),
    ):
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "ke-hoach.xlsx"
    return out
