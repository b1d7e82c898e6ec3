"""Reach from a Facebook page's insights export (CSV or XLSX, post level, as Meta Business Suite gives it, in
English or Vietnamese): each row is matched to a published item of the ward by the post's link, and its figures
saved as that item's reach on the ward's Facebook channel for the chosen day. All or nothing: one bad figure and
nothing is saved; rows whose link matches no item are listed, not saved."""

import csv
import io
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.db import transaction

from . import access
from .models import Channel, ChannelKind, ContentItem, ContentStatus, ReachOrigin
from .services import CommsError, reach_save

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 5000

# Header words of the export, folded to lower case (Meta's English and Vietnamese exports).
COLUMNS = {
    "link": ("permalink", "liên kết vĩnh viễn", "liên kết", "link", "đường dẫn", "url"),
    "views": (
        "reach",
        "số người tiếp cận",
        "lượt tiếp cận",
        "views",
        "lượt xem",
        "impressions",
        "lượt hiển thị",
    ),
    "reactions": ("reactions", "cảm xúc", "lượt bày tỏ cảm xúc", "lượt cảm xúc"),
    "comments": ("comments", "bình luận", "lượt bình luận"),
    "shares": ("shares", "lượt chia sẻ", "chia sẻ"),
}
REQUIRED = ("link",)


@dataclass
class ImportResult:
    rows: int = 0
    saved: int = 0
    unmatched: list[tuple[int, str]] = field(default_factory=list)
    items: list[ContentItem] = field(default_factory=list)


def normalise_link(url: str) -> str:
    """One spelling per post: no scheme, no www./m./web., no tracking query, no trailing slash; keeps the ids
    Facebook puts in the query (story_fbid, id, v, fbid)."""
    url = (url or "").strip()
    if not url:
        return ""
    if "://" not in url:
        url = "https://" + url
    parts = urlsplit(url)
    host = re.sub(r"^(www|m|web|mobile)\.", "", parts.hostname or "")
    keep = {k: v for k, v in parse_qs(parts.query).items() if k in ("story_fbid", "id", "v", "fbid")}
    query = "&".join(f"{k}={keep[k][0]}" for k in sorted(keep))
    return f"{host}{parts.path.rstrip('/')}" + (f"?{query}" if query else "")


def _rows(upload) -> list[list[str]]:
    name = (upload.name or "").lower()
    if upload.size and upload.size > MAX_BYTES:
        raise CommsError("Tệp quá lớn (tối đa 10 MB).")
    data = upload.read()
    if name.endswith(".xlsx") or data[:2] == b"PK":
        try:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
            return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        except Exception as exc:  # noqa: BLE001 — any unreadable workbook gets the same message
            raise CommsError("Không đọc được tệp Excel; hãy xuất lại từ Facebook (CSV hoặc XLSX).") from exc
    for encoding in ("utf-8-sig", "utf-16"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise CommsError("Tệp CSV không ở mã UTF-8; hãy xuất lại từ Facebook hoặc lưu lại dạng CSV UTF-8.")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _header(row: list[str]) -> dict[str, int]:
    found = {}
    folded = [c.strip().lower() for c in row]
    for key, names in COLUMNS.items():
        for name in names:  # the first (most specific) name present wins
            if name in folded:
                found[key] = folded.index(name)
                break
    return found


def _number(value: str, line: int, label: str) -> int:
    text = (value or "").strip().replace(".", "").replace(",", "").replace(" ", "")
    if text in ("", "-"):
        return 0
    if not text.isdigit():
        raise CommsError(f"Dòng {line}: cột “{label}” phải là số (đang là “{value}”). Chưa lưu gì.")
    return int(text)


def _item_index(ward) -> dict[str, ContentItem]:
    index = {}
    for item in ContentItem.objects.filter(ward=ward, status=ContentStatus.PUBLISHED).exclude(
        evidence_url=""
    ):
        index[normalise_link(item.evidence_url)] = item
    return index


@transaction.atomic
def facebook_import(*, actor, ward, upload, measured_on) -> ImportResult:
    access.require(
        access.can_import_reach(actor) and access.can_view_ward(actor, ward), "Bạn không nhập số liệu được."
    )
    rows = _rows(upload)
    if not rows:
        raise CommsError("Tệp rỗng.")
    header_at = next((i for i, row in enumerate(rows[:5]) if "link" in _header(row)), None)
    if header_at is None:
        raise CommsError(
            "Không thấy cột đường dẫn bài đăng (“Permalink” hoặc “Liên kết vĩnh viễn”). Hãy xuất báo cáo cấp bài"
            " viết từ Meta Business Suite."
        )
    columns = _header(rows[header_at])
    body = rows[header_at + 1 :]
    if len(body) > MAX_ROWS:
        raise CommsError(f"Tệp có quá {MAX_ROWS} dòng.")
    channel = Channel.objects.filter(ward=ward, kind=ChannelKind.FACEBOOK).first()
    index = _item_index(ward)
    result = ImportResult()
    labels = {"views": "Lượt tiếp cận", "reactions": "Cảm xúc", "comments": "Bình luận", "shares": "Chia sẻ"}
    for offset, row in enumerate(body):
        line = header_at + offset + 2
        if not any(c.strip() for c in row):
            continue
        link = row[columns["link"]].strip() if columns["link"] < len(row) else ""
        if not link.lower().startswith(("http", "www.", "facebook.", "fb.")):
            continue  # the export's second header line ("Lifetime: …") or a note
        result.rows += 1
        figures = {
            key: _number(row[columns[key]] if columns[key] < len(row) else "", line, labels[key])
            for key in labels
            if key in columns
        }
        item = index.get(normalise_link(link))
        if item is None:
            result.unmatched.append((line, link))
            continue
        reach_save(
            actor=actor,
            item=item,
            channel=channel if channel and item.channels.filter(pk=channel.pk).exists() else None,
            measured_on=measured_on,
            figures=figures,
            origin=ReachOrigin.FACEBOOK,
        )
        result.saved += 1
        result.items.append(item)
    if result.rows == 0:
        raise CommsError("Tệp không có dòng bài đăng nào có đường dẫn.")
    return result
