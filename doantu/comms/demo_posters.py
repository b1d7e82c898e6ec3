"""Demo content for posters and what each piece brought in (``manage.py demo_data``, never on a real system):
the published items get their own QR code, people open some of them and send a tip or two; the published items
are shown on the public campaign page."""

import secrets

from doantu.org.models import Role
from doantu.tips import services as tips_services
from doantu.tips.visits import record_visit

from . import brought, public
from .models import ContentItem, ContentStatus

# (visits, tips) per published item, best first: enough for the ranking to say something.
DEMO_TRAFFIC = [(23, 2), (9, 1), (4, 0)]


def demo_brought(users: dict, ward) -> int:
    """Returns how many items got their own QR code (none when the demo has run before)."""
    items = list(
        ContentItem.objects.filter(ward=ward, status=ContentStatus.PUBLISHED, source__isnull=True).order_by(
            "planned_date"
        )[: len(DEMO_TRAFFIC)]
    )
    if not items or ContentItem.objects.filter(ward=ward, source__isnull=False).exists():
        return 0
    staff = users[Role.CHANNEL]
    for item, (visits, n_tips) in zip(items, DEMO_TRAFFIC, strict=False):
        source = brought.item_source_create(actor=staff, item=item)
        public.item_set_public(actor=staff, item=item, public=True)
        for _ in range(visits):
            record_visit(source)
        for i in range(n_tips):
            tips_services.tip_submit(
                source=source,
                submission_key=secrets.token_hex(16),
                files=[],
                submission=tips_services.Submission(
                    kinds=["witness"],
                    consent_processing=True,
                    anonymous=True,
                    account=f"Xem “{item.title}”, tôi nhớ ra: năm 1972 bố tôi kể có chôn một chiến sĩ ở đồi "
                    f"sau nhà (thông tin thử nghiệm số {i + 1}).",
                ),
            )
    return len(items)
