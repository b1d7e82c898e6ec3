"""Commendations of the campaign (plan II.4, V.4, VIII.1 and appendix IV.1): nominations of collectives and
individuals with their achievements, proposed by the culture office and decided by the ward's leadership
(a ward-level certificate of merit, or a proposal to a higher level: Law on Emulation and Commendation
06/2022/QH15, Decree 98/2023/NĐ-CP).

Writes go through ``honours.services`` (``honours.access`` inside, audit trail beside)."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doantu.org.models import OrgUnit


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", "Tập thể"
    INDIVIDUAL = "individual", "Cá nhân"


class Category(models.TextChoices):
    # Collectives (plan VIII.6, VIII.9 and the agencies of the ward)
    RESIDENTIAL_GROUP = "residential_group", "Tổ dân phố"
    SCHOOL = "school", "Trường học"
    ORGANISATION = "organisation", "Cơ quan, tổ chức, đoàn thể"
    # Individuals (plan II.1, IV.2: residents, veterans, volunteers; the staff who carried the plan out)
    RESIDENT = "resident", "Người dân"
    VETERAN = "veteran", "Cựu chiến binh"
    VOLUNTEER = "volunteer", "Tình nguyện viên"
    STAFF = "staff", "Cán bộ, công chức"


CATEGORIES_OF = {
    NomineeKind.COLLECTIVE: (Category.RESIDENTIAL_GROUP, Category.SCHOOL, Category.ORGANISATION),
    NomineeKind.INDIVIDUAL: (Category.RESIDENT, Category.VETERAN, Category.VOLUNTEER, Category.STAFF),
}


class AwardForm(models.TextChoices):
    # Law 06/2022/QH15 art. 74–75 and Decree 98/2023: a ward chairman awards a certificate of merit; higher
    # forms are proposed upward.
    WARD_PRAISE = "ward_praise", "Giấy khen của Chủ tịch UBND phường"
    HIGHER = "higher", "Đề nghị cấp trên khen thưởng"


class Review(models.TextChoices):
    # Plan V.4 (sơ kết, tổng kết), VI.3 and appendix IV.1 ("Năm 2027").
    THEMATIC = "thematic", "Khen thưởng đột xuất, chuyên đề"
    INTERIM_2026 = "interim_2026", "Sơ kết năm 2026"
    FINAL_2027 = "final_2027", "Tổng kết Chiến dịch năm 2027"


class Status(models.TextChoices):
    DRAFT = "draft", "Đang lập"
    PROPOSED = "proposed", "Đã trình lãnh đạo"
    APPROVED = "approved", "Đã quyết định khen thưởng"
    FORWARDED = "forwarded", "Đã đề nghị cấp trên"
    REJECTED = "rejected", "Không khen thưởng"


DECIDED = (Status.APPROVED, Status.FORWARDED, Status.REJECTED)


class Nomination(models.Model):
    ward = models.ForeignKey(OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField("tập thể / cá nhân", max_length=12, choices=NomineeKind.choices)
    category = models.CharField("đối tượng", max_length=20, choices=Category.choices)
    name = models.CharField("tên tập thể / họ tên", max_length=200)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name="đơn vị trong hệ thống",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Tổ dân phố, trường, cơ quan (nếu là tập thể có trong hệ thống).",
    )
    position = models.CharField("chức vụ, nơi công tác / địa chỉ", max_length=300, blank=True)
    summary = models.TextField("tóm tắt thành tích")
    award = models.CharField("hình thức đề nghị", max_length=12, choices=AwardForm.choices)
    review = models.CharField("đợt", max_length=20, choices=Review.choices, default=Review.FINAL_2027)
    status = models.CharField(
        "trạng thái", max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    proposed_at = models.DateTimeField("trình lúc", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField("quyết định lúc", null=True, blank=True)
    decision_number = models.CharField("số quyết định / tờ trình", max_length=40, blank=True)
    decision_date = models.DateField("ngày quyết định", null=True, blank=True)
    decision_note = models.TextField("ý kiến lãnh đạo", blank=True)

    class Meta:
        ordering = ["ward", "kind", "name", "id"]
        verbose_name = "đề nghị khen thưởng"
        verbose_name_plural = "đề nghị khen thưởng"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("honours:nomination", args=[self.pk])


class Achievement(models.Model):
    """One achievement of a nominee: drawn from the system (a contribution's reference, resolved by the app that
    owns it through ``honours.contributions``) or written by hand. ``summary`` is the text at the time it was
    added; what is shown or exported is checked again against its source (a tipster may withdraw)."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="achievements")
    source = models.CharField("nguồn", max_length=20)  # a provider's key, or "manual"
    ref = models.CharField("tham chiếu", max_length=60, blank=True)
    summary = models.TextField("thành tích")
    happened_on = models.DateField("ngày", null=True, blank=True)
    # For a tip: how the tipster agreed to have it cited for this commendation (by phone on …, signed …).
    agreement = models.CharField("sự đồng ý của người cung cấp", max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nomination", "happened_on", "id"]
        verbose_name = "thành tích"
        verbose_name_plural = "thành tích"
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "source", "ref"],
                condition=~models.Q(ref=""),
                name="honours_achievement_once",
            )
        ]

    def __str__(self) -> str:
        return self.summary[:80]


def evidence_path(instance, filename: str) -> str:
    return f"honours/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Evidence(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    original_name = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["nomination", "id"]
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def get_absolute_url(self) -> str:
        return reverse("honours:evidence", args=[self.nomination_id, self.pk])
