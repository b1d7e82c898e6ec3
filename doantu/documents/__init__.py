"""Documents: one renderer for everything the ward prints or sends (no Django models, imports no other doantu app).

- ``documents.official``: the official layout of Nghị định 30/2020/NĐ-CP (appendix I) with python-docx.
  ``OfficialDocument(...)`` + ``.heading() / .paragraph() / .bullets() / .table()`` → ``.to_docx()`` bytes;
  ``blank_document(page="A4"|"A3"|(w_mm, h_mm), margins_mm=...)`` for posters, slips and other free layouts.
- ``documents.xlsx``: ``workbook([Sheet(title, headers, rows, widths=None)]) -> bytes`` (bold frozen header,
  dd/mm/yyyy dates, text that could start a formula kept as text).
- ``documents.pdf``: ``docx_to_pdf(bytes) -> bytes`` through LibreOffice headless, ``pdf_available()``,
  ``pdf_to_pngs(bytes) -> list[bytes]`` (one PNG per page, to look at); ``DocumentsUnavailable`` when LibreOffice is missing.
"""
