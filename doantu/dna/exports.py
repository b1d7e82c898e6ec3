"""The round list for the police, as XLSX and DOCX, with only the fields they need (``access.ROUND_FIELDS``), through
the shared ``documents`` app: the official layout of Decree 30/2020/NĐ-CP written once there (``OfficialDocument``),
and workbooks safe from formula injection (``documents.xlsx``: a name typed on the public form is data, never a
formula)."""

from django.utils import timezone

from doantu.documents.official import OfficialDocument
from doantu.documents.xlsx import Sheet, workbook

COLUMNS = [
    ("name", "Họ và tên người cho mẫu", 26),
    ("birth", "Năm sinh", 9),
    ("sex", "Giới tính", 8),
    ("id_number", "Số CCCD", 16),
    ("phone", "Điện thoại", 13),
    ("residential_group", "Tổ dân phố", 14),
    ("martyr", "Thân nhân của liệt sĩ", 22),
    ("relationship", "Quan hệ", 18),
    ("outcome", "Kết quả (lấy mẫu / vắng / từ chối)", 16),
    ("sample", "Số hiệu mẫu", 12),
]
PRIVACY_NOTE = (
    "Dữ liệu cá nhân nhạy cảm (Luật 91/2025/QH15, Nghị định 356/2025/NĐ-CP): chỉ dùng để lấy mẫu, không sao chép, "
    "không chuyển cho người khác."
)


def round_xlsx(collection_round, rows: list[dict]) -> bytes:
    note = (
        f"{collection_round.name} — ngày {collection_round.date:%d/%m/%Y}, {collection_round.place}, "
        f"{collection_round.police_unit.name}. {PRIVACY_NOTE}"
    )
    return workbook(
        [
            Sheet(
                "Danh sách lấy mẫu",
                ["TT", *(label for _k, label, _w in COLUMNS)],
                [[row["stt"], *(row.get(key, "") for key, _l, _w in COLUMNS)] for row in rows],
                widths=[5, *(w for _k, _l, w in COLUMNS)],
                note=note,
            )
        ]
    )


def round_docx(collection_round, rows: list[dict]) -> bytes:
    """The list the ward sends the police (A4 portrait, the decree's layout): who, how to reach them, and a column
    the police fill in at the round."""
    ward = collection_round.owner
    doc = OfficialDocument(
        issuer_parent="",  # a ward's People's Committee heads its own documents
        issuer=f"ỦY BAN NHÂN DÂN\n{ward.name}",
        kind="Danh sách",
        number=None,
        symbol="DS-UBND",
        place=ward.name.removeprefix("Phường ").removeprefix("Xã "),
        date=timezone.localdate(),
        title="Thân nhân liệt sĩ đăng ký lấy mẫu sinh phẩm giám định ADN",
        recipients=[collection_round.police_unit.name, "Phòng Văn hóa - Xã hội", "Lưu: VT, VHXH"],
        signer_authority="TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH",
        signer_title="PHÓ CHỦ TỊCH",
    )
    doc.paragraph(
        f"{collection_round.name}: ngày {collection_round.date:%d/%m/%Y}, tại {collection_round.place}; "
        f"đơn vị lấy mẫu: {collection_round.police_unit.name}.",
        indent=False,
    )
    doc.table(
        [
            "Họ và tên",
            "Năm sinh",
            "Số CCCD",
            "Điện thoại",
            "Tổ dân phố",
            "Thân nhân của liệt sĩ, quan hệ",
            "Kết quả, số mẫu",
        ],
        [
            [
                row["name"],
                row["birth"],
                row["id_number"],
                row["phone"],
                row["residential_group"].replace("Tổ dân phố ", "TDP "),
                f"{row['martyr']}\n{row['relationship'].lower()}",
                " ".join(x for x in (row["outcome"], row["sample"]) if x),
            ]
            for row in rows
        ],
        # a 12-digit identity number and a 10-digit phone on one line each (rendered and looked at)
        widths_cm=[1.0, 2.5, 1.3, 3.0, 2.5, 1.6, 2.8, 1.8],
        numbered=True,
    )
    doc.paragraph(f"Tổng số: {len(rows)} người. {PRIVACY_NOTE}", italic=True, indent=False)
    return doc.to_docx()
