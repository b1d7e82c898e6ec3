"""Demo content for the watch (``manage.py demo_data``; never on a real system): a false post with a screenshot,
a published rebuttal and a referral the police have received."""

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from . import services
from .models import Entry


def _screenshot() -> SimpleUploadedFile:
    image = Image.new("RGB", (720, 900), (245, 245, 245))
    draw = ImageDraw.Draw(image)
    draw.text((40, 40), "Nhom Zalo khu pho (anh chup man hinh mau)", fill=(20, 20, 20))
    for y in range(120, 860, 48):
        draw.rectangle((40, y, 680, y + 18), fill=(200, 200, 200))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("chup-man-hinh.png", out.getvalue(), content_type="image/png")


def demo(*, campaign, police) -> None:
    if Entry.objects.exists():
        return
    entry = services.entry_create(
        actor=campaign,
        values={
            "platform": "zalo",
            "link": "https://zalo.me/g/vidu-nhom-khu-pho",
            "first_seen": timezone.localdate() - dt.timedelta(days=3),
            "estimated_reach": 420,
            "claim": "Tin nhắn lan truyền: thân nhân liệt sĩ phải nộp tiền mới được lấy mẫu ADN.",
            "assessment": "false",
            "severity": "high",
        },
        uploads=[_screenshot()],
    )
    rebuttal = services.action_create(
        entry=entry,
        actor=campaign,
        kind="rebuttal",
        description="Việc lấy mẫu ADN cho thân nhân liệt sĩ do Công an thực hiện, hoàn toàn miễn phí.",
    )
    services.action_advance(
        action=rebuttal,
        actor=campaign,
        status="published",
        published_url="https://ducxuan.example/tin/adn-mien-phi",
    )
    referral = services.action_create(
        entry=entry,
        actor=campaign,
        kind="police_referral",
        description="Đề nghị xác minh người phát tán tin nhắn.",
    )
    services.action_advance(action=referral, actor=police, status="received")
