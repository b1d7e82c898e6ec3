"""Video and sound sent with a tip lose the metadata a phone writes into them (where it was recorded), keep
their streams untouched, and a broken one is refused like any bad file."""

import os
import shutil
import subprocess

import pytest

from doantu.tips.models import Attachment, Tip
from tests.conftest import tip_post_data, upload

pytestmark = pytest.mark.django_db

FFMPEG = shutil.which("ffmpeg")
FFPROBE = shutil.which("ffprobe")
PLACE = "+21.5925+105.8480/"


@pytest.fixture(autouse=True)
def need_ffmpeg(settings):
    if not (FFMPEG and FFPROBE):
        if os.environ.get("DOANTU_REQUIRE_FFMPEG") == "1":
            pytest.fail("ffmpeg required (DOANTU_REQUIRE_FFMPEG=1) but not installed", pytrace=False)
        pytest.skip("ffmpeg is not installed (apt-get install ffmpeg)")
    settings.FFMPEG_PATH = FFMPEG


def recorded(tmp_path, name: str, *inputs: str, codecs=()) -> bytes:
    """A short recording made by ffmpeg, tagged the way a phone tags one: the place, a title, a stream name."""
    out = tmp_path / name
    command = [FFMPEG, "-v", "error", "-y"]
    for source in inputs:
        command += ["-f", "lavfi", "-i", source]
    command += [
        "-metadata", f"location={PLACE}",
        "-metadata", "title=Nhà ông Bình",
        "-metadata:s:0", "handler_name=GPS Camera",
        *codecs,
        str(out),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    return out.read_bytes()


def probe(path) -> dict:
    import json

    result = subprocess.run(
        [FFPROBE, "-v", "error", "-show_format", "-show_streams", "-of", "json", str(path)],
        check=True,
        capture_output=True,
    )
    return json.loads(result.stdout)


def all_tags(info: dict) -> dict:
    tags = dict(info["format"].get("tags", {}))
    for stream in info["streams"]:
        tags.update(stream.get("tags", {}))
    return tags


@pytest.mark.parametrize(
    ("name", "inputs", "codecs", "kind"),
    [
        (
            "quay-mo.mov",
            ("testsrc=duration=1:size=160x120:rate=10", "sine=duration=1"),
            ("-c:v", "mpeg4", "-c:a", "aac"),
            "video",
        ),
        (
            "quay-mo.mp4",
            ("testsrc=duration=1:size=160x120:rate=10", "sine=duration=1"),
            ("-c:v", "mpeg4", "-c:a", "aac"),
            "video",
        ),
        ("loi-ke.m4a", ("sine=duration=1",), ("-c:a", "aac"), "audio"),
    ],
)
def test_recording_is_stored_without_its_place_and_with_its_streams(
    client, source, media_root, tmp_path, name, inputs, codecs, kind
):
    # given a recording that says where it was made
    data = recorded(tmp_path, name, *inputs, codecs=codecs)
    sent = tmp_path / "sent"
    sent.write_bytes(data)
    assert all_tags(probe(sent)).get("location") == PLACE  # the test's premise: the place is in there
    # when
    response = client.post("/t/dx", tip_post_data(files=[upload(name, data)]))
    # then
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.kind == kind
    stored = media_root / attachment.file.name
    info = probe(stored)
    tags = all_tags(info)
    assert "location" not in tags and "title" not in tags and tags.get("handler_name") != "GPS Camera"
    assert PLACE.encode() not in stored.read_bytes()
    before = [(s["codec_type"], s["codec_name"]) for s in probe(sent)["streams"]]
    assert [(s["codec_type"], s["codec_name"]) for s in info["streams"]] == before  # copied, not re-encoded
    assert attachment.size == stored.stat().st_size


def test_broken_recording_is_refused_and_nothing_saved(client, source, media_root, tmp_path):
    data = recorded(
        tmp_path,
        "quay-mo.mp4",
        "testsrc=duration=1:size=160x120:rate=10",
        codecs=("-c:v", "mpeg4"),
    )
    broken = data[:64] + b"\0" * 4096  # the header survives (so it passes as a video), the rest is gone
    response = client.post("/t/dx", tip_post_data(files=[upload("quay-mo.mp4", broken)]))
    assert response.status_code == 400
    assert "bị hỏng hoặc không đọc được" in response.content.decode()
    assert Tip.objects.count() == 0 and Attachment.objects.count() == 0
    assert not [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else True


def test_without_ffmpeg_recordings_are_kept_as_sent_and_the_check_warns(client, source, settings, tmp_path):
    from django.core import checks

    settings.FFMPEG_PATH = ""
    data = recorded(tmp_path, "loi-ke.m4a", "sine=duration=1", codecs=("-c:a", "aac"))
    client.post("/t/dx", tip_post_data(files=[upload("loi-ke.m4a", data)]))
    assert Attachment.objects.get().size == len(data)
    assert "doantu.tips.W001" in [m.id for m in checks.run_checks()]
