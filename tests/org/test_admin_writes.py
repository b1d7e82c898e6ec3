"""Writes made in the admin site (units, accounts, QR sources, API keys) go through services and the audit."""

import hashlib
import re

import pytest
from django.contrib.auth.models import Permission
from django.forms import MultiWidget
from django.urls import reverse

from doantu.audit.models import AuditEntry
from doantu.org.models import OrgUnit, Role, UnitKind, User
from doantu.tips.models import ApiToken, Source
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def form_data(response) -> dict:
    """What the admin's form would post back unchanged."""
    form = response.context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, MultiWidget):
            for i, part in enumerate(field.widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        else:
            data[name] = value
    return data


def change(client, model: str, obj, **updates):
    url = reverse(f"admin:{model}_change", args=[obj.pk])
    data = form_data(client.get(url))
    for key, value in updates.items():
        if value is False:
            data.pop(key, None)
        else:
            data[key] = "on" if value is True else value
    return client.post(url, data)


def entries(action: str):
    return list(AuditEntry.objects.filter(action=action))


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_changing_an_accounts_role_unit_and_rights_is_audited(admin_client, users, units):
    account = users["group_leader"]
    response = change(
        admin_client,
        "org_user",
        account,
        role=Role.CAMPAIGN,
        unit=units["vhxh"].pk,
        is_staff=True,
        full_name="Tên mới",
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    (entry,) = entries("account_updated")
    assert entry.actor == users["admin"] and entry.object_id == str(account.pk)
    assert entry.changes["role"] == [Role.GROUP_LEADER, Role.CAMPAIGN]
    assert entry.changes["unit"] == [str(units["tdp-01"]), str(units["vhxh"])]
    assert entry.changes["is_staff"] == [False, True]
    assert entry.changes["full_name"][1] == "Tên mới"
    assert "password" not in entry.changes


def test_an_administrator_by_role_cannot_make_a_superuser(client, users):
    role_admin = User.objects.create_user(username="qt", password=PASSWORD, role=Role.ADMIN, is_staff=True)
    role_admin.user_permissions.set(Permission.objects.filter(codename__in=["change_user", "view_user"]))
    client.force_login(role_admin)
    response = change(client, "org_user", users["police"], is_superuser=True)
    assert response.status_code == 403
    assert not User.objects.get(pk=users["police"].pk).is_superuser
    assert not entries("account_updated")


def test_creating_an_account_is_audited_and_its_password_must_be_changed(admin_client, users, units):
    response = admin_client.post(
        reverse("admin:org_user_add"),
        {
            "username": "moi",
            "full_name": "Cán bộ mới",
            "unit": units["bchqs"].pk,
            "role": Role.MILITARY,
            "password1": "mat-khau-quan-tri-dat-1",
            "password2": "mat-khau-quan-tri-dat-1",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    account = User.objects.get(username="moi")
    (entry,) = entries("account_created")
    assert entry.object_id == str(account.pk) and entry.changes["role"] == [None, Role.MILITARY]
    assert entry.changes["password"] == ["", "(đã đặt mới)"]
    assert "mat-khau-quan-tri-dat-1" not in str(entry.changes) and account.password not in str(entry.changes)
    admin_client.logout()
    admin_client.login(username="moi", password="mat-khau-quan-tri-dat-1")
    assert admin_client.get(reverse("staff:inbox"))["Location"].startswith(reverse("password_change"))


def test_units_created_changed_and_deleted_in_the_admin_are_audited(admin_client, units):
    response = admin_client.post(
        reverse("admin:org_orgunit_add"),
        {
            "parent": units["ward"].pk,
            "kind": UnitKind.RESIDENTIAL_GROUP,
            "agency_type": "",
            "code": "tdp-99",
            "name": "Tổ dân phố 99",
            "short_name": "",
            "sort_order": "0",
            "active": "on",
            "map_latitude": "",
            "map_longitude": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = OrgUnit.objects.get(code="tdp-99")
    assert entries("unit_created")[0].changes["name"] == [None, "Tổ dân phố 99"]
    assert change(admin_client, "org_orgunit", unit, name="Tổ dân phố số 99").status_code == 302
    assert entries("unit_updated")[0].changes == {"name": ["Tổ dân phố 99", "Tổ dân phố số 99"]}
    assert (
        admin_client.post(reverse("admin:org_orgunit_delete", args=[unit.pk]), {"post": "yes"}).status_code
        == 302
    )
    assert not OrgUnit.objects.filter(pk=unit.pk).exists()
    (deleted,) = entries("unit_deleted")
    assert deleted.object_id == str(unit.pk) and deleted.changes["code"] == ["tdp-99", None]


def test_sources_changed_and_bulk_deleted_in_the_admin_are_audited(admin_client, users, source, ward):
    assert change(admin_client, "tips_source", source, name="Băng rôn cổng UBND").status_code == 302
    (entry,) = entries("source_updated")
    assert entry.actor == users["admin"] and entry.changes["name"][1] == "Băng rôn cổng UBND"
    extra = [
        Source.objects.create(ward=ward, code=f"xoa-{n}", name=f"Thử {n}", kind=source.kind) for n in (1, 2)
    ]
    response = admin_client.post(
        reverse("admin:tips_source_changelist"),
        {"action": "delete_selected", "_selected_action": [s.pk for s in extra], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Source.objects.filter(pk__in=[s.pk for s in extra]).exists()
    assert {e.object_id for e in entries("source_deleted")} == {str(s.pk) for s in extra}


def test_an_api_key_is_shown_once_stored_as_a_digest_and_audited(admin_client, users):
    from django.test import Client

    machine = Client()  # no session: the key alone
    response = admin_client.post(
        reverse("admin:tips_apitoken_add"), {"user": users["campaign"].pk, "name": "Tổng đài"}
    )
    assert response.status_code == 200
    key = re.search(r'<output id="api-key">([^<]+)</output>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in str(response.cookies) and key not in str(dict(admin_client.session))
    (created,) = entries("api_token_created")
    assert created.actor == users["admin"] and key not in str(created.changes) + created.message
    assert created.changes["user"] == [None, str(users["campaign"])]
    # The list never shows it again.
    assert key not in admin_client.get(reverse("admin:tips_apitoken_changelist")).content.decode()

    bearer = {"Authorization": f"Bearer {key}"}
    assert machine.get("/api/tips", headers=bearer).status_code == 200
    assert change(admin_client, "tips_apitoken", token, revoked=True).status_code == 302
    assert entries("api_token_updated")[0].changes == {"revoked": [False, True]}
    assert machine.get("/api/tips", headers=bearer).status_code == 401


def test_api_keys_and_sources_are_written_by_administrators_only(users, source):
    from django.core.exceptions import PermissionDenied

    from doantu.tips import services

    with pytest.raises(PermissionDenied):
        services.api_token_create(actor=users["campaign"], user=users["campaign"], name="tự cấp")
    source.name = "Đổi trộm"
    with pytest.raises(PermissionDenied):
        services.source_save(actor=users["police"], source=source)
    assert not ApiToken.objects.exists() and Source.objects.get(pk=source.pk).name != "Đổi trộm"
    assert not AuditEntry.objects.filter(action__in=["api_token_created", "source_updated"]).exists()


def test_no_unaudited_way_to_grant_rights_or_authenticators_in_the_admin(admin_client, users):
    """A TOTP device made by an administrator for someone else would sign in as them; a Django group would grant
    rights outside the roles. Neither is editable in the admin."""
    from django.contrib import admin
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    assert not admin.site.is_registered(TOTPDevice) and not admin.site.is_registered(Group)
    assert admin_client.get("/admin/otp_totp/totpdevice/add/").status_code == 404


def test_campaign_plans_and_their_phases_edited_in_the_admin_are_audited(admin_client, units):
    from doantu.campaign.models import Campaign

    def inline(prefix, total, initial, rows):
        data = {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial)}
        for i, row in enumerate(rows):
            data.update({f"{prefix}-{i}-{k}": v for k, v in row.items()})
        return data

    response = admin_client.post(
        reverse("admin:campaign_campaign_add"),
        {
            "unit": units["ward"].pk,
            "parent": "",
            "slug": "thu",
            "name": "Kế hoạch thử",
            "plan_number": "",
            "plan_date": "",
            "starts": "2026-01-01",
            "ends": "2027-05-15",
            **inline("phases", 1, 0, [{"number": "1", "starts": "2026-01-01", "ends": "2026-06-30"}]),
            **inline("peak_dates", 0, 0, []),
        },
    )
    assert response.status_code == 302, response.context["errors"]
    campaign = Campaign.objects.get(slug="thu")
    assert entries("campaign_created")[0].object_id == str(campaign.pk)
    (phase_entry,) = entries("phase_created")
    assert phase_entry.context_type == "campaign.campaign" and phase_entry.context_id == str(campaign.pk)
    assert phase_entry.changes["ends"] == [None, "2026-06-30"]


def test_every_model_in_the_admin_is_read_only_or_written_through_services(rf, users):
    """A guard for what comes next: a model registered in the admin either writes through services (and so the
    audit) or cannot be written there at all."""
    from django.contrib import admin

    from doantu.org.admin import ServiceAdmin

    request = rf.get("/admin/")
    request.user = users["admin"]
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, ServiceAdmin):
            assert model_admin.save_service and model_admin.delete_service, model
            if model_admin.get_inline_instances(request):  # inlines are saved through services too
                assert type(model_admin).save_formset is not admin.ModelAdmin.save_formset, model
            continue
        writable = [
            model_admin.has_add_permission(request),
            model_admin.has_change_permission(request),
            model_admin.has_delete_permission(request),
        ]
        assert not any(writable), f"{model._meta.label} is writable in the admin without the audit"
