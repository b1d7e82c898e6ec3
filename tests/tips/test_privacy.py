"""Ông Tám's choice (issue 8): who may know who gave a tip — anonymous / the ward's campaign staff only / also the
agencies asked to verify — enforced by ``access.visible_fields`` for the service, the page and the API; and the
reporter's withdrawal of consent from the status page."""

import pytest
from django.core.exceptions import PermissionDenied

from doantu.audit.models import AuditEntry
from doantu.org.models import Role
from doantu.tips import access, selectors, services
from doantu.tips.models import Privacy, Tip
from tests.conftest import PASSWORD, make_tip, make_user, tip_post_data

pytestmark = pytest.mark.django_db

NAME, PHONE = "Nguyễn Văn Tám", "0912000888"


@pytest.fixture
def province_officer(units):
    """An officer of the provincial military command: a forward target above the ward."""
    return make_user(units["province_military"], Role.MILITARY, "bchqs-tinh")


def _forwarded(source, users, units, officer, privacy):
    tip = make_tip(source, kind="witness", reporter_name=NAME, reporter_phone=PHONE, privacy=privacy)
    services.tip_forward(
        tip=tip, actor=users["campaign"], agency=officer.unit, question="Nhờ xác minh lời kể của nhân chứng."
    )
    return Tip.objects.get(pk=tip.pk)


def test_ward_only_identity_is_refused_to_the_agency_asked(source, users, units, province_officer):
    tip = _forwarded(source, users, units, province_officer, Privacy.WARD)
    before = AuditEntry.objects.count()

    with pytest.raises(PermissionDenied):
        services.tip_reveal_reporter(tip=tip, actor=province_officer)

    assert AuditEntry.objects.count() == before  # nothing read, nothing recorded
    view = access.visible_fields(province_officer, tip)
    assert view.location and not view.identity  # the agency still handles the tip, without the person
    assert services.tip_reveal_reporter(tip=tip, actor=users["campaign"])["phone"] == PHONE


def test_agencies_choice_lets_the_agency_asked_read_it(source, users, units, province_officer):
    tip = _forwarded(source, users, units, province_officer, Privacy.AGENCIES)
    assert services.tip_reveal_reporter(tip=tip, actor=province_officer)["name"] == NAME


def test_ward_only_on_the_page(client, source, users, units, province_officer):
    tip = _forwarded(source, users, units, province_officer, Privacy.WARD)
    assert client.login(username=province_officer.username, password=PASSWORD)

    page = client.get(f"/staff/tips/{tip.pk}/")
    reveal = client.post(f"/staff/tips/{tip.pk}/reporter/")

    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="reveal-reporter"' not in html and 'id="reporter-ward-only"' in html
    assert reveal.status_code == 403 and NAME not in reveal.content.decode()
    client.logout()
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    shown = client.post(f"/staff/tips/{tip.pk}/reporter/")
    assert NAME in shown.content.decode()


def test_ward_only_in_the_api(client, source, users, units, province_officer):
    tip = _forwarded(source, users, units, province_officer, Privacy.WARD)
    assert client.login(username=province_officer.username, password=PASSWORD)

    detail = client.get(f"/api/tips/{tip.pk}").json()
    reveal = client.post(f"/api/tips/{tip.pk}/reporter")

    assert detail["privacy"] == "ward" and "identity" in detail["withheld"]
    assert reveal.status_code == 403 and PHONE not in reveal.content.decode()
    client.logout()
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    assert client.post(f"/api/tips/{tip.pk}/reporter").json()["phone"] == PHONE


@pytest.mark.parametrize(
    ("posted", "stored"),
    [({}, Privacy.WARD), ({"privacy": "agencies"}, Privacy.AGENCIES), ({"privacy": "ward"}, Privacy.WARD)],
)
def test_the_form_records_the_choice_and_defaults_to_the_ward(client, source, posted, stored):
    response = client.post("/t/dx", tip_post_data(**posted))
    assert response.status_code == 302, response.context["form"].errors
    tip = Tip.objects.get()
    assert tip.privacy == stored and not tip.anonymous
    assert tip.consent_version == services.CONSENT_VERSION != "2026-11"


def test_the_form_explains_each_choice_in_one_line(client, source):
    html = client.get("/t/dx").content.decode()
    for line in (
        "Cán bộ sẽ không gọi lại được cho bạn",
        "cơ quan khác chỉ nhận nội dung",
        "cơ quan được nhờ xác minh",
    ):
        assert line in html


def test_anonymous_wins_over_a_privacy_choice(client, source):
    client.post(
        "/t/dx", tip_post_data(anonymous="on", privacy="agencies", reporter_name="", reporter_phone="")
    )
    tip = Tip.objects.get()
    assert tip.privacy == Privacy.ANONYMOUS and tip.anonymous and tip.reporter_name == ""


def test_an_unknown_choice_is_refused_in_vietnamese(client, source):
    response = client.post("/api/public/sources/dx/tips", tip_post_data(privacy="everyone"))
    assert response.status_code == 422
    assert "privacy" in response.json()["errors"]


def test_api_lists_the_choices_with_their_explanations(client, source):
    choices = client.get("/api/public/sources/dx").json()["privacy_choices"]
    assert [c["value"] for c in choices] == ["anonymous", "ward", "agencies"]
    assert all(c["explanation"] for c in choices)


def test_ward_only_reporter_is_not_copied_into_the_registry(source, users):
    from doantu.registry import services as registry
    from doantu.registry.models import LinkDecision

    martyr = registry.martyr_create(actor=users["campaign"], values={"full_name": "Hoàng Văn Thụ"})
    tip = make_tip(source, kind="witness", reporter_name=NAME, privacy=Privacy.WARD)
    registry.tip_link_decide(tip=tip, actor=users["campaign"], martyr=martyr, decision=LinkDecision.CONFIRMED)

    with pytest.raises(registry.RegistryError):
        registry.witness_from_tip(actor=users["campaign"], tip=tip, martyr=martyr)


def test_existing_tips_keep_the_consent_they_gave(source):
    """Migration tips 0004: named tips were consented under "chuyển cho Ban Chỉ huy Quân sự, Công an phường và cơ
    quan có thẩm quyền cấp trên để xác minh": they stay shared with agencies; anonymous ones stay anonymous."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("doantu.tips.migrations.0004_privacy")
    named = make_tip(source, privacy=Privacy.WARD)
    anonymous = make_tip(source, anonymous=True, reporter_name="", reporter_phone="", consent_contact=False)
    Tip.objects.update(privacy=Privacy.WARD)

    migration.existing_choices(apps, None)

    assert Tip.objects.get(pk=named.pk).privacy == Privacy.AGENCIES
    assert Tip.objects.get(pk=anonymous.pk).privacy == Privacy.ANONYMOUS


# ------------------------------------------------------------------------------------- withdrawing consent


def test_withdrawal_needs_the_receipt_and_the_phone_digits(source):
    tip = make_tip(source, reporter_name=NAME, reporter_phone=PHONE)
    for digits in ("0000", "", "888"):
        with pytest.raises(PermissionDenied):
            services.tip_withdraw_consent(receipt_code=tip.receipt_code, phone_digits=digits)
    tip.refresh_from_db()
    assert tip.reporter_name == NAME and tip.consent_withdrawn_at is None


def test_withdrawal_erases_the_identity_for_everyone_and_tells_the_staff(source, users, units):
    tip = make_tip(source, reporter_name=NAME, reporter_phone=PHONE, reporter_address="Tổ 3")
    services.tip_forward(tip=tip, actor=users["campaign"], agency=units["cong-an"], question="Xác minh giúp.")

    services.tip_withdraw_consent(receipt_code=tip.receipt_code.lower(), phone_digits=PHONE[-4:])

    tip.refresh_from_db()
    assert (tip.reporter_name, tip.reporter_phone, tip.reporter_address) == ("", "", "")
    assert tip.consent_withdrawn_at and not tip.consent_contact
    for role in ("campaign", "police", "admin"):
        assert not access.can_view_identity(users[role], tip)
        with pytest.raises(PermissionDenied):
            services.tip_reveal_reporter(tip=tip, actor=users[role])
    entry = AuditEntry.objects.get(action="consent_withdrawn")
    assert entry.context_id == str(tip.pk) and NAME not in str(entry.changes) + entry.message
    staff_timeline = [e.action for e, *_ in selectors.timeline_for(tip, users["campaign"])]
    assert "consent_withdrawn" in staff_timeline
    # the person still checks their tip's progress with the same code and digits
    assert services.tip_public_status(receipt_code=tip.receipt_code, phone_digits=PHONE[-4:]) == tip
    with pytest.raises(services.WorkflowError):
        services.tip_withdraw_consent(receipt_code=tip.receipt_code, phone_digits=PHONE[-4:])


def test_withdrawal_from_the_status_page(client, source, users):
    tip = make_tip(source, reporter_name=NAME, reporter_phone=PHONE)
    looked_up = client.post("/tra-cuu/", {"receipt_code": tip.receipt_code, "phone_digits": PHONE[-4:]})
    html = looked_up.content.decode()
    assert 'id="withdraw-form"' in html and tip.public_next in html

    refused = client.post(
        "/tra-cuu/rut-lai/",
        {
            "withdraw-receipt_code": tip.receipt_code,
            "withdraw-phone_digits": "1111",
            "withdraw-confirm": "on",
        },
    )
    assert refused.status_code == 403
    done = client.post(
        "/tra-cuu/rut-lai/",
        {
            "withdraw-receipt_code": tip.receipt_code,
            "withdraw-phone_digits": PHONE[-4:],
            "withdraw-confirm": "on",
        },
    )

    assert done.status_code == 200 and "đã được xóa" in done.content.decode()
    tip.refresh_from_db()
    assert tip.identity_withdrawn and tip.reporter_name == ""
