"""The ward's communication work (plan sections IV, V, VI, VIII and the appendix): the channels it speaks
through, the pieces of content it plans, approves and publishes, what each reached, the monthly targets and the
peak dates' checklists.

State changes never happen here: they go through ``comms.services``, which checks ``comms.access`` and writes
the audit trail.
"""

import secrets

from django.conf import settings
from django.db import models

from doantu.campaign.models import PeakDate, Phase
from doantu.org.models import OrgUnit


class ChannelKind(models.TextChoices):
    """The plan's channels (section V.1, VIII.2 and appendix II.1–II.4)."""

    LOUDSPEAKER = "loudspeaker", "Truyền thanh cơ sở"
    PORTAL = "portal", "Cổng thông tin điện tử, trang web"
    FACEBOOK = "facebook", "Trang Facebook"
    ZALO_OA = "zalo_oa", "Zalo OA (tài khoản chính thức)"
    ZALO_GROUP = "zalo_group", "Nhóm Zalo"
    BANNER = "banner", "Băng-rôn, pa-nô, khẩu hiệu"
    MEETING = "meeting", "Hội nghị, họp tổ dân phố"
    SCHOOL = "school", "Hoạt động trường học"
    PRESS = "press", "Báo chí"
    OTHER = "other", "Khác"


class Channel(models.Model):
    """One way the ward speaks to people, with the unit that answers for it (plan VIII)."""

    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="channels"
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("tên kênh", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=ChannelKind.choices)
    # Plan V.1 sets its monthly target "on social platforms": the seed file says which channels count.
    social = models.BooleanField("nền tảng mạng xã hội", default=False)
    responsible_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị phụ trách",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responsible_channels",
    )
    description = models.TextField("mô tả", blank=True)
    address = models.URLField("địa chỉ (trang, nhóm)", blank=True)
    sort_order = models.PositiveIntegerField("thứ tự", default=0)
    active = models.BooleanField("đang dùng", default=True)

    class Meta:
        ordering = ["ward", "sort_order", "name"]
        verbose_name = "kênh truyền thông"
        verbose_name_plural = "kênh truyền thông"
        constraints = [models.UniqueConstraint(fields=["ward", "code"], name="comms_channel_unique_code")]

    def __str__(self) -> str:
        return self.name


class ContentKind(models.TextChoices):
    """Kinds of content the plan names (V.1, appendix II)."""

    NEWS = "news", "Tin"
    ARTICLE = "article", "Bài viết"
    PHOTO_STORY = "photo_story", "Phóng sự ảnh"
    REPORT = "report", "Phóng sự"
    VIDEO = "video", "Video clip"
    IN_DEPTH = "in_depth", "Bài chuyên đề chuyên sâu"
    BROADCAST_SCRIPT = "broadcast_script", "Bài phát thanh"
    BANNER = "banner", "Băng-rôn, pa-nô"
    ACTIVITY = "activity", "Hội nghị, họp tổ, hoạt động trường học"
    CONTEST = "contest", "Cuộc thi"


# Kinds that are held rather than posted: they record a date, a place, the attendance and a photo.
ACTIVITY_KINDS = {ContentKind.ACTIVITY, ContentKind.CONTEST}


class Topic(models.TextChoices):
    """The plan's content (section IV.1–IV.5)."""

    POLICY = "iv1", "IV.1 Chủ trương, chính sách"
    HEROES = "iv2", "IV.2 Gương anh hùng, câu chuyện đoàn tụ"
    CALL = "iv3", "IV.3 Vận động cung cấp thông tin, kỷ vật, sơ đồ, lời kể, mẫu ADN"
    PROGRESS = "iv4", "IV.4 Tiến độ, kết quả"
    REBUTTAL = "iv5", "IV.5 Phản bác thông tin sai lệch"


class Production(models.TextChoices):
    """Plan V.1 and appendix II.2: the ward's own pieces, or relayed from a higher level."""

    OWN = "own", "Phường tự sản xuất"
    RELAYED = "relayed", "Chia sẻ, tiếp sóng từ cấp trên"


class ContentStatus(models.TextChoices):
    DRAFT = "draft", "Bản nháp"
    SUBMITTED = "submitted", "Chờ duyệt"
    APPROVED = "approved", "Đã duyệt"
    PUBLISHED = "published", "Đã đăng / đã thực hiện"
    WITHDRAWN = "withdrawn", "Đã gỡ / hủy"


class ContentItem(models.Model):
    """A piece of communication: planned, submitted, approved by the culture office, published with evidence."""

    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="content_items"
    )
    title = models.CharField("tiêu đề", max_length=300)
    kind = models.CharField("loại", max_length=20, choices=ContentKind.choices)
    topic = models.CharField("nội dung (mục IV)", max_length=4, choices=Topic.choices)
    phase = models.ForeignKey(
        Phase, verbose_name="giai đoạn", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    planned_date = models.DateField("ngày dự kiến")
    planned_time = models.TimeField("giờ dự kiến", null=True, blank=True)
    channels = models.ManyToManyField(Channel, verbose_name="kênh", related_name="items", blank=True)
    owner_unit = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị thực hiện", on_delete=models.PROTECT, related_name="owned_content"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người phụ trách",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_content",
    )
    production = models.CharField(
        "nguồn sản xuất", max_length=10, choices=Production.choices, default=Production.OWN
    )
    relayed_from = models.CharField("nguồn tiếp sóng", max_length=300, blank=True)
    summary = models.TextField("tóm tắt, nội dung", blank=True)
    status = models.CharField(
        "trạng thái", max_length=12, choices=ContentStatus.choices, default=ContentStatus.DRAFT, db_index=True
    )
    peak = models.ForeignKey(
        "Peak",
        verbose_name="đợt cao điểm",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="items",
    )
    # Its own short link and QR code, so what it brought in is counted per item (tips.Source).
    source = models.ForeignKey(
        "tips.Source",
        verbose_name="mã QR riêng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="content_items",
    )
    public = models.BooleanField(
        "hiện trên trang chiến dịch", default=False, help_text="Chỉ bài đã đăng mới hiện cho người dân."
    )
    # Workflow facts
    submitted_at = models.DateTimeField("gửi duyệt lúc", null=True, blank=True)
    approved_at = models.DateTimeField("duyệt lúc", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField("ý kiến duyệt", blank=True)
    published_at = models.DateTimeField("đăng / thực hiện lúc", null=True, blank=True)
    evidence_url = models.URLField("đường dẫn bài đăng", max_length=500, blank=True)
    evidence_photo = models.FileField("ảnh minh chứng", upload_to="comms/evidence/%Y/%m/", blank=True)
    withdrawn_at = models.DateTimeField("gỡ lúc", null=True, blank=True)
    withdrawn_reason = models.TextField("lý do gỡ", blank=True)
    # Activities (meetings, flag ceremonies, school activities): when and where it was held, who came.
    held_on = models.DateField("ngày tổ chức", null=True, blank=True)
    place = models.CharField("địa điểm", max_length=300, blank=True)
    attendance = models.PositiveIntegerField("số người tham dự", null=True, blank=True)
    activity_photo = models.FileField("ảnh hoạt động", upload_to="comms/activities/%Y/%m/", blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["planned_date", "planned_time", "pk"]
        verbose_name = "sản phẩm truyền thông"
        verbose_name_plural = "sản phẩm truyền thông"
        indexes = [models.Index(fields=["ward", "planned_date"], name="comms_item_ward_date")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_activity(self) -> bool:
        return self.kind in ACTIVITY_KINDS


class FileKind(models.TextChoices):
    SCRIPT = "script", "Kịch bản, bài viết"
    IMAGE = "image", "Ảnh"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Âm thanh"
    OTHER = "other", "Khác"


class ContentFile(models.Model):
    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="files")
    kind = models.CharField("loại tệp", max_length=10, choices=FileKind.choices, default=FileKind.OTHER)
    file = models.FileField("tệp", upload_to="comms/files/%Y/%m/")
    name = models.CharField("tên tệp", max_length=255)
    size = models.PositiveBigIntegerField("dung lượng", default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "uploaded_at"]
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.name


class ReachOrigin(models.TextChoices):
    TYPED = "typed", "Nhập tay"
    FACEBOOK = "facebook", "Nhập từ Facebook Insights"


class Reach(models.Model):
    """What one item reached on one channel, as measured on a day (typed in or imported)."""

    item = models.ForeignKey(ContentItem, on_delete=models.CASCADE, related_name="reach")
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    measured_on = models.DateField("ngày số liệu")
    views = models.PositiveIntegerField("lượt xem, tiếp cận", default=0)
    reactions = models.PositiveIntegerField("lượt cảm xúc", default=0)
    shares = models.PositiveIntegerField("lượt chia sẻ", default=0)
    comments = models.PositiveIntegerField("bình luận", default=0)
    broadcasts = models.PositiveIntegerField("lượt phát thanh", default=0)
    origin = models.CharField(
        "nguồn số liệu", max_length=10, choices=ReachOrigin.choices, default=ReachOrigin.TYPED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "-measured_on"]
        verbose_name = "số liệu lan tỏa"
        verbose_name_plural = "số liệu lan tỏa"
        constraints = [
            models.UniqueConstraint(
                fields=["item", "channel", "measured_on", "origin"], name="comms_reach_unique_measure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.item} — {self.measured_on:%d/%m/%Y}"


class TargetPeriod(models.TextChoices):
    MONTH = "month", "Tháng"
    WEEK = "week", "Tuần"


class Target(models.Model):
    """A ward's target for its communication output: how many pieces of which kinds, per month or week, counting
    only published items (on social channels when ``social_only``). Plan V.1: 3–5 reports, video clips or
    in-depth pieces a month on social platforms."""

    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="comms_targets"
    )
    code = models.SlugField("mã", max_length=40)
    name = models.CharField("chỉ tiêu", max_length=300)
    period = models.CharField("kỳ", max_length=10, choices=TargetPeriod.choices, default=TargetPeriod.MONTH)
    minimum = models.PositiveIntegerField("tối thiểu")
    maximum = models.PositiveIntegerField("mức phấn đấu", null=True, blank=True)
    kinds = models.JSONField("loại sản phẩm được tính", default=list, blank=True)
    channel_kinds = models.JSONField("loại kênh được tính", default=list, blank=True)
    social_only = models.BooleanField("chỉ tính trên mạng xã hội", default=False)
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị chịu trách nhiệm",
        on_delete=models.PROTECT,
        related_name="comms_targets_owned",
    )
    # From which day of the month (or week) the owner is warned when behind (plan V.1; the issue: the 20th).
    warn_from_day = models.PositiveSmallIntegerField("nhắc từ ngày", default=20)
    basis = models.CharField("căn cứ", max_length=200, blank=True)
    active = models.BooleanField("đang áp dụng", default=True)

    class Meta:
        ordering = ["ward", "code"]
        verbose_name = "chỉ tiêu truyền thông"
        verbose_name_plural = "chỉ tiêu truyền thông"
        constraints = [models.UniqueConstraint(fields=["ward", "code"], name="comms_target_unique_code")]

    def __str__(self) -> str:
        return self.name


class Peak(models.Model):
    """The communication work for one of the campaign's peak dates (plan VI, VIII.8)."""

    peak_date = models.OneToOneField(PeakDate, on_delete=models.CASCADE, related_name="comms_peak")
    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="comms_peaks"
    )
    note = models.TextField("ghi chú", blank=True)

    class Meta:
        ordering = ["peak_date__date"]
        verbose_name = "đợt cao điểm truyền thông"
        verbose_name_plural = "đợt cao điểm truyền thông"

    def __str__(self) -> str:
        return str(self.peak_date)

    @property
    def date(self):
        return self.peak_date.date


class ChecklistCategory(models.TextChoices):
    """What a peak needs (appendix II.4, III.3)."""

    BANNERS = "banners", "Băng-rôn, pa-nô có mã QR"
    BROADCASTS = "broadcasts", "Lịch phát thanh"
    POSTS = "posts", "Bài đăng mạng xã hội, cổng thông tin"
    REMEMBRANCE = "remembrance", "Hoạt động tri ân"
    OTHER = "other", "Khác"


class ChecklistItem(models.Model):
    peak = models.ForeignKey(Peak, on_delete=models.CASCADE, related_name="checklist")
    template_code = models.SlugField("mã mẫu", max_length=60, blank=True)
    category = models.CharField("nhóm việc", max_length=20, choices=ChecklistCategory.choices)
    title = models.CharField("việc cần làm", max_length=300)
    unit = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị thực hiện", on_delete=models.PROTECT, related_name="+"
    )
    due_date = models.DateField("hạn")
    done = models.BooleanField("đã xong", default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    evidence_url = models.URLField("đường dẫn minh chứng", max_length=500, blank=True)
    evidence_photo = models.FileField("ảnh minh chứng", upload_to="comms/peaks/%Y/%m/", blank=True)
    evidence_item = models.ForeignKey(
        ContentItem,
        verbose_name="sản phẩm minh chứng",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.TextField("ghi chú", blank=True)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["peak", "due_date", "sort_order", "pk"]
        verbose_name = "việc cần làm dịp cao điểm"
        verbose_name_plural = "việc cần làm dịp cao điểm"

    def __str__(self) -> str:
        return self.title


def new_feed_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """A private ICS link: one person's items, or one unit's. Revocable; a new one is a new token."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comms_feeds")
    unit = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lịch ICS riêng"
        verbose_name_plural = "lịch ICS riêng"

    def __str__(self) -> str:
        return f"Lịch ICS của {self.unit or self.user}"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
