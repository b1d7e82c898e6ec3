"""Tips from the public, where they came from, their files, and the work on them (forwards, notes).

State changes never happen here: they go through ``tips.services``, which also writes the audit trail.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doantu.encryption import EncryptedTextField
from doantu.org.models import OrgUnit
from doantu.registry.choices import MATERNAL_LINE, Relationship, dna_guidance

from .contacts import contact_key
from .search import MARTYR_SEARCH_FIELDS, SEARCH_FIELDS, search_text_of

CONTACT_FIELDS = ("anonymous", "reporter_phone", "reporter_name")  # what ``Tip.contact_key`` is made of

RECEIPT_ALPHABET = (
    "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone without mistakes
)


def new_receipt_code() -> str:
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(8))
    return f"{raw[:4]}-{raw[4:]}"


class SourceKind(models.TextChoices):
    BANNER = "banner", "Băng-rôn, pa-nô"
    LOUDSPEAKER = "loudspeaker", "Truyền thanh cơ sở"
    PORTAL = "portal", "Cổng thông tin điện tử"
    FACEBOOK = "facebook", "Facebook"
    ZALO = "zalo", "Zalo"
    MEETING = "meeting", "Hội nghị, họp tổ dân phố"
    SCHOOL = "school", "Trường học"
    RESIDENTIAL_GROUP = "residential_group", "Tổ dân phố"
    HOTLINE = "hotline", "Đường dây nóng"
    OTHER = "other", "Khác"


class Source(models.Model):
    """Where a tip came from: one banner, channel, school or residential group, each with its own QR code."""

    ward = models.ForeignKey(OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="sources")
    code = models.SlugField("mã", max_length=40, unique=True, help_text="Dùng trong đường dẫn ngắn /t/<mã>")
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("loại", max_length=20, choices=SourceKind.choices)
    owner_unit = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị phụ trách",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_sources",
        help_text="Tổ dân phố hoặc trường học sở hữu mã này (nếu có).",
    )
    placement = models.CharField("vị trí treo/đăng", max_length=300, blank=True)
    active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["ward", "kind", "name"]
        verbose_name = "nguồn (mã QR)"
        verbose_name_plural = "nguồn (mã QR)"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("public:intake", args=[self.code])


class TipKind(models.TextChoices):
    MARTYR = "martyr", "Thông tin về liệt sĩ"
    GRAVE = "grave", "Mộ, nơi chôn cất"
    RELATIVE = "relative", "Tôi là thân nhân liệt sĩ"
    WITNESS = "witness", "Lời kể nhân chứng"
    ARTIFACT = "artifact", "Kỷ vật, giấy tờ (thư, nhật ký, giấy báo tử…)"
    OTHER = "other", "Khác"


class TipStatus(models.TextChoices):
    NEW = "new", "Mới"
    UNDER_REVIEW = "under_review", "Đang xem xét"
    FORWARDED = "forwarded", "Đã chuyển xác minh"
    # an agency answered: the campaign staff review the answer before anything is concluded or made public
    ANSWERED = "answered", "Có trả lời, chờ xem xét"
    VERIFIED = "verified", "Đã xác minh"
    NOT_VERIFIABLE = "not_verifiable", "Không xác minh được"
    DUPLICATE = "duplicate", "Trùng lặp"
    CLOSED = "closed", "Đã đóng"


# What a person checking their receipt sees: honest, but never who holds the tip or what they concluded
# about other people.
PUBLIC_STATUS = {
    TipStatus.NEW: "Đã tiếp nhận, đang chờ xem xét",
    TipStatus.UNDER_REVIEW: "Cán bộ đang xem xét",
    TipStatus.FORWARDED: "Đã chuyển cơ quan chức năng xác minh",
    # never the agency's verdict: it is public only once the ward's staff have concluded
    TipStatus.ANSWERED: "Đang xác minh, cán bộ phường đang xem xét kết quả",
    TipStatus.VERIFIED: "Đã xác minh",
    TipStatus.NOT_VERIFIABLE: "Chưa xác minh được với thông tin hiện có",
    TipStatus.DUPLICATE: "Thông tin đã được tiếp nhận trước đó",
    TipStatus.CLOSED: "Đã hoàn tất xử lý",
}


# What happens next, in plain words, for the person checking their receipt.
PUBLIC_NEXT = {
    TipStatus.NEW: "Cán bộ phường sẽ đọc thông tin của bạn trong vài ngày làm việc. Bạn không cần làm gì thêm.",
    TipStatus.UNDER_REVIEW: "Cán bộ đang đối chiếu với hồ sơ liệt sĩ. Nếu cần hỏi thêm và bạn đã để lại số "
    "điện thoại, cán bộ sẽ gọi cho bạn.",
    TipStatus.FORWARDED: "Cơ quan chức năng đang xác minh; việc này có thể mất vài tuần. Khi có kết quả, cán bộ "
    "phường sẽ xem lại và cập nhật ở đây.",
    TipStatus.ANSWERED: "Cơ quan chức năng đã trả lời; cán bộ phường đang xem xét kết quả trước khi kết luận và sẽ "
    "cập nhật ở đây.",
    TipStatus.VERIFIED: "Thông tin đã được xác minh. Cán bộ phường sẽ liên hệ gia đình liệt sĩ và các cơ quan "
    "liên quan cho các bước tiếp theo. Cảm ơn bạn.",
    TipStatus.NOT_VERIFIABLE: "Hiện chưa đủ căn cứ để xác minh. Thông tin vẫn được lưu để đối chiếu về sau; nếu "
    "bạn nhớ thêm điều gì, hãy gửi thêm hoặc liên hệ UBND phường.",
    TipStatus.DUPLICATE: "Thông tin này đã có người cung cấp trước đó và đang được xử lý cùng nhau. Bạn không "
    "cần gửi lại.",
    TipStatus.CLOSED: "Việc xử lý đã kết thúc. Nếu có thông tin mới, bạn có thể gửi thêm bất cứ lúc nào.",
}


class LocationSource(models.TextChoices):
    NONE = "", "Không có"
    GPS = "gps", "Định vị của điện thoại"
    MAP = "map", "Chọn trên bản đồ"
    TYPED = "typed", "Nhập tọa độ"


class Privacy(models.TextChoices):
    """Who may know who gave a tip: the reporter's own choice, enforced by ``tips.access.visible_fields``."""

    ANONYMOUS = "anonymous", "Giấu tên"
    WARD = "ward", "Chỉ cán bộ phường phụ trách chiến dịch"
    AGENCIES = "agencies", "Cán bộ phường và cơ quan xác minh"


# One line each, in plain words, for the public form and the API.
PRIVACY_HELP = {
    Privacy.ANONYMOUS: "Không ghi tên và số điện thoại. Cán bộ sẽ không gọi lại được cho bạn.",
    Privacy.WARD: "Chỉ cán bộ phường phụ trách chiến dịch được biết tên và số điện thoại của tôi; "
    "cơ quan khác chỉ nhận nội dung.",
    Privacy.AGENCIES: "Cán bộ phường và cơ quan được nhờ xác minh (Quân sự, Công an, cấp trên) được biết, "
    "để hỏi thêm khi cần.",
}


class IntakeChannel(models.TextChoices):
    WEB = "web", "Biểu mẫu web"
    API = "api", "API (ứng dụng, tổng đài)"
    # Entered by staff for someone who did not use the form (tips.views_staff.tip_entry):
    PAPER = "paper", "Phiếu giấy"
    PHONE = "phone", "Qua điện thoại"
    IN_PERSON = "in_person", "Trực tiếp"


# The channels a member of staff enters a tip from, for someone else.
STAFF_CHANNELS = (IntakeChannel.PAPER, IntakeChannel.PHONE, IntakeChannel.IN_PERSON)


class ConsentMethod(models.TextChoices):
    """How a person consented when someone else entered their tip (empty: they ticked the boxes themselves)."""

    SELF = "", "Người cung cấp tự đánh dấu trên biểu mẫu"
    SIGNED_SLIP = "signed_slip", "Ký vào phiếu (có ảnh chụp phiếu)"
    ORAL = "oral", "Đồng ý bằng lời, có người chứng kiến"


class Tip(models.Model):
    receipt_code = models.CharField("mã biên nhận", max_length=9, unique=True, default=new_receipt_code)
    # The client's idempotency key, unique per source: a retried submission (double tap, flaky network) finds its
    # first tip. The payload's hash tells a retry (same content: the first receipt) from a reuse of the key
    # with other content (refused, never silently dropped). Empty on tips from before it was recorded.
    submission_key = models.CharField(max_length=64)
    payload_hash = models.CharField(max_length=64, blank=True, default="")
    ward = models.ForeignKey(OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="tips")
    source = models.ForeignKey(
        Source, verbose_name="nguồn", null=True, blank=True, on_delete=models.PROTECT, related_name="tips"
    )
    channel = models.CharField(
        "kênh gửi", max_length=10, choices=IntakeChannel.choices, default=IntakeChannel.WEB
    )
    # One tip may be of several kinds (a relative who also sends the death notice): TipKind values, in the order
    # of TipKind, never empty for a tip taken through tips.services. Filter with ``kinds_q``.
    kinds = models.JSONField("loại thông tin", default=list, blank=True)
    account = models.TextField("nội dung", help_text="Lời kể của người cung cấp, nguyên văn.")
    # What the person knows about each martyr the tip names: ``TipMartyr`` (``tip.martyrs``), each matched
    # against the registry on its own.

    # Where: only what the person chose to give (never read out of a photo's EXIF).
    latitude = models.DecimalField("vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("kinh độ", max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField("độ chính xác (m)", null=True, blank=True)
    location_source = models.CharField(
        "nguồn vị trí", max_length=10, choices=LocationSource.choices, blank=True, default=""
    )
    location_description = models.TextField("mô tả địa điểm", blank=True)

    # Who: personal data, encrypted at rest; reading it is recorded (tips.services.tip_reveal_reporter).
    anonymous = models.BooleanField("giấu tên", default=False)  # = privacy is ANONYMOUS (kept for readers)
    privacy = models.CharField(
        "ai được biết danh tính",
        max_length=10,
        choices=Privacy.choices,
        default=Privacy.WARD,  # the narrowest choice that still lets the ward call back: fail closed
    )
    reporter_name = EncryptedTextField("họ tên người cung cấp", blank=True)
    reporter_phone = EncryptedTextField("điện thoại", blank=True)
    reporter_address = EncryptedTextField("địa chỉ", blank=True)
    residential_group = models.ForeignKey(
        OrgUnit,
        verbose_name="tổ dân phố",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_tips",
    )
    relationship = models.CharField(
        "quan hệ với liệt sĩ", max_length=30, choices=Relationship.choices, blank=True, default=""
    )
    dna_offer = models.BooleanField("đăng ký cho mẫu ADN", default=False)
    # Keyed hash of receipt + last digits of the phone, for the public status page.
    status_check = models.CharField(max_length=64, blank=True)
    # Keyed hash of the normalised contact (tips.contacts), set by ``save`` from the name, phone and anonymity:
    # distinct contributors are counted on it in SQL. "" when anonymous, without name and phone, or withdrawn.
    contact_key = models.CharField(max_length=64, blank=True, default="", editable=False)

    consent_processing = models.BooleanField("đồng ý xử lý thông tin", default=False)
    consent_contact = models.BooleanField("đồng ý được liên hệ", default=False)
    consent_dna = models.BooleanField("đồng ý về dữ liệu ADN", default=False)
    consent_version = models.CharField(max_length=20, blank=True)
    consent_withdrawn_at = models.DateTimeField("rút lại đồng ý lúc", null=True, blank=True)
    # Tips entered by staff for someone else: how that person consented (never a first-person tick by the
    # enterer), before whom, and who entered it.
    consent_method = models.CharField(
        "cách đồng ý", max_length=20, choices=ConsentMethod.choices, blank=True, default=""
    )
    consent_witness = models.CharField("người chứng kiến việc đồng ý", max_length=200, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người nhập hộ",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="entered_tips",
    )

    status = models.CharField(
        "trạng thái", max_length=20, choices=TipStatus.choices, default=TipStatus.NEW, db_index=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="người xử lý",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_tips",
    )
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name="trùng với",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    outcome_note = models.TextField("kết luận", blank=True)
    public_note = models.CharField(
        "lời nhắn cho người gửi", max_length=300, blank=True, help_text="Hiện trên trang tra cứu biên nhận."
    )
    created_at = models.DateTimeField("tiếp nhận lúc", default=timezone.now, db_index=True)
    updated_at = models.DateTimeField("cập nhật lúc", auto_now=True)
    # Folded (ASCII, lower case) text of the fields every viewer may read, for the inbox search (see tips.search).
    search_text = models.TextField(blank=True, default="", editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "thông tin"
        verbose_name_plural = "thông tin"
        indexes = [
            models.Index(fields=["ward", "status", "created_at"], name="tip_ward_status_idx"),
            # Every figure of the dashboard counts a ward's tips received in a period (doantu.indicators); with the
            # id included, PostgreSQL answers those counts and the "tips of this ward" subqueries from the index
            # alone (other databases ignore ``include``).
            models.Index(fields=["ward", "created_at"], include=["id"], name="tip_ward_created_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "submission_key"], name="tip_source_submission_key_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.receipt_code} — {self.get_kinds_display()}"

    def save(self, *args, **kwargs):
        # The search column follows the fields it is made of, in the same write (so in the same transaction).
        # The named martyrs' part is added by ``refresh_search_text`` when they are written (tips.services).
        update_fields = kwargs.get("update_fields")
        if update_fields is None or set(update_fields) & set(SEARCH_FIELDS):
            self.search_text = self._search_text()
            if update_fields is not None:
                kwargs["update_fields"] = update_fields = [*update_fields, "search_text"]
        # Likewise the contact's hash follows the name, phone and anonymity: this is the one place it is set
        # (intake, staff entry and the API save here; a withdrawal erases the name and phone, so clears it).
        if update_fields is None or set(update_fields) & set(CONTACT_FIELDS):
            self.contact_key = contact_key(
                anonymous=self.anonymous, phone=self.reporter_phone, name=self.reporter_name
            )
            if update_fields is not None:
                kwargs["update_fields"] = [*update_fields, "contact_key"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("staff:tip", args=[self.pk])

    def _search_text(self) -> str:
        named = list(self.martyrs.all()) if self.pk else []
        return search_text_of(
            {f: getattr(self, f) for f in SEARCH_FIELDS},
            extra=[getattr(m, f) for m in named for f in MARTYR_SEARCH_FIELDS],
        )

    def refresh_search_text(self) -> None:
        """Recompute the search column after the named martyrs changed (same transaction as the change)."""
        self.search_text = self._search_text()
        Tip.objects.filter(pk=self.pk).update(search_text=self.search_text)

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(TipKind.choices)
        return [str(labels.get(k, k)) for k in self.kinds or []]

    def get_kinds_display(self) -> str:
        return ", ".join(self.kind_labels)

    # Templates and texts written before a tip had several kinds read this name.
    get_kind_display = get_kinds_display

    def has_kind(self, kind: str) -> bool:
        return kind in (self.kinds or [])

    @property
    def martyr_names(self) -> str:
        """The named martyrs' names (or aliases), for lists: "Nguyễn Văn A; Trần Văn B"."""
        return "; ".join(m.display_name for m in self.martyrs.all() if m.display_name)

    @property
    def public_status(self) -> str:
        return PUBLIC_STATUS[TipStatus(self.status)]

    @property
    def public_next(self) -> str:
        return PUBLIC_NEXT[TipStatus(self.status)]

    @property
    def identity_withdrawn(self) -> bool:
        return self.consent_withdrawn_at is not None

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    @property
    def is_maternal_line(self) -> bool:
        return self.relationship in MATERNAL_LINE

    @property
    def dna_guidance(self) -> dict | None:
        """Whom to ask for the DNA sample, by the reporter's relationship (registry.choices.dna_guidance)."""
        return dna_guidance(self.relationship)


def kinds_q(kind: str) -> models.Q:
    """Tips one of whose kinds is ``kind``: the JSON list's text holds ``"kind"`` (quotes included, so no kind
    matches inside another). The same text on SQLite and PostgreSQL (``icontains`` casts jsonb to text)."""
    if kind not in TipKind.values:
        return models.Q(pk__in=[])
    return models.Q(kinds__icontains=f'"{kind}"')


def plausible_years() -> tuple[int, int]:
    """The range of years a martyr can have enlisted in: from 1930 (the Party's founding; the earliest
    revolutionaries recognised as martyrs under Pháp lệnh Ưu đãi người có công 02/2020/UBTVQH14 joined the
    struggle from then) to this year (people still fall on duty)."""
    return 1930, timezone.localdate().year


class TipMartyr(models.Model):
    """One martyr a tip names, with what the person knows of him, as they wrote it (all optional). A witness who
    buried two comrades names two; each is matched against the registry on its own
    (``registry.services.tip_martyr_candidates``)."""

    tip = models.ForeignKey("Tip", on_delete=models.CASCADE, related_name="martyrs")
    position = models.PositiveSmallIntegerField("thứ tự", default=1)
    name = models.CharField("họ tên liệt sĩ", max_length=200, blank=True)
    alias = models.CharField("bí danh", max_length=200, blank=True)
    birth_year = models.CharField("năm sinh", max_length=20, blank=True)
    home_place = models.CharField("quê quán", max_length=300, blank=True)
    unit = models.CharField("đơn vị", max_length=200, blank=True)
    enlistment_year = models.PositiveSmallIntegerField("năm nhập ngũ", null=True, blank=True)
    death_date = models.CharField("ngày hy sinh", max_length=40, blank=True)
    death_place = models.CharField("nơi hy sinh", max_length=300, blank=True)
    burial_place = models.CharField("nơi an táng", max_length=300, blank=True)

    class Meta:
        ordering = ["tip", "position", "id"]
        verbose_name = "liệt sĩ được nêu trong thông tin"
        verbose_name_plural = "liệt sĩ được nêu trong thông tin"

    def __str__(self) -> str:
        return self.display_name or f"Liệt sĩ thứ {self.position}"

    @property
    def display_name(self) -> str:
        if self.name and self.alias:
            return f"{self.name} ({self.alias})"
        return self.name or self.alias

    @property
    def has_name(self) -> bool:
        return bool(self.name or self.alias)

    def values(self) -> dict:
        return {f: getattr(self, f) for f in MARTYR_DETAIL_FIELDS}


# What a person may tell about each martyr, in the form's order.
MARTYR_DETAIL_FIELDS = (
    "name",
    "alias",
    "birth_year",
    "home_place",
    "unit",
    "enlistment_year",
    "death_date",
    "death_place",
    "burial_place",
)


class AttachmentKind(models.TextChoices):
    IMAGE = "image", "Ảnh"
    VIDEO = "video", "Video"
    AUDIO = "audio", "Ghi âm"
    PDF = "pdf", "Tài liệu PDF"
    CONSENT_SLIP = "consent_slip", "Ảnh phiếu có chữ ký đồng ý"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random names: the stored path reveals nothing about the tip or the person.
    return f"tips/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Attachment(models.Model):
    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=200)
    kind = models.CharField("loại", max_length=20, choices=AttachmentKind.choices)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    original_name = models.CharField("tên tệp gốc", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tip", "id"]
        verbose_name = "tệp đính kèm"
        verbose_name_plural = "tệp đính kèm"

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def get_absolute_url(self) -> str:
        return reverse("staff:attachment", args=[self.tip_id, self.pk])


class ForwardOutcome(models.TextChoices):
    VERIFIED = "verified", "Đã xác minh"
    NOT_VERIFIABLE = "not_verifiable", "Không xác minh được"
    DUPLICATE = "duplicate", "Trùng lặp"
    INFO = "info", "Trả lời, bổ sung thông tin (chưa kết luận)"


class ForwardStatus(models.TextChoices):
    OPEN = "open", "Chờ trả lời"
    ANSWERED = "answered", "Đã trả lời"
    WITHDRAWN = "withdrawn", "Đã rút lại"


class Forward(models.Model):
    """A tip sent to an agency (military command, police, the Front, a higher level) with a question."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="forwards")
    agency = models.ForeignKey(
        OrgUnit, verbose_name="cơ quan nhận", on_delete=models.PROTECT, related_name="forwards_received"
    )
    question = models.TextField("nội dung đề nghị xác minh")
    due_date = models.DateField("hạn trả lời")
    status = models.CharField(
        "trạng thái", max_length=10, choices=ForwardStatus.choices, default=ForwardStatus.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="forwards_sent"
    )
    created_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField("kết quả", max_length=20, choices=ForwardOutcome.choices, blank=True)
    answer = models.TextField("trả lời", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="forwards_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # the tip the agency says this one repeats (outcome "duplicate"): a proposal until staff conclude
    duplicate_of = models.ForeignKey(
        Tip, verbose_name="trùng với", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["tip", "created_at", "id"]
        verbose_name = "chuyển xác minh"
        verbose_name_plural = "chuyển xác minh"
        indexes = [models.Index(fields=["agency", "status", "due_date"], name="forward_agency_idx")]

    def __str__(self) -> str:
        return f"{self.tip.receipt_code} → {self.agency}"

    @property
    def is_overdue(self) -> bool:
        return self.status == ForwardStatus.OPEN and self.due_date < timezone.localdate()


class Note(models.Model):
    """An internal note on a tip; never shown to the public. Notes are not edited: a correction is a new note."""

    tip = models.ForeignKey(Tip, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField("nội dung")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tip", "created_at", "id"]
        verbose_name = "ghi chú nội bộ"
        verbose_name_plural = "ghi chú nội bộ"

    def __str__(self) -> str:
        return self.body[:60]


class ApiToken(models.Model):
    """A token for a machine client acting as a staff user (a hotline operator's screen). Stored hashed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("tên", max_length=100)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField("đã thu hồi", default=False)

    class Meta:
        ordering = ["user", "name"]
        verbose_name = "khóa API"
        verbose_name_plural = "khóa API"

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"


class SourceVisit(models.Model):
    """How many times a source's form was opened, per day: what a poster or a piece of content brought to the
    form, before anyone wrote anything (``tips.visits``). A counter only: no address, no cookie, no person."""

    source = models.ForeignKey(Source, verbose_name="nguồn", on_delete=models.CASCADE, related_name="visits")
    day = models.DateField("ngày")
    count = models.PositiveIntegerField("lượt mở biểu mẫu", default=0)

    class Meta:
        ordering = ["source", "-day"]
        verbose_name = "lượt mở biểu mẫu"
        verbose_name_plural = "lượt mở biểu mẫu"
        constraints = [models.UniqueConstraint(fields=["source", "day"], name="source_visit_unique_day")]

    def __str__(self) -> str:
        return f"{self.source} — {self.day:%d/%m/%Y}: {self.count}"
