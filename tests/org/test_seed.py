import datetime as dt
import io
import re

import pytest
from django.core.management import call_command

from doantu.campaign.models import Campaign
from doantu.org.models import OrgUnit, UnitKind
from doantu.tips.models import Source

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(OrgUnit.objects.values_list("path", "name")),
        sorted(Source.objects.values_list("code", "name")),
        Campaign.objects.count(),
    )


def test_seed_loads_duc_xuan_and_is_idempotent():
    call_command("seed_ward")
    first = snapshot()
    call_command("seed_ward")
    assert snapshot() == first
    ward = OrgUnit.objects.get(kind=UnitKind.WARD)
    assert (ward.code, ward.path, ward.parent.code) == ("01840", "19/01840", "19")
    agencies = set(
        OrgUnit.objects.filter(parent=ward, kind=UnitKind.AGENCY).values_list("agency_type", flat=True)
    )
    assert {
        "culture_office",
        "service_centre",
        "military",
        "police",
        "front",
        "party_board",
        "economic_office",
    } <= agencies
    assert set(OrgUnit.objects.filter(receives_forwards=True).values_list("code", flat=True)) == {
        "bchqs",
        "cong-an",
        "mttq",
        "bchqs-tinh",
        "so-noi-vu",
    }
    campaign = Campaign.objects.get(unit=ward)
    phases = [(p.number, p.starts, p.ends) for p in campaign.phases.all()]
    assert phases == [
        (1, dt.date(2026, 7, 2), dt.date(2026, 7, 27)),
        (2, dt.date(2026, 7, 28), dt.date(2026, 12, 31)),
        (3, dt.date(2027, 1, 1), dt.date(2027, 7, 27)),
    ]
    assert [d.date for d in campaign.peak_dates.all()] == [
        dt.date(2026, 7, 27),
        dt.date(2026, 12, 22),
        dt.date(2027, 7, 27),
    ]
    assert campaign.phase_on(dt.date(2026, 11, 27)).number == 2
    assert OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP).count() == 10
    assert Source.objects.filter(code="dx-tdp3", owner_unit__code="tdp-03").exists()


def test_groups_file_replaces_the_list_and_retires_the_rest(tmp_path):
    call_command("seed_ward")
    groups = tmp_path / "to-dan-pho.txt"
    groups.write_text("Tổ 1 Đức Xuân\nTổ 2 Huyền Tụng\n\n", encoding="utf-8")
    call_command("seed_ward", groups_file=groups)
    active = OrgUnit.objects.filter(kind=UnitKind.RESIDENTIAL_GROUP, active=True).order_by("sort_order")
    assert list(active.values_list("name", flat=True)) == ["Tổ 1 Đức Xuân", "Tổ 2 Huyền Tụng"]
    assert OrgUnit.objects.filter(kind=UnitKind.RESIDENTIAL_GROUP, active=False).count() == 8


def test_ensure_admin_uses_environment(monkeypatch, capsys):
    from doantu.org.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "quantri")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "mot-mat-khau-dai-123")
    call_command("ensure_admin")
    call_command("ensure_admin")
    user = User.objects.get(username="quantri")
    assert user.is_superuser and user.check_password("mot-mat-khau-dai-123")
    assert User.objects.count() == 1


def test_ensure_admin_boxed_shows_generated_password_and_how_to_reset(monkeypatch):
    from doantu.org.models import User

    monkeypatch.delenv("DJANGO_SUPERUSER_USERNAME", raising=False)
    monkeypatch.delenv("DJANGO_SUPERUSER_PASSWORD", raising=False)
    out = io.StringIO()
    call_command("ensure_admin", boxed=True, stdout=out)
    text = out.getvalue()
    password = re.search(r"Mật khẩu[^:]*: (\S+)", text).group(1)
    assert User.objects.get(username="admin").check_password(password)
    lines = text.strip().splitlines()
    assert lines[0].startswith("╔") and lines[-1].startswith("╚")
    assert "uv run python manage.py changepassword admin" in text
    assert "Đặt lại mật khẩu" in text
    again = io.StringIO()
    call_command("ensure_admin", boxed=True, stdout=again)
    assert password not in again.getvalue() and "changepassword admin" in again.getvalue()


def test_demo_data_prints_each_account_with_role_and_unit(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "mat-khau-thu-123")
    out = io.StringIO()
    call_command("demo_data", stdout=out)
    text = out.getvalue()
    lines = {line.split()[0]: line for line in text.splitlines() if line.strip()}
    assert "Cán bộ chiến dịch (Phòng VH-XH)" in lines["vhxh"] and "mat-khau-thu-123" in lines["vhxh"]
    assert "Tổ trưởng tổ dân phố" in lines["tdp1"] and "Tổ dân phố 1" in lines["tdp1"]
    assert "Ban Chỉ huy Quân sự" in lines["bchqs"]
    assert "Vai trò" in text and "Đơn vị" in text
