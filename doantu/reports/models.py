"""Periodic and ad hoc reports of a ward (draft → approved by leadership → sent with its number, then archived and
immutable), and the province's roll-up of its wards' signed figures."""

from django.conf import settings
from django.db import models

from doantu.org.models import OrgUnit


class ReportKind(models.TextChoices):
    WEEKLY = "weekly", "Báo cáo tuần"
    MONTHLY = "monthly", "Báo cáo tháng"
    QUARTERLY = "quarterly", "Báo cáo quý"
    PHASE = "phase", "Báo cáo sơ kết giai đoạn"
    FINAL = "final", "Báo cáo tổng kết"
    AD_HOC = "ad_hoc", "Báo cáo đột xuất"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Dự thảo"
    APPROVED = "approved", "Đã duyệt"
    SENT = "sent", "Đã gửi"


class ImmutableReport(Exception):
    pass


class Report(models.Model):
    ward = models.ForeignKey(OrgUnit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="reports")
    kind = models.CharField("loại báo cáo", max_length=12, choices=ReportKind.choices)
    period_kind = models.CharField(max_length=10)
    period_start = models.DateField("từ ngày")
    period_end = models.DateField("đến ngày")
    period_number = models.PositiveSmallIntegerField(null=True, blank=True)  # a phase's number
    title = models.CharField("trích yếu", max_length=300)
    status = models.CharField(
        "trạng thái", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    number = models.PositiveIntegerField("số văn bản", null=True, blank=True)
    symbol = models.CharField("ký hiệu", max_length=40, default="BC-UBND")
    recipients = models.TextField("nơi nhận", help_text="Mỗi dòng một nơi nhận.")
    signer_authority = models.CharField("thẩm quyền ký", max_length=100, default="TM. ỦY BAN NHÂN DÂN")
    signer_title = models.CharField("chức vụ người ký", max_length=100, default="CHỦ TỊCH")
    signer_name = models.CharField("họ tên người ký", max_length=150, blank=True)
    narrative = models.JSONField("nội dung do cán bộ viết", default=dict, blank=True)
    # The figures, frozen when leadership approves (None while a draft: drafts show today's figures).
    figures = models.JSONField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    issued_on = models.DateField("ngày ban hành", null=True, blank=True)
    # The archived documents of a sent report (the DOCX, its XLSX annex, its PDF when LibreOffice is installed).
    docx = models.BinaryField(null=True, blank=True, editable=False)
    xlsx = models.BinaryField(null=True, blank=True, editable=False)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    docx_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-period_start", "-id"]
        verbose_name = "báo cáo"
        verbose_name_plural = "báo cáo"
        constraints = [
            models.UniqueConstraint(
                fields=["ward", "symbol", "number", "issued_on"],
                name="report_unique_number",
                condition=models.Q(number__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.title}"

    def save(self, *args, **kwargs):
        # A sent report is archived: nothing about it changes again (services refuse first, in Vietnamese).
        if self.pk is not None and Report.objects.filter(pk=self.pk, status=ReportStatus.SENT).exists():
            raise ImmutableReport("Báo cáo đã gửi được lưu trữ, không sửa được.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.status == ReportStatus.SENT:
            raise ImmutableReport("Báo cáo đã gửi được lưu trữ, không xóa được.")
        return super().delete(*args, **kwargs)

    @property
    def period(self):
        from doantu.indicators import Period

        if self.period_kind == "phase":
            return Period.phase(self.period_number or 0, self.period_start, self.period_end)
        return Period(self.period_kind, self.period_start, self.period_end)

    @property
    def recipient_list(self) -> list[str]:
        return [line.strip(" -") for line in self.recipients.splitlines() if line.strip(" -")]


class WardKey(models.Model):
    """A ward's public key, registered at the province, against which the ward's signed figures are checked."""

    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="rollup_keys"
    )
    public_key = models.CharField("khóa công khai (Ed25519, base64)", max_length=100, unique=True)
    active = models.BooleanField("đang dùng", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "khóa ký số liệu của phường"
        verbose_name_plural = "khóa ký số liệu của phường"

    def __str__(self) -> str:
        return f"{self.ward}: {self.public_key[:12]}…"


class Submission(models.Model):
    """A ward's figures for a period as received by the province (imported file or API push), verified."""

    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường", on_delete=models.PROTECT, related_name="submissions"
    )
    period_key = models.CharField("kỳ", max_length=60)
    period_start = models.DateField()
    period_end = models.DateField()
    issued_at = models.DateTimeField("phường ký lúc")
    payload = models.JSONField()
    signature = models.CharField(max_length=200)
    digest = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now=True)
    key = models.ForeignKey(WardKey, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["ward", "-period_start"]
        verbose_name = "số liệu phường gửi lên"
        verbose_name_plural = "số liệu phường gửi lên"
        constraints = [
            models.UniqueConstraint(fields=["ward", "period_key"], name="submission_unique_period")
        ]

    def __str__(self) -> str:
        return f"{self.ward}: {self.period_key}"
