"""DNA reference samples: a relative of a martyr (``registry.Relative``, whose identity is encrypted there) as a
donor moving through the pipeline, the police's collection rounds, and the data-protection record of a withdrawal.

The donor's identity (name, identity number, residence, phone) stays on the registry's ``Relative`` (encrypted at
rest); this app adds what the pipeline needs: the step and each step's date, the consent as given (purpose,
recipients, retention, how it was given), the sample and the result. What anyone sees is decided by
``dna.access``.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from doantu.encryption import EncryptedTextField
from doantu.org.models import OrgUnit


class Step(models.TextChoices):
    """The pipeline (issue 11): offered → contacted → consent recorded → scheduled → collected → sent → result.
    ``KNOWN``: a relative recorded (from a list, a tip, staff) who has not been asked yet."""

    KNOWN = "known", "Đã biết, chưa hỏi"
    OFFERED = "offered", "Đăng ký cho mẫu"
    CONTACTED = "contacted", "Đã liên hệ"
    CONSENTED = "consented", "Đã ghi nhận đồng ý"
    SCHEDULED = "scheduled", "Đã xếp đợt lấy mẫu"
    COLLECTED = "collected", "Đã lấy mẫu"
    SENT = "sent", "Đã gửi phòng giám định"
    RESULT = "result", "Đã có kết quả"
    REFUSED = "refused", "Từ chối cho mẫu"
    WITHDRAWN = "withdrawn", "Đã rút lại đồng ý"


# The order of the forward steps (the workflow's own order; REFUSED and WITHDRAWN end it).
FORWARD_STEPS = (
    Step.KNOWN,
    Step.OFFERED,
    Step.CONTACTED,
    Step.CONSENTED,
    Step.SCHEDULED,
    Step.COLLECTED,
    Step.SENT,
    Step.RESULT,
)
# A sample exists (counts for coverage) from collection on.
SAMPLED_STEPS = (Step.COLLECTED, Step.SENT, Step.RESULT)


class Recipient(models.TextChoices):
    """Who the consent names as receiving the donor's data and sample (plan 356/KH-BCA-C06: the police take
    the sample; the province's Department of Home Affairs runs identification since 2025)."""

    POLICE = "police", "Công an (đơn vị lấy mẫu, ngân hàng gen)"
    HOME_AFFAIRS = "home_affairs", "Sở Nội vụ tỉnh"


class ConsentMethod(models.TextChoices):
    SIGNED_FORM = "signed_form", "Phiếu đồng ý có chữ ký (tải ảnh/PDF lên)"
    ORAL = "oral", "Đồng ý bằng lời, có người làm chứng"


class Result(models.TextChoices):
    PENDING = "pending", "Đang chờ"
    MATCH = "match", "Trùng khớp với một mộ"
    NO_MATCH = "no_match", "Không trùng khớp"


class Donor(models.Model):
    relative = models.OneToOneField(
        "registry.Relative", verbose_name="thân nhân", on_delete=models.PROTECT, related_name="donor"
    )
    owner = models.ForeignKey(
        OrgUnit, verbose_name="phường ghi nhận", on_delete=models.PROTECT, related_name="+"
    )
    residential_group = models.ForeignKey(
        OrgUnit,
        verbose_name="tổ dân phố nơi ở",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    step = models.CharField("bước", max_length=20, choices=Step.choices, default=Step.KNOWN)
    offered_at = models.DateField("ngày đăng ký", null=True, blank=True)
    contacted_at = models.DateField("ngày liên hệ", null=True, blank=True)
    consented_at = models.DateField("ngày đồng ý", null=True, blank=True)
    scheduled_at = models.DateField("ngày xếp đợt", null=True, blank=True)
    collected_at = models.DateField("ngày lấy mẫu", null=True, blank=True)
    sent_at = models.DateField("ngày gửi giám định", null=True, blank=True)
    result_at = models.DateField("ngày có kết quả", null=True, blank=True)
    refused_at = models.DateField("ngày từ chối", null=True, blank=True)
    withdrawn_at = models.DateTimeField("rút lại đồng ý lúc", null=True, blank=True)

    # The consent as given (Law 91/2025, Decree 356/2025: explicit, informed, per purpose and recipient).
    consent_recipients = models.JSONField("nơi nhận dữ liệu", default=list, blank=True)
    consent_method = models.CharField(
        "hình thức đồng ý", max_length=20, choices=ConsentMethod.choices, blank=True
    )
    consent_form = models.FileField("phiếu đồng ý", upload_to="dna/consent/%Y/", blank=True, max_length=200)
    consent_witness = EncryptedTextField("người làm chứng", blank=True)
    consent_version = models.CharField(max_length=20, blank=True)
    notify_family = models.BooleanField("đồng ý được báo kết quả", default=False)

    sample_number = models.CharField("số hiệu mẫu", max_length=60, blank=True)
    collecting_unit = models.CharField("đơn vị lấy mẫu", max_length=200, blank=True)
    laboratory = models.CharField("phòng giám định", max_length=200, blank=True)
    result = models.CharField("kết quả", max_length=20, choices=Result.choices, blank=True)
    result_reference = models.CharField("số kết luận giám định", max_length=100, blank=True)
    result_grave = models.ForeignKey(
        "registry.Grave", verbose_name="mộ trùng khớp", null=True, blank=True, on_delete=models.PROTECT
    )
    destroy_requested_at = models.DateTimeField("đề nghị hủy mẫu lúc", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["relative__martyr", "id"]
        verbose_name = "người cho mẫu ADN"
        verbose_name_plural = "người cho mẫu ADN"

    def __str__(self) -> str:
        return f"Người cho mẫu #{self.pk}"

    @property
    def withdrawn(self) -> bool:
        return self.step == Step.WITHDRAWN

    @property
    def sampled(self) -> bool:
        return self.step in SAMPLED_STEPS


class RoundStatus(models.TextChoices):
    PLANNED = "planned", "Đã lên kế hoạch"
    HELD = "held", "Đã tổ chức"


class CollectionRound(models.Model):
    """A collection round organised with the ward police (plan 356/KH-BCA-C06: police collect in rounds, free
    of charge)."""

    owner = models.ForeignKey(OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="+")
    police_unit = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị công an lấy mẫu", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("tên đợt", max_length=200)
    date = models.DateField("ngày lấy mẫu")
    place = models.CharField("địa điểm", max_length=300)
    status = models.CharField(max_length=10, choices=RoundStatus.choices, default=RoundStatus.PLANNED)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-date", "id"]
        verbose_name = "đợt lấy mẫu"
        verbose_name_plural = "đợt lấy mẫu"

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%d/%m/%Y})"


class Attendance(models.TextChoices):
    EXPECTED = "", "Chưa ghi"
    COLLECTED = "collected", "Đã lấy mẫu"
    ABSENT = "absent", "Vắng mặt"
    REFUSED = "refused", "Từ chối"
    CANCELLED = "cancelled", "Hủy (rút lại đồng ý)"


class RoundEntry(models.Model):
    round = models.ForeignKey(CollectionRound, on_delete=models.PROTECT, related_name="entries")
    donor = models.ForeignKey(Donor, on_delete=models.PROTECT, related_name="round_entries")
    outcome = models.CharField(max_length=20, choices=Attendance.choices, blank=True, default="")
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "donor"], name="roundentry_unique")]

    def __str__(self) -> str:
        return f"{self.round} — {self.donor}"


class Withdrawal(models.Model):
    """The data-protection record of a withdrawn consent: when, what was done (collection cancelled, the
    laboratory asked to destroy the sample), the confirmation to the person. The identity the donor had is kept
    here only, sealed (encrypted), to prove to whom the confirmation went; nobody reads it through the pages."""

    donor = models.OneToOneField(Donor, on_delete=models.PROTECT, related_name="withdrawal")
    withdrawn_at = models.DateTimeField(default=timezone.now)
    sealed_identity = EncryptedTextField(blank=True)
    actions = models.JSONField(default=list)
    confirmation = models.CharField(max_length=200, blank=True)
    # None: the person withdrew themselves, on the public status page of the tip they offered the sample on
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-withdrawn_at"]
        verbose_name = "hồ sơ rút lại đồng ý"
        verbose_name_plural = "hồ sơ rút lại đồng ý"

    def __str__(self) -> str:
        return f"Rút đồng ý #{self.donor_id}"
