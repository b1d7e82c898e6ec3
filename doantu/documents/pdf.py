"""DOCX → PDF (and PDF → PNG, to look at a document) through LibreOffice headless.

Each call runs ``soffice`` in its own temporary directory with its own user profile
(``-env:UserInstallation``), so concurrent conversions (two workers, two tests) never clash over
LibreOffice's profile lock; each call is bounded by a timeout.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

# A cold LibreOffice start on a busy 2-core machine takes 5–20 s; a report of a few pages converts in seconds more.
DEFAULT_TIMEOUT_S = 120


class DocumentsUnavailable(RuntimeError):
    """The converter is missing or failed; the message is for the person who asked (Vietnamese)."""


def soffice_path() -> str | None:
    """LibreOffice's command: ``SOFFICE_PATH`` from the environment or settings, else ``soffice``/``libreoffice``."""
    configured = os.environ.get("SOFFICE_PATH")
    if not configured:
        try:
            from django.conf import settings

            configured = getattr(settings, "SOFFICE_PATH", None)
        except Exception:  # settings not configured (plain script)
            configured = None
    if configured:
        return configured if Path(configured).exists() or shutil.which(configured) else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def _run_soffice(args: list[str], workdir: Path, timeout: int) -> None:
    binary = soffice_path()
    if binary is None:
        raise DocumentsUnavailable(
            "Máy chủ chưa cài LibreOffice nên chưa tạo được bản PDF; hãy tải bản DOCX hoặc nhờ quản trị cài LibreOffice."
        )
    profile = workdir / "profile"
    command = [
        binary,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--nodefault",
        *args,
    ]
    env = dict(os.environ, HOME=str(workdir))  # LibreOffice writes caches under $HOME
    # its own process group, so a conversion stopped for taking too long leaves no soffice.bin behind
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise DocumentsUnavailable(
            "Chuyển văn bản sang PDF quá lâu nên đã dừng; hãy thử lại sau ít phút."
        ) from exc
    result = subprocess.CompletedProcess(command, process.returncode, b"", stderr)
    if result.returncode != 0:
        raise DocumentsUnavailable(
            "LibreOffice không chuyển được văn bản (mã lỗi "
            f"{result.returncode}): {result.stderr.decode(errors='replace')[-300:]}"
        )


def docx_to_pdf(docx_bytes: bytes, *, timeout: int = DEFAULT_TIMEOUT_S) -> bytes:
    """The PDF of a DOCX document, as LibreOffice Writer lays it out."""
    with tempfile.TemporaryDirectory(prefix="doantu-pdf-") as tmp:
        workdir = Path(tmp)
        source = workdir / "document.docx"
        source.write_bytes(docx_bytes)
        out = workdir / "out"
        out.mkdir()
        _run_soffice(
            ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(out), str(source)], workdir, timeout
        )
        produced = out / "document.pdf"
        if not produced.exists():
            raise DocumentsUnavailable("LibreOffice không tạo ra tệp PDF; văn bản có thể bị hỏng.")
        return produced.read_bytes()


def pdf_page_count(pdf_bytes: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf_bytes)).pages)


def pdf_to_pngs(pdf_bytes: bytes, *, dpi: int = 100, timeout: int = DEFAULT_TIMEOUT_S) -> list[bytes]:
    """One PNG per page, to look at a document (tests, previews). Uses ``pdftoppm`` when installed; otherwise Chromium's
    own PDF viewer through Playwright (a development dependency; /usr/bin/chromium or ``CHROMIUM_PATH``). LibreOffice
    Writer alone (the ``-nogui`` package) has no graphic export filter, so it cannot do this step."""
    with tempfile.TemporaryDirectory(prefix="doantu-png-") as tmp:
        workdir = Path(tmp)
        (workdir / "in.pdf").write_bytes(pdf_bytes)
        pdftoppm = shutil.which("pdftoppm")
        if pdftoppm:
            try:
                subprocess.run(
                    [pdftoppm, "-r", str(dpi), "-png", "in.pdf", "page"],
                    cwd=workdir,
                    check=True,
                    capture_output=True,
                    timeout=timeout,
                )
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
                raise DocumentsUnavailable("Không dựng được ảnh trang từ PDF.") from exc
            return [p.read_bytes() for p in sorted(workdir.glob("page*.png"))]
        return _chromium_pngs(workdir / "in.pdf", pdf_page_count(pdf_bytes), dpi, timeout)


def _chromium_pngs(path: Path, pages: int, dpi: int, timeout: int) -> list[bytes]:
    chromium = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:  # pragma: no cover - production installs
        raise DocumentsUnavailable("Không có công cụ dựng ảnh trang PDF (pdftoppm hoặc Chromium).") from exc
    if not chromium:
        raise DocumentsUnavailable("Không có công cụ dựng ảnh trang PDF (pdftoppm hoặc Chromium).")
    # A4 at ``dpi``; the viewer fits one page to the window (#view=Fit) without its toolbar
    width, height = round(210 / 25.4 * dpi), round(297 / 25.4 * dpi)
    pngs = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=["--headless=new"])
        try:
            for number in range(1, pages + 1):
                # a fresh tab per page: the viewer draws once, a moment after the load
                page = browser.new_page(viewport={"width": width, "height": height})
                page.goto(
                    f"{path.as_uri()}#page={number}&toolbar=0&navpanes=0&view=Fit", timeout=timeout * 1000
                )
                page.wait_for_timeout(5000)
                shot = page.screenshot()
                for _ in range(5):
                    if not _blank(shot):
                        break
                    page.wait_for_timeout(3000)
                    shot = page.screenshot()
                pngs.append(shot)
                page.close()
        finally:
            browser.close()
    return pngs


def _blank(png: bytes) -> bool:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        _low, high = image.convert("L").getextrema()
    return high < 200  # a drawn page is white; the viewer's empty canvas is dark grey
