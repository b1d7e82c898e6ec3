"""The paper slip as an A4 PDF (and the DOCX it is made from), through the shared ``documents`` app: the web form's
questions and consent statements word for word, and the group's QR code, which decodes to exactly the address of
the group's public form."""

import io
import re

import pytest
from django.urls import reverse
from docx import Document
from PIL import Image
from pypdf import PdfReader

from doantu.documents import pdf as documents_pdf
from doantu.tips.forms import TipForm
from doantu.tips.models import Source
from doantu.tips.slip import slip_items

from ..conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _get(client, user, source, fmt):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("staff:source_slip_document", args=[source.pk, fmt]))


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _labels(ward, source):
    items = slip_items(form=TipForm(ward=ward), preset={"residential_group": source.owner_unit_id})
    questions = [i.label for i in items if not i.consent]
    consents = [i.label for i in items if i.consent]
    return items, questions, consents


@pytest.mark.skipif(not documents_pdf.pdf_available(), reason="LibreOffice (soffice) is not installed")
def test_slip_pdf_is_a4_with_the_form_wording_and_a_qr_code_of_the_group_form(client, users, ward):
    zxingcpp = pytest.importorskip("zxingcpp")
    source = Source.objects.get(code="dx-tdp1")
    response = _get(client, users["group_leader"], source, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842  # A4
    text = _flat(" ".join(page.extract_text() for page in reader.pages))
    items, questions, consents = _labels(ward, source)
    for label in questions + consents:
        assert _flat(label) in text, label
    for item in items:  # every choice to tick (the group's own slip: its group already ticked)
        for label, _ in item.choices:
            assert _flat(label) in text.replace("\u00a0", " "), label
    # the QR code, decoded from the rendered first page, is the group's public form, exactly
    first = documents_pdf.pdf_to_pngs(response.content, dpi=150)[0]
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(first)))
    assert [b.text for b in found] == ["http://testserver" + reverse("public:intake", args=[source.code])]


def test_slip_docx_carries_the_same_wording(client, users, ward):
    source = Source.objects.get(code="dx-tdp1")
    response = _get(client, users["campaign"], source, "docx")
    assert response.status_code == 200
    assert "phieu-cung-cap-thong-tin-dx-tdp1.docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    cells = [p.text for t in doc.tables for row in t.rows for c in row.cells for p in c.paragraphs]
    text = _flat(" ".join([p.text for p in doc.paragraphs] + cells))
    _, questions, consents = _labels(ward, source)
    for label in questions + consents:
        assert _flat(label) in text, label
    assert "Ai được biết tên và số điện thoại của bạn?" in text
    # the privacy choice is a choice to tick, not lines to write on
    assert "☐ Chỉ cán bộ phường phụ trách chiến dịch" in text


def test_slip_documents_only_for_who_may_print_the_slip(client, users):
    source = Source.objects.get(code="dx-tdp1")
    assert _get(client, users["group_leader2"], source, "docx").status_code == 403  # another group's leader
    assert _get(client, users["military"], source, "pdf").status_code == 403
    assert _get(client, users["campaign"], source, "exe").status_code == 404


def test_without_libreoffice_the_pdf_says_so_and_offers_the_docx(client, users, monkeypatch):
    monkeypatch.setattr(documents_pdf, "soffice_path", lambda: None)
    source = Source.objects.get(code="dx-tdp1")
    response = _get(client, users["campaign"], source, "pdf")
    assert response.status_code == 302 and response["Location"] == reverse(
        "staff:source_slip", args=[source.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "chưa cài LibreOffice" in page and "DOCX" in page
