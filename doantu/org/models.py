"""Organisational units (province → ward → groups, schools, agencies) and staff accounts with roles."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse


class UnitKind(models.TextChoices):
    PROVINCE = "province", "Tỉnh"
    WARD = "ward", "Phường/xã"
    AGENCY = "agency", "Cơ quan, đơn vị"
    RESIDENTIAL_GROUP = "residential_group", "Tổ dân phố"
    SCHOOL = "school", "Trường học"
    ASSOCIATION = "association", "Hội, đoàn thể"


class AgencyType(models.TextChoices):
    """What an agency does in the campaign; decides which roles its staff may hold and who can receive tips."""

    NONE = "", "—"
    CULTURE_OFFICE = "culture_office", "Phòng Văn hóa - Xã hội"
    SERVICE_CENTRE = "service_centre", "Trung tâm Dịch vụ tổng hợp"
    MILITARY = "military", "Ban Chỉ huy Quân sự"
    POLICE = "police", "Công an"
    FRONT = "front", "Ủy ban MTTQ Việt Nam"
    PARTY_BOARD = "party_board", "Ban Xây dựng Đảng"
    ECONOMIC_OFFICE = "economic_office", "Phòng Kinh tế"
    LEADERSHIP = "leadership", "Lãnh đạo UBND"
    HOME_AFFAIRS = "home_affairs", "Sở Nội vụ"
    OTHER = "other", "Khác"


class OrgUnit(models.Model):
    """A node of the organisational tree.

    ``path`` is a materialised path of codes ("19/01840/vhxh"), so "everything under this unit" is one indexed
    prefix query on every database, which is what scoping by unit needs most.
    """

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField("loại", max_length=20, choices=UnitKind.choices)
    agency_type = models.CharField(
        "chức năng", max_length=20, choices=AgencyType.choices, blank=True, default=""
    )
    code = models.CharField("mã", max_length=40, help_text="Mã hành chính (tỉnh, phường) hoặc mã viết tắt")
    name = models.CharField("tên", max_length=200)
    short_name = models.CharField("tên ngắn", max_length=80, blank=True)
    path = models.CharField(max_length=400, unique=True, editable=False)
    receives_forwards = models.BooleanField(
        "nhận thông tin chuyển xác minh",
        default=False,
        help_text="Cơ quan có thể được chuyển thông tin để xác minh (Ban CHQS, Công an, MTTQ, cấp trên).",
    )
    sort_order = models.PositiveIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang hoạt động", default=True)
    # Where maps of this unit open (a ward's centre); not a sensitive location.
    map_latitude = models.DecimalField(
        "vĩ độ trung tâm bản đồ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    map_longitude = models.DecimalField(
        "kinh độ trung tâm bản đồ", max_digits=9, decimal_places=6, null=True, blank=True
    )
    # The ward's contact for the public, shown on the error pages ("QR code not found"...): a phone, an
    # address, opening hours. Each is shown only when set (seed file keys: contact_phone, contact_address,
    # contact_hours; or the admin).
    contact_phone = models.CharField(
        "điện thoại liên hệ", max_length=40, blank=True, help_text="Số người dân gọi khi cần hỗ trợ."
    )
    contact_address = models.CharField("địa chỉ tiếp dân", max_length=300, blank=True)
    contact_hours = models.CharField(
        "giờ tiếp dân",
        max_length=200,
        blank=True,
        help_text="Ví dụ: Thứ Hai – Thứ Sáu, 7:30–11:30 và 13:30–17:00",
    )

    class Meta:
        ordering = ["path"]
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        constraints = [
            models.UniqueConstraint(fields=["parent", "code"], name="orgunit_unique_code_in_parent")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.code}" if self.parent_id else self.code
        super().save(*args, **kwargs)

    @property
    def has_contact(self) -> bool:
        return bool(self.contact_phone or self.contact_address or self.contact_hours)

    @property
    def label(self) -> str:
        return self.short_name or self.name

    def ancestors_and_self(self) -> list["OrgUnit"]:
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def nearest(self, kind: str) -> "OrgUnit | None":
        """The closest unit of ``kind`` at or above this one (a staff member's ward, a ward's province)."""
        for node in reversed(self.ancestors_and_self()):
            if node.kind == kind:
                return node
        return None

    def descendants(self, include_self: bool = True):
        qs = OrgUnit.objects.filter(path__startswith=self.path + "/")
        if include_self:
            qs = qs | OrgUnit.objects.filter(pk=self.pk)
        return qs


class Role(models.TextChoices):
    ADMIN = "admin", "Quản trị hệ thống"
    CAMPAIGN = "campaign", "Cán bộ chiến dịch (Phòng VH-XH)"
    CHANNEL = "channel", "Cán bộ kênh truyền thông (TT DVTH)"
    MILITARY = "military", "Ban Chỉ huy Quân sự"
    POLICE = "police", "Công an"
    FRONT = "front", "Mặt trận Tổ quốc"
    GROUP_LEADER = "group_leader", "Tổ trưởng tổ dân phố"
    SCHOOL = "school", "Trường học"
    LEADERSHIP = "leadership", "Lãnh đạo (chỉ xem)"
    # Plan VIII.3: the Party building board also watches and counters false information about the campaign.
    PARTY_BOARD = "party_board", "Ban Xây dựng Đảng"
    PROVINCE = "province", "Cấp tỉnh (chỉ xem)"


class User(AbstractUser):
    """A staff account. The public never has one: tips come in without an account."""

    full_name = models.CharField("họ và tên", max_length=150, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    role = models.CharField("vai trò", max_length=20, choices=Role.choices, blank=True)
    phone = models.CharField("điện thoại", max_length=20, blank=True)

    class Meta:
        ordering = ["username"]
        verbose_name = "tài khoản"
        verbose_name_plural = "tài khoản"

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def ward(self) -> OrgUnit | None:
        return self.unit.nearest(UnitKind.WARD) if self.unit_id else None

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    def clean(self):
        from django.core.exceptions import ValidationError

        from .roles import role_unit_problem

        super().clean()
        if problem := role_unit_problem(self.role, self.unit):
            raise ValidationError({"role": problem})

    def get_absolute_url(self) -> str:
        return reverse("admin:org_user_change", args=[self.pk])
