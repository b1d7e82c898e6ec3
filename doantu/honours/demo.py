"""Demo content for the commendations (``manage.py demo_data``; never on a real system)."""

from . import services
from .models import Nomination


def demo(*, campaign, ward) -> None:
    if Nomination.objects.exists():
        return
    from doantu.org.models import OrgUnit

    group = OrgUnit.objects.filter(parent=ward, code="tdp-01").first()
    collective = services.nomination_create(
        actor=campaign,
        values={
            "kind": "collective",
            "category": "residential_group",
            "name": group.name if group else "Tổ dân phố 1",
            "unit": group,
            "position": "",
            "summary": "Rà soát, tổng hợp thông tin liệt sĩ và thân nhân trên địa bàn tổ; vận động các gia đình cung cấp kỷ vật.",
            "award": "ward_praise",
            "review": "final_2027",
        },
    )
    services.achievement_add(
        nomination=collective,
        actor=campaign,
        source="manual",
        summary="Phát và thu về 60 phiếu thông tin giấy.",
    )
    services.nomination_create(
        actor=campaign,
        values={
            "kind": "individual",
            "category": "veteran",
            "name": "Ông Hoàng Văn Sơn",
            "unit": None,
            "position": "Hội viên Hội Cựu chiến binh phường",
            "summary": "Cung cấp sơ đồ vẽ tay vị trí mộ liệt sĩ; cùng đoàn khảo sát thực địa.",
            "award": "ward_praise",
            "review": "final_2027",
        },
    )
