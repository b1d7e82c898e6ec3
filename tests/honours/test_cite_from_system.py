"""Citing an achievement the system offers, from the nomination's page (issue 10: "achievements drawn from the
system"): each contribution has its own button, no code to copy; a tip needs the tipster's agreement written in."""

import pytest
from django.urls import reverse

from doantu.honours import services
from doantu.honours.models import Achievement
from doantu.plan import services as plan
from doantu.plan.models import Plan
from doantu.tips import services as tips

from ..conftest import PASSWORD, make_tip

pytestmark = pytest.mark.django_db

VALUES = {
    "kind": "collective",
    "category": "organisation",
    "name": "Ban Chỉ huy Quân sự phường",
    "position": "Phường Đức Xuân",
    "summary": "Phối hợp rà soát, xác minh thông tin liệt sĩ.",
    "award": "ward_praise",
    "review": "final_2027",
    "unit": None,
}


def test_a_contribution_is_cited_with_one_button_and_a_tip_only_with_agreement(client, users, ward, source):
    task = Plan.objects.get(ward=ward).tasks.get(section="II", number=3)
    update = plan.update_post(
        actor=users["military"], task=task, status="done", narrative="Đã rà soát xong 9 hồ sơ liệt sĩ."
    )
    tip = make_tip(source, martyr_name="Nguyễn Văn Thắng")
    tips.tip_conclude(tip=tip, actor=users["campaign"], outcome="verified", note="Đã đối chiếu hồ sơ.")
    nomination = services.nomination_create(actor=users["campaign"], values=VALUES)
    assert client.login(username=users["campaign"].username, password=PASSWORD)
    page = client.get(nomination.get_absolute_url()).content.decode()
    assert page.count('id="ma"') == 1  # one search box for every source
    assert f'<input type="hidden" name="ach-ref" value="plan.update:{update.pk}">' in page
    assert f'<input type="hidden" name="ach-ref" value="tips.tip:{tip.pk}">' in page
    assert "Dẫn vào hồ sơ" in page
    url = reverse("honours:nomination_action", args=[nomination.pk, "achievement"])

    cited = client.post(url, {"ach-source": "plan", "ach-ref": f"plan.update:{update.pk}"})
    assert cited.status_code == 302
    achievement = Achievement.objects.get(nomination=nomination)
    assert achievement.source == "plan" and "II.3" in achievement.summary
    # the plan is named by its date, not by its title a sentence long (the seed's number is still blank)
    assert "kế hoạch ngày 02/07/2026 của UBND phường Đức Xuân" in achievement.summary
    assert "500 ngày đêm" not in achievement.summary

    refused = client.post(url, {"ach-source": "tips", "ach-ref": f"tips.tip:{tip.pk}"})
    assert refused.status_code == 400 and "đã đồng ý được nêu" in refused.content.decode()
    assert Achievement.objects.filter(nomination=nomination).count() == 1
    agreed = client.post(
        url,
        {
            "ach-source": "tips",
            "ach-ref": f"tips.tip:{tip.pk}",
            "ach-agreement": "Đồng ý qua điện thoại ngày 05/01/2027",
        },
    )
    assert agreed.status_code == 302
    assert Achievement.objects.get(nomination=nomination, source="tips").agreement.startswith("Đồng ý qua")

    # the list for the decision closes with its count, without "(tất cả các đợt)" when no review was chosen
    import datetime as dt

    from docx import Document

    from doantu.honours import export

    services.nomination_propose(nomination=nomination, actor=users["campaign"])
    services.nomination_decide(
        nomination=nomination,
        actor=users["leadership"],
        decision="ward_praise",
        number="125/QĐ-UBND",
        date=dt.date.today(),
    )
    import io

    doc = Document(io.BytesIO(export.to_docx(actor=users["leadership"], purpose="decision")))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Danh sách gồm 1 tập thể và 0 cá nhân." in text and "tất cả các đợt" not in text
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "kế hoạch ngày 02/07/2026" in cells and "Đồng ý qua" not in cells
