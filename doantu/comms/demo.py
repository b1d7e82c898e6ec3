"""Demo content for the communication work (``manage.py demo_data``): this month's plan in every state, reach, a
ward-set weekly target for the loudspeakers, a ticked peak item. Through the services, as staff would."""

import datetime as dt

from django.utils import timezone

from doantu.org.models import Role

from . import services
from .models import Channel, ContentItem, Peak, Target


def demo_content(users: dict, ward) -> int:
    if ContentItem.objects.filter(ward=ward).exists():
        return 0
    channel_staff, culture = users[Role.CHANNEL], users[Role.CAMPAIGN]
    ch = {c.code: c for c in Channel.objects.filter(ward=ward)}
    today = timezone.localdate()
    first = today.replace(day=1)
    plan = [
        # (day of month, title, kind, topic, channels, state)
        (
            2,
            "Phóng sự: hành trình đưa liệt sĩ Nông Văn Dền về quê",
            "report",
            "iv2",
            ["facebook", "zalo-oa"],
            "published",
        ),
        (
            5,
            "Video clip: cụ Hoàng Văn Tư kể về trận đánh năm 1972",
            "video",
            "iv3",
            ["facebook"],
            "published",
        ),
        (
            9,
            "Bài phát thanh: kêu gọi cung cấp thông tin, kỷ vật",
            "broadcast_script",
            "iv3",
            ["loa"],
            "published",
        ),
        (
            12,
            "Chuyên đề: vì sao cần mẫu ADN của người thân bên ngoại",
            "in_depth",
            "iv3",
            ["facebook", "cong-ttdt"],
            "approved",
        ),
        (
            16,
            "Tin: kết quả tiếp nhận thông tin tháng này",
            "news",
            "iv4",
            ["cong-ttdt", "zalo-nhom"],
            "submitted",
        ),
        (
            20,
            "Video clip: học sinh THCS Đức Xuân viết thư gửi liệt sĩ",
            "video",
            "iv2",
            ["facebook"],
            "draft",
        ),
        (
            24,
            "Bài viết: cảnh giác với tin giả về thu phí giám định ADN",
            "article",
            "iv5",
            ["facebook", "zalo-nhom"],
            "draft",
        ),
    ]
    made = 0
    for day, title, kind, topic, codes, state in plan:
        planned = first + dt.timedelta(days=day - 1)
        item = ContentItem(
            ward=ward,
            title=title,
            kind=kind,
            topic=topic,
            planned_date=planned,
            planned_time=dt.time(19, 30) if kind != "broadcast_script" else dt.time(6, 0),
            owner_unit=channel_staff.unit,
            owner=channel_staff,
            summary="Nội dung mẫu.",
        )
        services.item_save(actor=channel_staff, item=item, channels=[ch[c] for c in codes])
        made += 1
        if state == "draft":
            continue
        services.item_submit(actor=channel_staff, item=item)
        if state == "submitted":
            continue
        services.item_approve(actor=culture, item=item, note="Đồng ý đăng.")
        if state == "approved" or planned > today:
            continue
        url = f"https://www.facebook.com/phuongducxuan/posts/demo{day}"
        item = services.item_publish(actor=channel_staff, item=item, evidence_url=url)
        channel = ch["loa"] if kind == "broadcast_script" else ch["facebook"]
        figures = (
            {"broadcasts": 3}
            if kind == "broadcast_script"
            else {"views": 1200 + 100 * day, "reactions": 85, "shares": 14, "comments": 9}
        )
        services.reach_save(
            actor=channel_staff, item=item, channel=channel, measured_on=today, figures=figures
        )
    # A target the ward sets itself (not in the plan): loudspeaker broadcasts each week.
    target = Target(
        ward=ward,
        code="loa-hang-tuan",
        name="Bài phát thanh trên truyền thanh cơ sở",
        period="week",
        minimum=2,
        kinds=["broadcast_script"],
        channel_kinds=["loudspeaker"],
        owner_unit=channel_staff.unit,
        warn_from_day=4,
        basis="Phường tự đặt (ví dụ)",
    )
    services.target_save(actor=culture, target=target)
    peak = Peak.objects.filter(ward=ward, peak_date__date__gte=today).order_by("peak_date__date").first()
    if peak:
        entry = peak.checklist.filter(template_code="lich-phat-thanh").first()
        if entry:
            services.checklist_tick(
                actor=channel_staff,
                entry=entry,
                evidence_url="https://ducxuan.thainguyen.gov.vn/lich-phat-thanh",
            )
    return made
