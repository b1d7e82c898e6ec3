#!/usr/bin/env python3
"""What checking and cleaning the images of one request costs: CPU time and peak memory, per case.

    uv run python bench/upload_cost.py                      # this checkout
    uv run python bench/upload_cost.py --code /path/to/old  # another checkout's doantu (e.g. before a change)

Cases: one normal phone photo (4000x3000 JPEG with EXIF, noisy so it compresses like a photo), eight of them in
one request, one 48 MP JPEG (8000x6000), a flat 7200x7200 PNG (just under the default limit), one 7740x7740 PNG of a flat colour (233 KB that inflates to 60 million
pixels: the "decompression bomb" of issue 7), and eight of those in one request. Each case runs
``prepare_uploads`` in a fresh process (so its peak memory is its own), and reports the wall time, the CPU time
of that process and of the children it waited for (the bounded worker, ffmpeg), and the peak resident memory of
each. Ratios are against the normal photo in the same run: compare within one run, these machines are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CASES = {
    "photo 4000x3000 JPEG": ("photo.jpg", 1),
    "8 photos, one request": ("photo.jpg", 8),
    "photo 8000x6000 JPEG (48 MP)": ("photo48.jpg", 1),
    "8 photos of 48 MP, one request": ("photo48.jpg", 8),
    "PNG at the limit 7200x7200": ("limit.png", 1),
    "bomb 7740x7740 PNG": ("bomb.png", 1),
    "8 bombs, one request": ("bomb.png", 8),
}


def make_files(folder: Path) -> None:
    from PIL import Image

    def photo(size, path):
        noise = Image.effect_noise((size[0] // 4, size[1] // 4), 40).resize(size, Image.Resampling.BILINEAR)
        gradient = Image.linear_gradient("L").resize(size)
        image = Image.merge("RGB", (noise, gradient, noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))
        exif = Image.Exif()
        exif[0x0110] = "Phone"
        exif[0x0112] = 6
        image.save(path, "JPEG", quality=90, exif=exif.tobytes())

    photo((4000, 3000), folder / "photo.jpg")
    photo((8000, 6000), folder / "photo48.jpg")
    Image.new("RGB", (7740, 7740), (200, 190, 170)).save(folder / "bomb.png", "PNG", optimize=True)
    Image.new("RGB", (7200, 7200), (200, 190, 170)).save(folder / "limit.png", "PNG", optimize=True)


def _status(field: str) -> int:
    """A memory figure of this process from /proc/self/status, in KB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise LookupError(field)


def run_case(folder: Path, filename: str, count: int) -> dict:
    """In a fresh process: prepare ``count`` copies of the file as one request."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doantu.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile

    from doantu.tips.uploads import prepare_uploads

    data = (folder / filename).read_bytes()
    uploads = [SimpleUploadedFile(f"{i}-{filename}", data) for i in range(count)]
    baseline = _status("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # Linux: reset the peak (VmHWM) to the current size
    before_self = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    prepared, errors = prepare_uploads(uploads)
    wall = time.perf_counter() - start
    after_self = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {
        "wall": wall,
        "cpu": (after_self.ru_utime + after_self.ru_stime) - (before_self.ru_utime + before_self.ru_stime),
        "cpu_children": children.ru_utime + children.ru_stime,
        "peak_mb": (_status("VmHWM") - baseline) / 1024,
        "baseline_mb": baseline / 1024,
        "peak_children_mb": children.ru_maxrss / 1024,
        "accepted": len(prepared),
        "refused": len(errors),
        "message": errors[0][:110] if errors else "",
        "bytes_in": len(data),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--code", default=str(ROOT), help="checkout whose doantu package is measured")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        sys.path.insert(0, args.code)
        filename, count = CASES[args.case]
        print(json.dumps(run_case(Path(args.folder), filename, count)))
        return

    print(
        "command: uv run python bench/upload_cost.py"
        + (f" --code {args.code}" if args.code != str(ROOT) else "")
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        make_files(folder)
        for name in ("photo.jpg", "photo48.jpg", "bomb.png"):
            print(f"  {name}: {(folder / name).stat().st_size / 1024:,.0f} KB")
        rows = {}
        for case in CASES:
            command = [sys.executable, __file__, "--code", args.code, "--case", case, "--folder", tmp]
            result = subprocess.run(command, capture_output=True, text=True, cwd=args.code, check=False)
            if result.returncode != 0:
                print(f"{case}: failed\n{result.stderr[-2000:]}")
                continue
            rows[case] = json.loads(result.stdout.strip().splitlines()[-1])
    base = rows.get("photo 4000x3000 JPEG")
    header = f"{'case':<31} {'wall s':>7} {'CPU s':>7} {'worker CPU s':>12} {'+peak MB':>8} {'worker MB':>9}"
    print(header + f" {'CPU ×photo':>10} {'result':<10}")
    for case, row in rows.items():
        cpu = row["cpu"] + row["cpu_children"]
        ratio = cpu / (base["cpu"] + base["cpu_children"]) if base else float("nan")
        verdict = f"{row['accepted']} ok" + (f", {row['refused']} refused" if row["refused"] else "")
        print(
            f"{case:<31} {row['wall']:7.2f} {row['cpu']:7.2f} {row['cpu_children']:12.2f} {row['peak_mb']:8.0f}"
            f" {row['peak_children_mb']:9.0f} {ratio:10.2f} {verdict:<10}"
        )
    print(
        "+peak MB: the measuring process's peak resident memory above what it had before the call (that is,"
    )
    print(
        f"above {base['baseline_mb']:.0f} MB: Django and the uploads); worker MB: the children's peak."
        if base
        else ""
    )
    for case, row in rows.items():
        if row["message"]:
            print(f"  {case}: {row['message']}")


if __name__ == "__main__":
    main()
