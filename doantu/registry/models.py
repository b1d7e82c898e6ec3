"""The registry: martyrs, graves, relatives, witnesses, documents — as official lists and people give them — and
the links between tips and records.

Each record belongs to an ``owner`` unit (the province or ward that holds the list); access follows it
(``registry.access``). Martyrs and graves keep a full version history (django-simple-history), so a re-import
or a merge can always be traced back; every change also goes through ``registry.services`` and the audit trail.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from doantu.encryption import EncryptedTextField
from doantu.org.models import OrgUnit

from .choices import MATERNAL_LINE, Relationship


class MartyrStatus(models.TextChoices):
    REMAINS_NOT_FOUND = "not_found", "Chưa tìm thấy hài cốt"
    GRAVE_UNCONFIRMED = "grave_unconfirmed", "Đã có mộ, chưa xác định danh tính"
    IDENTIFIED = "identified", "Đã xác định danh tính"
    UNKNOWN = "", "Chưa rõ"


class RegistryList(models.Model):
    """An official list a record came from (a ministry list, the province's file, a veterans' association
    list). Re-importing the same list updates its records by their id in that list."""

    owner = models.ForeignKey(OrgUnit, verbose_name="đơn vị quản lý", on_delete=models.PROTECT)
    name = models.CharField("tên danh sách", max_length=200)
    issuer = models.CharField("cơ quan cung cấp", max_length=200, blank=True)
    note = models.TextField("ghi chú", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["owner", "name"]
        verbose_name = "danh sách nguồn"
        verbose_name_plural = "danh sách nguồn"
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="registrylist_unique_name")]

    def __str__(self) -> str:
        return self.name


# The version tables (django-simple-history) are read by record only: a record's page lists its versions by its
# ``id`` (indexed, with ``history_id`` and ``history_date``). By default the library copies every index of the
# record's table onto its version table, so each version written (every record of an import has one) also filled
# B-trees on the owner, the list, the merged-into record (martyrs) and the martyr (graves) that no query reads:
# with the unread indexes of the records' own tables (below), a martyr's version table went from 11 indexes to 4
# (issue 14).
_NO_HISTORY_INDEX = ["owner", "source_list"]


class Martyr(models.Model):
    owner = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị quản lý", on_delete=models.PROTECT, related_name="+"
    )
    source_list = models.ForeignKey(
        RegistryList,
        verbose_name="danh sách",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="martyrs",
    )
    external_id = models.CharField("mã trong danh sách", max_length=60, blank=True)

    full_name = models.CharField("họ và tên", max_length=200)
    alias = models.CharField("bí danh", max_length=200, blank=True)
    sex = models.CharField("giới tính", max_length=10, blank=True)
    birth = models.CharField("ngày/năm sinh", max_length=40, blank=True)
    # birth_year, death_year and home_province_2025 are worked out from the text columns for the engine and the
    # pages; no query filters or sorts by them, so they carry no index (each was one more B-tree for every
    # record written: issue 14)
    birth_year = models.PositiveSmallIntegerField("năm sinh (số)", null=True, blank=True)
    home_place = models.CharField("quê quán (như ghi)", max_length=300, blank=True)
    home_resolved = models.CharField("quê quán hiện nay", max_length=400, blank=True, editable=False)
    home_province_2025 = models.CharField(max_length=40, blank=True, editable=False)
    # the home place's gazetteer codes, as resolved when the record was written (``matching.resolved_home``): a
    # search reads them rather than resolving the text again for every candidate it has not met before
    home_codes = models.TextField(blank=True, editable=False)
    enlistment = models.CharField("nhập ngũ", max_length=40, blank=True)
    unit = models.CharField("đơn vị", max_length=200, blank=True)
    rank = models.CharField("cấp bậc", max_length=60, blank=True)
    position = models.CharField("chức vụ", max_length=100, blank=True)
    death_date = models.CharField("ngày hy sinh", max_length=40, blank=True)
    death_year = models.PositiveSmallIntegerField("năm hy sinh (số)", null=True, blank=True)
    death_place = models.CharField("nơi hy sinh", max_length=300, blank=True)
    burial_place = models.CharField("nơi an táng ban đầu", max_length=300, blank=True)
    ministry_file_no = models.CharField("số hồ sơ (Bộ)", max_length=60, blank=True)
    province_file_no = models.CharField("số hồ sơ (tỉnh)", max_length=60, blank=True)
    certificate_no = models.CharField("số bằng Tổ quốc ghi công", max_length=60, blank=True)
    father = models.CharField("họ tên cha", max_length=200, blank=True)
    mother = models.CharField("họ tên mẹ", max_length=200, blank=True)
    spouse = models.CharField("họ tên vợ/chồng", max_length=200, blank=True)
    status = models.CharField(
        "tình trạng", max_length=20, choices=MartyrStatus.choices, blank=True, default=""
    )
    notes = models.TextField("ghi chú", blank=True)

    merged_into = models.ForeignKey(
        "self",
        verbose_name="đã gộp vào",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # What the last import wrote into this record: a digest of that row's columns (names and values). A re-import
    # compares one digest instead of every column; any other save clears it (see ``save``), so a record changed
    # since its import is compared column by column again.
    import_hash = models.CharField(max_length=32, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "import_hash"],
        no_db_index=[*_NO_HISTORY_INDEX, "merged_into"],
    )

    class Meta:
        ordering = ["full_name", "id"]
        verbose_name = "liệt sĩ"
        verbose_name_plural = "liệt sĩ"
        constraints = [
            models.UniqueConstraint(
                fields=["source_list", "external_id"],
                condition=~models.Q(external_id=""),
                name="martyr_unique_id_in_list",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.import_hash = ""  # imports write records without save(); anything else may have changed them
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "import_hash" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "import_hash"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:martyr", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.merged_into_id is None


class Grave(models.Model):
    owner = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị quản lý", on_delete=models.PROTECT, related_name="+"
    )
    source_list = models.ForeignKey(
        RegistryList, null=True, blank=True, on_delete=models.PROTECT, related_name="graves"
    )
    external_id = models.CharField("mã trong danh sách", max_length=60, blank=True)
    cemetery = models.CharField("nghĩa trang", max_length=200)
    cemetery_address = models.CharField("địa chỉ nghĩa trang", max_length=300, blank=True)
    zone = models.CharField("khu", max_length=20, blank=True)
    lot = models.CharField("lô", max_length=20, blank=True)
    row = models.CharField("hàng", max_length=20, blank=True)
    number = models.CharField("số mộ", max_length=20, blank=True)
    has_remains = models.BooleanField("có hài cốt", null=True, blank=True)
    headstone_name = models.CharField(
        "tên trên bia",
        max_length=200,
        blank=True,
        help_text="Bỏ trống nếu bia ghi “liệt sĩ chưa xác định được thông tin”.",
    )
    partial_info = models.TextField(
        "thông tin một phần", blank=True, help_text="Quê, đơn vị, năm hy sinh… ghi trên bia"
    )
    home_place_hint = models.CharField("quê quán (trên bia)", max_length=300, blank=True)
    unit_hint = models.CharField("đơn vị (trên bia)", max_length=200, blank=True)
    death_year_hint = models.CharField("năm hy sinh (trên bia)", max_length=20, blank=True)
    gathered_by = models.CharField("đơn vị quy tập", max_length=200, blank=True)
    gathered_from = models.CharField("quy tập từ", max_length=300, blank=True)
    gathered_at = models.CharField("thời gian quy tập", max_length=40, blank=True)
    # The exact place of a grave is sensitive (need to know): shown only to those allowed (registry.access).
    latitude = models.DecimalField("vĩ độ", max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField("kinh độ", max_digits=9, decimal_places=6, null=True, blank=True)
    martyr = models.ForeignKey(
        Martyr,
        verbose_name="liệt sĩ (đã xác định)",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="graves",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    # What the last import wrote into this record: a digest of that row's columns (names and values). A re-import
    # compares one digest instead of every column; any other save clears it (see ``save``), so a record changed
    # since its import is compared column by column again.
    import_hash = models.CharField(max_length=32, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "import_hash"], no_db_index=[*_NO_HISTORY_INDEX, "martyr"]
    )

    EDITABLE_FIELDS = (
        "cemetery",
        "cemetery_address",
        "zone",
        "lot",
        "row",
        "number",
        "has_remains",
        "headstone_name",
        "partial_info",
        "home_place_hint",
        "unit_hint",
        "death_year_hint",
        "gathered_by",
        "gathered_from",
        "gathered_at",
        "latitude",
        "longitude",
    )

    class Meta:
        ordering = ["cemetery", "zone", "lot", "row", "number", "id"]
        verbose_name = "mộ liệt sĩ"
        verbose_name_plural = "mộ liệt sĩ"
        constraints = [
            models.UniqueConstraint(
                fields=["source_list", "external_id"],
                condition=~models.Q(external_id=""),
                name="grave_unique_id_in_list",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cemetery} {self.position}".strip() + (
            f" — {self.headstone_name}" if self.headstone_name else ""
        )

    def save(self, *args, **kwargs):
        self.import_hash = ""  # imports write records without save(); anything else may have changed them
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "import_hash" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "import_hash"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:grave", args=[self.pk])

    @property
    def position(self) -> str:
        """Where in the cemetery: "khu A lô 2 hàng 3 số 14"."""
        parts = (("khu", self.zone), ("lô", self.lot), ("hàng", self.row), ("số", self.number))
        return " ".join(f"{word} {value}" for word, value in parts if value)


def people_owner() -> models.ForeignKey:
    """Relatives and witnesses belong to the unit that recorded them (registry.access.people_scope)."""
    return models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị ghi nhận",
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Phường/xã (hoặc tỉnh) đã ghi nhận: chỉ cán bộ ở đó thấy thông tin người này",
    )


class Relative(models.Model):
    """A martyr's relative; the DNA-donor fields are used by the mobilisation work (maternal line first)."""

    martyr = models.ForeignKey(Martyr, on_delete=models.PROTECT, related_name="relatives")
    owner = people_owner()
    full_name = EncryptedTextField("họ và tên")
    relationship = models.CharField("quan hệ", max_length=30, choices=Relationship.choices)
    id_number = EncryptedTextField("số CCCD", blank=True)
    birth = models.CharField("ngày/năm sinh", max_length=40, blank=True)
    sex = models.CharField("giới tính", max_length=10, blank=True)
    residence = EncryptedTextField("nơi ở", blank=True)
    phone = EncryptedTextField("điện thoại", blank=True)
    alive = models.BooleanField("còn sống", null=True, blank=True)
    dna_consent = models.BooleanField("đồng ý cho mẫu ADN", default=False)
    sampled = models.BooleanField("đã lấy mẫu", default=False)
    sampled_at = models.DateField("ngày lấy mẫu", null=True, blank=True)
    from_tip = models.ForeignKey(
        "tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["martyr", "id"]
        verbose_name = "thân nhân"
        verbose_name_plural = "thân nhân"

    def __str__(self) -> str:
        return f"{self.get_relationship_display()} của {self.martyr}"

    @property
    def is_maternal_line(self) -> bool:
        return self.relationship in MATERNAL_LINE

    @property
    def donor_priority(self) -> int | None:
        return MATERNAL_LINE.index(self.relationship) + 1 if self.is_maternal_line else None


class Witness(models.Model):
    owner = people_owner()
    full_name = EncryptedTextField("họ và tên")
    phone = EncryptedTextField("điện thoại", blank=True)
    address = EncryptedTextField("địa chỉ", blank=True)
    is_veteran = models.BooleanField("cựu chiến binh", default=False)
    account = models.TextField("lời kể", blank=True)
    martyrs = models.ManyToManyField(Martyr, blank=True, related_name="witnesses")
    from_tip = models.ForeignKey(
        "tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "nhân chứng"
        verbose_name_plural = "nhân chứng"

    def __str__(self) -> str:
        return "Nhân chứng"


class DocumentKind(models.TextChoices):
    LETTER = "letter", "Thư"
    DIARY = "diary", "Nhật ký"
    KEEPSAKE = "keepsake", "Kỷ vật"
    DEATH_NOTICE = "death_notice", "Giấy báo tử"
    CERTIFICATE = "certificate", "Bằng Tổ quốc ghi công"
    MAP = "map", "Bản đồ, sơ đồ"
    PHOTO = "photo", "Ảnh"
    OTHER = "other", "Khác"


class Document(models.Model):
    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("loại", max_length=20, choices=DocumentKind.choices)
    title = models.CharField("tên", max_length=200)
    description = models.TextField("mô tả", blank=True)
    provenance = models.TextField("nguồn gốc", blank=True, help_text="Ai giữ, từ đâu, khi nào")
    file = models.FileField(upload_to="registry/%Y/%m/", blank=True, max_length=200)
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    martyr = models.ForeignKey(
        Martyr, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    from_tip = models.ForeignKey(
        "tips.Tip", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "kỷ vật, tài liệu"
        verbose_name_plural = "kỷ vật, tài liệu"

    def __str__(self) -> str:
        return self.title


class LinkDecision(models.TextChoices):
    CONFIRMED = "confirmed", "Đã xác nhận liên quan"
    REJECTED = "rejected", "Không phải"


class TipLink(models.Model):
    """A staff decision that a tip is (or is not) about a registry record, with the engine's reasons then."""

    tip = models.ForeignKey("tips.Tip", on_delete=models.CASCADE, related_name="links")
    # Which of the martyrs the tip names this decision is about (a tip may name several; empty: decided before
    # tips named several, or the named martyr was since removed).
    named = models.ForeignKey(
        "tips.TipMartyr",
        verbose_name="liệt sĩ được nêu",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="links",
    )
    martyr = models.ForeignKey(
        Martyr, null=True, blank=True, on_delete=models.PROTECT, related_name="tip_links"
    )
    grave = models.ForeignKey(
        Grave, null=True, blank=True, on_delete=models.PROTECT, related_name="tip_links"
    )
    decision = models.CharField(max_length=10, choices=LinkDecision.choices)
    score = models.FloatField(null=True, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    decided_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["tip", "-decided_at"]
        verbose_name = "liên kết thông tin – hồ sơ"
        verbose_name_plural = "liên kết thông tin – hồ sơ"
        constraints = [
            models.UniqueConstraint(
                fields=["tip", "martyr"],
                condition=models.Q(martyr__isnull=False),
                name="tiplink_unique_martyr",
            ),
            models.UniqueConstraint(
                fields=["tip", "grave"], condition=models.Q(grave__isnull=False), name="tiplink_unique_grave"
            ),
            models.CheckConstraint(
                condition=models.Q(martyr__isnull=False) | models.Q(grave__isnull=False),
                name="tiplink_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tip} ↔ {self.martyr or self.grave}"


class DuplicateStatus(models.TextChoices):
    PENDING = "pending", "Chờ xem xét"
    MERGED = "merged", "Đã gộp"
    DISTINCT = "distinct", "Không trùng (hai người khác nhau)"


class DuplicatePair(models.Model):
    """A pair of martyr records the engine thinks may be one person: the review queue, best score first."""

    a = models.ForeignKey(Martyr, on_delete=models.CASCADE, related_name="+")
    b = models.ForeignKey(Martyr, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    engine_decision = models.CharField(max_length=10, blank=True)
    reasons = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=DuplicateStatus.choices, default=DuplicateStatus.PENDING)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    found_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-score", "id"]
        verbose_name = "cặp hồ sơ nghi trùng"
        verbose_name_plural = "cặp hồ sơ nghi trùng"
        constraints = [models.UniqueConstraint(fields=["a", "b"], name="duplicatepair_unique")]

    def __str__(self) -> str:
        return f"{self.a} ~ {self.b} ({self.score:.1f})"


# ------------------------------------------------------------------------------------------ linkage state


class MatchKey(models.Model):
    """The engine's blocking keys, persisted: the candidate index shared by every worker process, updated with
    each record (no rebuild), surviving restarts. ``kind`` says which records: 'm' martyrs, 'g' graves."""

    kind = models.CharField(max_length=1)
    record_id = models.BigIntegerField()
    key = models.CharField(max_length=150)

    class Meta:
        indexes = [
            # Covering: a search reads (key, record_id) from the index alone (an index-only scan on PostgreSQL,
            # a covering index in SQLite), never the table's pages; it also gives ``DbStore.blocks`` its order.
            models.Index(fields=["kind", "key", "record_id"], name="matchkey_cover_idx"),
            models.Index(fields=["kind", "record_id"], name="matchkey_record_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}{self.record_id}:{self.key}"


class FrequencyCount(models.Model):
    """Value counts the scorer needs (how common a given name is), kept current with the records."""

    kind = models.CharField(max_length=20)
    value = models.CharField(max_length=150)
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="frequency_unique")]

    def __str__(self) -> str:
        return f"{self.kind}={self.value}: {self.count}"


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", "Đã tải lên"
    CHECKING = "checking", "Đang kiểm tra"
    CHECKED = "checked", "Đã kiểm tra (chạy thử)"
    RUNNING = "running", "Đang nhập"
    DONE = "done", "Hoàn tất"
    FAILED = "failed", "Lỗi"


class ImportKind(models.TextChoices):
    MARTYRS = "martyrs", "Danh sách liệt sĩ"
    GRAVES = "graves", "Danh sách mộ liệt sĩ (của một nghĩa trang)"


class ImportBatch(models.Model):
    """One upload of an official list: its column mapping, dry-run report and progress."""

    owner = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    source_list = models.ForeignKey(RegistryList, on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(
        "loại danh sách", max_length=10, choices=ImportKind.choices, default=ImportKind.MARTYRS
    )
    defaults = models.JSONField(
        default=dict, blank=True, help_text="field -> value for rows whose cell is empty (e.g. the cemetery)"
    )
    file = models.FileField(upload_to="imports/%Y/%m/", max_length=200)
    original_name = models.CharField(max_length=200)
    headers = models.JSONField(default=list)
    encoding = models.CharField(
        "bảng mã",
        max_length=12,
        blank=True,
        help_text="of a CSV file: detected at upload, or chosen by the user",
    )
    mapping = models.JSONField(default=dict, help_text="field -> column index")
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.UPLOADED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, help_text="[{row, column, message}] (first 500)")
    message = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "lần nhập danh sách"
        verbose_name_plural = "lần nhập danh sách"

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
