"""The bounded worker that decodes what strangers send: images and PDFs.

Decoding a file is where a small upload can cost a lot (a 233 KB PNG that inflates to 60 million pixels, a
progressive JPEG with thousands of scans, a PDF whose object streams inflate to gigabytes) and where a bug in a
decoder (libpng, libjpeg, libwebp, littlecms, pypdf) would run with the web worker's rights. So the decoding
runs here, in a child process that limits its own address space and CPU time before it reads a byte, and that
the web worker kills after a deadline. Run as ``python -I upload_worker.py MEMORY_MB CPU_SECONDS``: it reads a
JSON list of jobs on stdin and writes one JSON line per job on stdout, as soon as that job is done.

Only the standard library, Pillow and pypdf are imported here (no Django: the child starts in about 0.1 s).
``python -I upload_worker.py --exec MEMORY_MB CPU_SECONDS PROGRAM ARGS…`` applies the same limits and then
becomes PROGRAM (used for ffmpeg).

A job is ``{"kind": "image", "src": path, "dst": path, "max_side": int, "max_pixels": int}`` or
``{"kind": "pdf", "src": path, "dst": path}``. A result is ``{"ok": true, ...}`` or ``{"ok": false, "code": ...,
"detail": ...}``; the web worker turns codes into Vietnamese messages.
"""

import io
import json
import os
import re
import resource
import struct
import sys
import warnings
import zlib

MB = 1024 * 1024

# ------------------------------------------------------------------------------------------------------ images

IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
# EXIF orientation -> the transposition that shows the picture the way the camera meant
ORIENTATION = {2: "FLIP_LEFT_RIGHT", 3: "ROTATE_180", 4: "FLIP_TOP_BOTTOM", 5: "TRANSPOSE", 6: "ROTATE_270"}
ORIENTATION |= {7: "TRANSVERSE", 8: "ROTATE_90"}


def fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    """``size`` shrunk (never enlarged) so that its longer side is at most ``max_side``, aspect kept."""
    width, height = size
    longer = max(width, height)
    if longer <= max_side:
        return width, height
    scale = max_side / longer
    return max(1, round(width * scale)), max(1, round(height * scale))


def open_lazily(src, max_pixels: int):
    """Open an image without decoding its pixels (Pillow reads only the header). A picture with more than
    ``max_pixels`` pixels makes Pillow raise ``DecompressionBombError`` here or at decoding time."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = max_pixels
    return Image.open(src, formats=IMAGE_FORMATS)


def decode_size(image, max_side: int) -> tuple[int, int]:
    """The size Pillow will decode ``image`` at. A JPEG that will be shrunk anyway decodes at 1/2, 1/4 or 1/8 of
    its size straight from the DCT coefficients (``draft``): the smallest of these whose longer side is still at
    least 3/4 of ``max_side`` (so a 48 MP 8000x6000 photo decodes as 4000x3000, a quarter of the work, and is
    stored at that size; a stored JPEG's longer side is between 3/4 of the maximum and the maximum). Other
    formats decode at full size. Changes ``image`` (lazily opened, not yet loaded)."""
    if image.format == "JPEG" and fit(image.size, max_side) != image.size:
        image.draft(None, fit(image.size, max(1, max_side * 3 // 4)))
    return image.size


def clean_image(src: str, dst: str, max_side: int, max_pixels: int) -> dict:
    """Decode, shrink, turn upright, convert to sRGB and encode again from the pixels alone: no EXIF, XMP, IPTC,
    comment, ICC profile, text chunk or trailing data survives, because nothing but pixels is written."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = open_lazily(src, max_pixels)
        fmt = image.format
        if image.width * image.height > max_pixels:
            return {"ok": False, "code": "pixels", "detail": f"{image.width}x{image.height}"}
        try:
            orientation = image.getexif().get(0x0112)
        except Exception:  # a broken EXIF block only loses us the orientation
            orientation = None
        icc = image.info.get("icc_profile")
        transparency = "transparency" in image.info
        decode_size(image, max_side)
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return {"ok": False, "code": "pixels", "detail": "bomb"}
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        return {"ok": False, "code": "invalid", "detail": str(exc)[:200]}
    if fmt not in IMAGE_FORMATS:
        return {"ok": False, "code": "format", "detail": str(fmt)}

    if transparency:  # palette or key-colour transparency lives in ``info``, which we do not keep
        image = image.convert("RGBA")
    if image.size != fit(image.size, max_side):
        image = image.resize(fit(image.size, max_side), Image.Resampling.LANCZOS, reducing_gap=3.0)
    if orientation in ORIENTATION:
        image = image.transpose(getattr(Image.Transpose, ORIENTATION[orientation]))
    if icc:
        image = _to_srgb(image, icc)

    if fmt == "PNG":
        if image.mode not in ("1", "L", "LA", "I", "I;16", "P", "RGB", "RGBA"):
            image = image.convert("RGBA")
        save = {"format": "PNG", "compress_level": 6}
    elif fmt == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode else "RGB")
        save = {"format": "WEBP", "quality": 88}
    else:
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        save = {"format": "JPEG", "quality": 88, "optimize": True}
    # Nothing from the source file may reach the encoder: Pillow copies ``comment`` (JPEG) and ``icc_profile``
    # (PNG) from ``info`` when saving.
    image.info = {}
    image.save(dst, **save)
    return {"ok": True, "format": fmt, "width": image.width, "height": image.height}


def _to_srgb(image, icc: bytes):
    """The pixels converted from the profile the file carried to sRGB (so dropping the profile keeps the
    colours); a profile littlecms cannot use is simply dropped."""
    from PIL import ImageCms

    modes = {"RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}
    if image.mode not in modes:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=modes[image.mode]
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image


# -------------------------------------------------------------------------------------------------------- PDFs

# Names that mean active content wherever they appear as a key, or as the value of /S (action type), /Subtype
# (annotation type) or /Type: scripts, programs to launch, embedded files, multimedia and 3D (which carry
# scripts of their own), XFA forms, and actions that send data out or open other files.
ACTIVE_KEYS = {
    "/JS": "JavaScript",
    "/JavaScript": "JavaScript",
    "/AA": "hành động tự chạy (AA)",
    "/Launch": "lệnh mở chương trình (Launch)",
    "/EmbeddedFile": "tệp nhúng",
    "/EmbeddedFiles": "tệp nhúng",
    "/EF": "tệp nhúng",
    "/RichMedia": "nội dung đa phương tiện (RichMedia)",
    "/RichMediaContent": "nội dung đa phương tiện (RichMedia)",
    "/XFA": "biểu mẫu XFA",
}
ACTIVE_TYPES = {
    "/JavaScript": "JavaScript",
    "/Launch": "lệnh mở chương trình (Launch)",
    "/SubmitForm": "lệnh gửi dữ liệu ra ngoài (SubmitForm)",
    "/ImportData": "lệnh nhập dữ liệu (ImportData)",
    "/GoToR": "liên kết mở tệp khác (GoToR)",
    "/GoToE": "liên kết mở tệp nhúng (GoToE)",
    "/Rendition": "nội dung đa phương tiện (Rendition)",
    "/Movie": "nội dung đa phương tiện (Movie)",
    "/Sound": "nội dung đa phương tiện (Sound)",
    "/RichMedia": "nội dung đa phương tiện (RichMedia)",
    "/RichMediaExecute": "nội dung đa phương tiện (RichMedia)",
    "/Screen": "nội dung đa phương tiện (Screen)",
    "/3D": "nội dung 3D",
    "/GoTo3DView": "nội dung 3D",
    "/FileAttachment": "tệp nhúng",
    "/EmbeddedFile": "tệp nhúng",
}
SAFE_URI = re.compile(rb"^(https?|mailto|tel):", re.IGNORECASE)
HTML_MARKERS = re.compile(
    rb"<\s*(html|script|body|iframe|svg|object|embed|!doctype)\b|javascript:", re.IGNORECASE
)


class ActiveContent(Exception):
    pass


def _inspect(value, seen: set) -> None:
    """Walk one object (not following indirect references: every object is walked on its own)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    if isinstance(value, IndirectObject) or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            if key in ACTIVE_KEYS:
                raise ActiveContent(ACTIVE_KEYS[key])
            if key in ("/S", "/Subtype", "/Type") and isinstance(item, NameObject) and item in ACTIVE_TYPES:
                raise ActiveContent(ACTIVE_TYPES[item])
            if key == "/URI" and value.get("/S") == "/URI":
                target = item.get_object()
                raw = target.original_bytes if hasattr(target, "original_bytes") else str(target).encode()
                if not SAFE_URI.match(
                    raw.strip()
                ):  # file:, \\host\share (leaks a Windows login), javascript:
                    raise ActiveContent("liên kết không an toàn")
            _inspect(item, seen)
    elif isinstance(value, ArrayObject):
        for item in value:
            _inspect(item, seen)


def _every_object(reader):
    """Every object of the file: those in the cross-reference tables (including the ones packed in compressed
    object streams) and those reachable from the trailer (a repaired file may have more than its tables say)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    numbers = {(num, gen) for gen, table in reader.xref.items() for num in table}
    numbers |= {(num, 0) for num in reader.xref_objStm}
    for num, gen in sorted(numbers):
        obj = reader.get_object(IndirectObject(num, gen, reader))
        if obj is not None:
            yield obj
    pending, done = [reader.trailer], set()
    while pending:
        obj = pending.pop()
        if isinstance(obj, IndirectObject):
            if (obj.idnum, obj.generation) in done:
                continue
            done.add((obj.idnum, obj.generation))
            obj = obj.get_object()
            yield obj
        if isinstance(obj, DictionaryObject):
            pending.extend(obj.values())
        elif isinstance(obj, ArrayObject):
            pending.extend(obj)


def clean_pdf(src: str, dst: str) -> dict:
    """Refuse a PDF with active content; otherwise store it rewritten by pypdf: a new header, only the objects
    the document uses (old revisions, comments and anything before the header or after ``%%EOF`` are gone),
    content streams compressed, and without its metadata (the Info dictionary and XMP: author, software,
    sometimes the scanner's location)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    with open(src, "rb") as handle:
        data = handle.read()
    if not data.startswith(b"%PDF-"):
        return {"ok": False, "code": "pdf_header", "detail": ""}
    end = data.rfind(b"%%EOF")
    if end < 0 or data[end + 5 :].strip(b" \t\r\n\f\0"):
        return {"ok": False, "code": "pdf_trailing", "detail": ""}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                return {"ok": False, "code": "pdf_encrypted", "detail": ""}
            seen: set = set()
            for obj in _every_object(reader):
                _inspect(obj, seen)
            if not len(reader.pages):
                return {"ok": False, "code": "pdf_invalid", "detail": "no pages"}
            writer = PdfWriter(clone_from=reader)
            writer.metadata = None
            root = writer.root_object
            for key in ("/Metadata", "/PieceInfo"):
                root.pop(NameObject(key), None)
            for page in writer.pages:
                for key in ("/Metadata", "/PieceInfo"):
                    page.pop(NameObject(key), None)
                page.compress_content_streams()
            writer.compress_identical_objects(
                remove_duplicates=False, remove_unreferenced=True
            )  # the removed metadata
            out = io.BytesIO()
            writer.write(out)
    except ActiveContent as exc:
        return {"ok": False, "code": "pdf_active", "detail": str(exc)}
    except (PyPdfError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError, OSError,
            AssertionError, UnicodeError, NotImplementedError, zlib.error, struct.error) as exc:  # fmt: skip
        return {"ok": False, "code": "pdf_invalid", "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}
    cleaned = out.getvalue()
    if HTML_MARKERS.search(cleaned):
        return {"ok": False, "code": "pdf_html", "detail": ""}
    with open(dst, "wb") as handle:
        handle.write(cleaned)
    return {"ok": True, "pages": len(reader.pages)}


# -------------------------------------------------------------------------------------------------- the process


def limit(memory_mb: int, cpu_seconds: int) -> None:
    """Bound this process (and whatever it becomes by exec): address space, CPU time, size of files written."""
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb * MB, memory_mb * MB))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_FSIZE, (512 * MB, 512 * MB))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_job(job: dict) -> dict:
    try:
        if job["kind"] == "image":
            return clean_image(job["src"], job["dst"], job["max_side"], job["max_pixels"])
        if job["kind"] == "pdf":
            return clean_pdf(job["src"], job["dst"])
        return {"ok": False, "code": "invalid", "detail": "unknown job"}
    except MemoryError:
        return {"ok": False, "code": "memory", "detail": ""}
    except (
        Exception
    ) as exc:  # a decoder's own failure on a hostile file: that file is refused, the next one goes on
        code = "pdf_invalid" if job["kind"] == "pdf" else "invalid"
        return {"ok": False, "code": code, "detail": f"{type(exc).__name__}: {str(exc)[:200]}"}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--exec"]:
        limit(int(argv[1]), int(argv[2]))
        os.execv(argv[3], argv[3:])
    limit(int(argv[0]), int(argv[1]))
    from PIL import Image

    warnings.simplefilter("error", Image.DecompressionBombWarning)  # past the limit, refuse rather than warn
    jobs = json.loads(sys.stdin.buffer.read())
    for job in jobs:
        print(json.dumps(run_job(job)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
