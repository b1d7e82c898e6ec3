"""The province's own report: its wards' figures summed (a signed submission where the province holds one, the
figures on this system for the others), in the official layout, with its XLSX annex; only the province may
make it."""

import datetime as dt
import io
import json
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from docx import Document

from doantu.indicators import Period
from doantu.reports import rollup
from doantu.tips.models import Tip
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period.month(2026, 11)


@pytest.fixture
def november(ward, units, users, source, other_source):
    """Ward 01840: three tips from two people, its figures sent signed; the other ward: one tip, on this system."""
    for i, phone in enumerate(["0900000001", "+84 900 000 001", "0900000002"]):
        tip = make_tip(source, kind="grave", reporter_phone=phone)
        Tip.objects.filter(pk=tip.pk).update(created_at=dt.datetime(2026, 11, 5 + i, tzinfo=HCM))
    tip = make_tip(other_source, kind="martyr")
    Tip.objects.filter(pk=tip.pk).update(created_at=dt.datetime(2026, 11, 9, tzinfo=HCM))
    key = Ed25519PrivateKey.generate()
    province = users["province"]
    rollup.ward_key_add(actor=province, ward=ward, public_key=rollup.public_key_text(key))
    envelope = rollup.export_envelope(actor=users["campaign"], ward=ward, period=NOV, private=key)
    rollup.import_envelope(actor=province, data=json.dumps(envelope))


def text_of(docx: bytes) -> str:
    doc = Document(io.BytesIO(docx))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_the_province_report_sums_its_wards(units, users, november):
    doc, table = rollup.province_report(viewer=users["province"], province=units["province"], period=NOV)
    text = text_of(doc.to_docx())
    by_code = {r["ward"].code: r for r in table["rows"]}
    assert by_code["01840"]["origin"] == "signed" and by_code["99999"]["origin"] == "local"
    assert "ỦY BAN NHÂN DÂN" in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Thông tin đã tiếp nhận: 4 tin." in text  # 3 + 1
    assert "Người cung cấp thông tin: 3 người." in text  # 2 people in one ward + 1 in the other
    assert f"1/{table['wards']} xã, phường đã gửi" in text
    assert "Ban Chỉ đạo Quốc gia 515 (b/c)" in text


def test_the_annex_lists_every_ward_and_the_total(units, users, november):
    book = openpyxl.load_workbook(
        io.BytesIO(
            rollup.province_report_xlsx(viewer=users["province"], province=units["province"], period=NOV)
        )
    )
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    header = next(r for r in rows if r and r[1] == "Xã, phường")
    received = header.index("Thông tin đã tiếp nhận")
    total = next(r for r in rows if r and r[1] == "Toàn tỉnh")
    assert total[received] == 4


@pytest.mark.parametrize("role, allowed", [("province", True), ("campaign", False), ("leadership", False)])
def test_only_the_province_downloads_it(client, units, users, november, role, allowed):
    client.login(username=users[role].username, password=PASSWORD)
    for fmt in ("docx", "xlsx"):
        response = client.get("/staff/so-lieu/tinh/bao-cao/", {"period": "2026-11", "f": fmt})
        assert (response.status_code == 200) is allowed, (fmt, response.status_code)
        if allowed:
            assert response["Content-Disposition"].endswith(f'.{fmt}"')
