"""Bà Lan without JavaScript: a validation error must not make her choose and upload her photo again."""

import datetime as dt
import os
import time

import pytest
from django.core import signing

from doantu.tips import held
from doantu.tips.models import Attachment, Tip
from doantu.tips.sweep import sweep_orphans
from tests.conftest import jpeg_with_gps, png_bytes, tip_post_data, upload

pytestmark = pytest.mark.django_db


def held_paths(media_root):
    folder = media_root / "held"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def failed_attempt(client, **extra):
    """First submit: the contact-consent box left empty, with a photo."""
    data = tip_post_data(
        files=[upload("giay-bao-tu.jpg", jpeg_with_gps(size=(64, 48)), "image/jpeg")], **extra
    )
    data.pop("consent_contact")
    response = client.post("/t/dx", data)
    assert response.status_code == 400
    return data, response


def test_photo_is_kept_across_a_validation_error_and_attached_on_retry(client, source, media_root):
    # given a submission that failed on the consent box
    data, response = failed_attempt(client)
    html = response.content.decode()
    assert "giay-bao-tu.jpg" in html and "không cần chọn lại" in html
    assert "Các tệp đã chọn cần được chọn lại" not in html
    token = response.context["held_token"]
    assert token and len(held_paths(media_root)) == 1
    # when she ticks the box and sends again without choosing the file
    retry = {k: v for k, v in data.items() if k != "files"} | {"consent_contact": "on", "held_files": token}
    response = client.post("/t/dx", retry)
    # then the tip has her photo, and the holding area is empty again
    assert response.status_code == 302
    attachment = Attachment.objects.get(tip=Tip.objects.get())
    assert attachment.original_name == "giay-bao-tu.jpg" and attachment.kind == "image"
    assert held_paths(media_root) == []


def test_held_file_can_be_removed_and_another_added(client, source, media_root):
    data, response = failed_attempt(client)
    retry = {k: v for k, v in data.items() if k != "files"} | {
        "consent_contact": "on",
        "held_files": response.context["held_token"],
        "held_remove": "0",
        "files": [upload("ban-do.png", png_bytes())],
    }
    assert client.post("/t/dx", retry).status_code == 302
    assert list(Attachment.objects.values_list("original_name", flat=True)) == ["ban-do.png"]
    assert held_paths(media_root) == []


def test_tampered_token_is_refused(client, source, media_root):
    data, response = failed_attempt(client)
    token = response.context["held_token"]
    payload = signing.loads(token, salt=held.SALT)
    # someone else's held file, or a path outside the holding area, in a token they signed themselves
    payload["f"][0]["path"] = "tips/2026/11/someone-elses.jpg"
    forged = signing.dumps(payload, salt=held.SALT + "-wrong", compress=True)
    tampered = token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")
    for bad in (tampered, forged):
        retry = {k: v for k, v in data.items() if k != "files"} | {"consent_contact": "on", "held_files": bad}
        refused = client.post("/t/dx", retry)
        assert refused.status_code == 400
        assert "không còn được giữ" in refused.content.decode()
    assert Tip.objects.count() == 0


def test_token_belongs_to_its_form_and_expires(client, source, media_root, settings):
    data, response = failed_attempt(client)
    token = response.context["held_token"]
    # another form (another submission key) cannot use it
    with pytest.raises(held.HeldFilesInvalid):
        held.read_token(token, submission_key="another-key-0123456789")
    # a path outside held/ is refused even if signed with the right key
    payload = signing.loads(token, salt=held.SALT)
    payload["f"][0]["path"] = "tips/x/../../etc.jpg"
    with pytest.raises(held.HeldFilesInvalid):
        held.read_token(signing.dumps(payload, salt=held.SALT), submission_key=data["submission_key"])
    # after its lifetime it is refused
    settings.HELD_FILES_MAX_AGE_HOURS = 0
    with pytest.raises(held.HeldFilesInvalid):
        time.sleep(1)
        held.read_token(token, submission_key=data["submission_key"])


def test_sweep_removes_expired_held_files(client, source, media_root, settings):
    failed_attempt(client)
    [path] = held_paths(media_root)
    assert sweep_orphans().held_removed == 0  # young: kept
    old = time.time() - dt.timedelta(hours=settings.HELD_FILES_MAX_AGE_HOURS, minutes=1).total_seconds()
    os.utime(path, (old, old))
    assert sweep_orphans().held_removed == 1
    assert held_paths(media_root) == []


def test_held_files_count_against_the_limits(client, source, media_root, settings):
    settings.TIP_MAX_FILES = 1
    data, response = failed_attempt(client)
    retry = {k: v for k, v in data.items() if k != "files"} | {
        "consent_contact": "on",
        "held_files": response.context["held_token"],
        "files": [upload("ban-do.png", png_bytes())],
    }
    refused = client.post("/t/dx", retry)
    assert refused.status_code == 400 and "tối đa 1 tệp" in refused.content.decode()
    assert Tip.objects.count() == 0


def test_browser_checks_use_the_servers_messages(source):
    """intake.js checks before uploading; its messages must be the server's own, word for word."""
    from pathlib import Path

    from django.conf import settings as conf

    from doantu.tips.forms import TipForm

    script = (Path(conf.BASE_DIR) / "doantu" / "static" / "js" / "intake.js").read_text()
    cases = [
        {},
        {
            "account": "abc",
            "reporter_name": "Lan",
            "reporter_phone": "12",
            "latitude": "22.1",
            "dna_offer": "on",
        },
        {"anonymous": "on", "dna_offer": "on", "account": "Một lời kể đủ dài."},
    ]
    messages = set()
    for data in cases:
        form = TipForm({"submission_key": "k" * 20, **data}, ward=source.ward)
        form.is_valid()
        messages |= {m for name, errors in form.errors.items() if name != "files" for m in errors}
    assert len(messages) >= 10
    missing = [m for m in messages if m not in script]
    assert not missing, missing
