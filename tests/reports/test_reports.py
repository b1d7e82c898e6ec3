"""Reports: figures identical to the dashboard's for the same period; draft → approved (leadership) → sent (number,
archived, immutable); the shell command; DOCX/XLSX contents."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from docx import Document

from doantu import indicators
from doantu.indicators import Breakdown, Period
from doantu.reports import services
from doantu.reports.models import ImmutableReport, Report, ReportStatus
from doantu.tips.models import Source, Tip
from tests.conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
NOV = Period.month(2026, 11)


def received_on(tip, when):
    Tip.objects.filter(pk=tip.pk).update(created_at=when)
    return tip


@pytest.fixture
def tips_nov(ward, source, users):
    loa = Source.objects.get(code="dx-loa")
    made = [
        received_on(make_tip(source, kind="grave"), dt.datetime(2026, 11, 3, 9, tzinfo=HCM)),
        received_on(
            make_tip(loa, kind="martyr", reporter_phone="0911111111"),
            dt.datetime(2026, 11, 12, 9, tzinfo=HCM),
        ),
        received_on(
            make_tip(loa, kind="relative", dna_offer=True, relationship="mother", consent_dna=True),
            dt.datetime(2026, 11, 20, 9, tzinfo=HCM),
        ),
    ]
    received_on(make_tip(source, kind="grave"), dt.datetime(2026, 10, 20, 9, tzinfo=HCM))
    return made


def docx_text(content: bytes) -> str:
    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def dashboard_values(client, ward, period_key):
    response = client.get("/staff/so-lieu/", {"period": period_key})
    assert response.status_code == 200
    out = {}
    for section in response.context["sections"]:
        for f in section["numbers"]:
            out[f["indicator"].name] = f["value"]
        for t in section["tables"]:
            out[t["indicator"].name] = [[r["label"], *r["values"]] for r in t["rows"]]
    return out


def test_report_figures_equal_the_dashboard_figures(client, ward, users, tips_nov):
    client.login(username="vhxh", password=PASSWORD)
    report = services.report_create(actor=users["campaign"], ward=ward, kind="monthly", period_text="2026-11")
    on_dashboard = dashboard_values(client, ward, "2026-11")
    in_report = services.report_figures(report)
    assert on_dashboard["tips.received"] == 3
    assert set(on_dashboard) == set(in_report)
    for name, value in in_report.items():
        expected = [[r.label, *r.values] for r in value.rows] if isinstance(value, Breakdown) else value
        assert on_dashboard[name] == expected, name
    # and the document says the same
    text = docx_text(services.render_docx(report))
    assert "đã tiếp nhận 3 thông tin" in text
    book = openpyxl.load_workbook(io.BytesIO(services.render_xlsx(report)))
    summary = {row[1]: row[2] for row in book["Tổng hợp"].iter_rows(min_row=3, values_only=True)}
    assert summary[indicators.get("tips.received").label] == 3
    assert summary[indicators.get("tips.dna_offers").label] == 1


def test_draft_approve_send_and_archive(client, ward, users, tips_nov, settings):
    campaign, leadership = users["campaign"], users["leadership"]
    report = services.report_create(actor=campaign, ward=ward, kind="monthly", period_text="2026-11")
    assert report.status == ReportStatus.DRAFT and "DỰ THẢO" in docx_text(services.render_docx(report))
    services.report_update(
        actor=campaign,
        report=report,
        changes={
            "narrative": {"assessment": "Các tổ dân phố vào cuộc tích cực."},
            "signer_name": "Nguyễn Văn An",
        },
    )
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=campaign, report=report)  # leadership approves, not the drafter
    with pytest.raises(services.ReportError):
        services.report_send(actor=campaign, report=report, number=12)  # not approved yet
    report = services.report_approve(actor=leadership, report=report)
    assert report.figures["tips.received"] == 3
    # a tip arriving later does not change the approved report
    received_on(make_tip(Source.objects.get(code="dx"), kind="grave"), dt.datetime(2026, 11, 25, tzinfo=HCM))
    assert services.report_figures(report)["tips.received"] == 3
    with pytest.raises(services.ReportError):
        services.report_update(actor=campaign, report=report, changes={"title": "khác"})
    with pytest.raises(PermissionDenied):
        services.report_send(actor=leadership, report=report, number=12)
    settings.SOFFICE_PATH = (
        "/nonexistent/soffice"  # the PDF is optional at sending; tested in tests/documents
    )
    report = services.report_send(actor=campaign, report=report, number=12, issued_on=dt.date(2026, 11, 30))
    assert report.status == ReportStatus.SENT and report.number == 12
    text = docx_text(bytes(report.docx))
    assert "Số: 12/BC-UBND" in text and "DỰ THẢO" not in text and "ngày 30 tháng 11 năm 2026" in text
    assert "Các tổ dân phố vào cuộc tích cực." in text and "Nguyễn Văn An" in text
    stored = Report.objects.get(pk=report.pk)
    with pytest.raises(ImmutableReport):
        stored.title = "sửa lén"
        stored.save()
    with pytest.raises(ImmutableReport):
        stored.delete()
    assert services.render_docx(stored) == bytes(stored.docx)
    # the number is taken for the year
    other = services.report_create(actor=campaign, ward=ward, kind="weekly", period_text="2026-W48")
    services.report_approve(actor=leadership, report=other)
    with pytest.raises(services.ReportError, match="đã dùng"):
        services.report_send(actor=campaign, report=other, number=12, issued_on=dt.date(2026, 12, 1))


def test_pages_and_roles(client, ward, users, tips_nov):
    report = services.report_create(actor=users["campaign"], ward=ward, kind="monthly", period_text="2026-11")
    client.login(username="lanhdao", password=PASSWORD)
    assert client.get(f"/staff/so-lieu/bao-cao/{report.pk}/").status_code == 200
    assert client.post(f"/staff/so-lieu/bao-cao/{report.pk}/", {"title": "x"}).status_code in (302, 403)
    assert Report.objects.get(pk=report.pk).title != "x"
    response = client.post(f"/staff/so-lieu/bao-cao/{report.pk}/approve/")
    assert response.status_code == 302 and Report.objects.get(pk=report.pk).status == ReportStatus.APPROVED
    client.logout()
    client.login(username="tdp1", password=PASSWORD)
    assert client.get(f"/staff/so-lieu/bao-cao/{report.pk}/").status_code in (403, 404)
    assert client.get("/staff/so-lieu/").status_code == 403
    client.logout()
    client.login(username="vhxh-khac", password=PASSWORD)
    assert client.get(f"/staff/so-lieu/bao-cao/{report.pk}/").status_code == 404
    client.logout()
    client.login(username="tinh", password=PASSWORD)  # the province reads sent reports only
    assert client.get(f"/staff/so-lieu/bao-cao/{report.pk}/").status_code == 404


def test_bad_input_is_refused_in_vietnamese(ward, users):
    with pytest.raises(services.ReportError, match="một tháng"):
        services.report_create(actor=users["campaign"], ward=ward, kind="monthly", period_text="2026-W45")
    with pytest.raises(services.ReportError, match="Không đọc được"):
        services.report_create(actor=users["campaign"], ward=ward, kind="monthly", period_text="tháng 11")
    with pytest.raises(PermissionDenied):
        services.report_create(actor=users["leadership"], ward=ward, kind="monthly", period_text="2026-11")
    assert not Report.objects.exists()


def test_campaign_report_command(tmp_path, ward, tips_nov):
    out, xlsx = tmp_path / "report.docx", tmp_path / "annex.xlsx"
    call_command(
        "campaign_report",
        "--ward",
        "01840",
        "--kind",
        "monthly",
        "--period",
        "2026-11",
        "--out",
        str(out),
        "--xlsx",
        str(xlsx),
        "--number",
        "12",
        "--date",
        "2026-11-30",
    )
    text = docx_text(out.read_bytes())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Số: 12/BC-UBND" in text
    assert "tháng 11 năm 2026" in text and "đã tiếp nhận 3 thông tin" in text
    assert openpyxl.load_workbook(xlsx).sheetnames[0] == "Tổng hợp"
    assert not Report.objects.exists()  # nothing saved from the shell
