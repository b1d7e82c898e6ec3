"""A ward's plan register: the tasks of its plan's appendix, who leads and who coordinates each, when each
reports (check-ins worked out from the timing as written, ``timing.py``), the duties of each agency (section
VIII), and the agencies' progress updates with their evidence and links."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from doantu.org.models import OrgUnit

from . import timing


class Plan(models.Model):
    ward = models.ForeignKey(
        OrgUnit, verbose_name="phường/xã", on_delete=models.PROTECT, related_name="plans"
    )
    campaign = models.ForeignKey(
        "campaign.Campaign", verbose_name="chiến dịch", null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField("tên kế hoạch", max_length=400)
    number = models.CharField("số kế hoạch", max_length=60, blank=True)
    issued = models.DateField("ngày ban hành")
    ends = models.DateField("kết thúc")
    source_name = models.CharField("tệp nạp", max_length=200, blank=True)
    imported_at = models.DateTimeField("nạp lúc", default=timezone.now)

    class Meta:
        ordering = ["ward", "-issued"]
        verbose_name = "kế hoạch"
        verbose_name_plural = "kế hoạch"
        constraints = [models.UniqueConstraint(fields=["ward", "issued"], name="plan_unique_per_ward_date")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan:overview", args=[self.pk])


class Task(models.Model):
    """One row of the appendix: "II.4 Treo băng-rôn…", its lead and coordinating agencies, its timing."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    section = models.CharField("mục", max_length=10)  # "II"
    section_title = models.CharField("tên mục", max_length=300)
    number = models.PositiveSmallIntegerField("số thứ tự")
    title = models.TextField("nhiệm vụ, giải pháp")
    lead_text = models.CharField("cơ quan chủ trì (như trong kế hoạch)", max_length=400)
    partner_text = models.CharField("cơ quan phối hợp (như trong kế hoạch)", max_length=400, blank=True)
    timing_text = models.CharField("thời gian (như trong kế hoạch)", max_length=200)
    timing_kind = models.CharField("cách tính hạn", max_length=20)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order"]
        verbose_name = "nhiệm vụ"
        verbose_name_plural = "nhiệm vụ"
        constraints = [
            models.UniqueConstraint(fields=["plan", "section", "number"], name="task_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("plan:task", args=[self.pk])

    @property
    def code(self) -> str:
        return f"{self.section}.{self.number}"

    @property
    def timing_label(self) -> str:
        return timing.KIND_LABELS.get(self.timing_kind, self.timing_kind)

    @property
    def recurring(self) -> bool:
        return self.timing_kind in timing.RECURRING


class AgencyRole(models.TextChoices):
    LEAD = "lead", "Chủ trì"
    PARTNER = "partner", "Phối hợp"


class TaskAgency(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="agencies")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="plan_tasks")
    role = models.CharField("vai trò", max_length=10, choices=AgencyRole.choices)

    class Meta:
        ordering = ["task", "role", "unit__sort_order", "unit__name"]
        verbose_name = "cơ quan thực hiện"
        verbose_name_plural = "cơ quan thực hiện"
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="taskagency_unique_unit")]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class CheckIn(models.Model):
    """A date by which the lead agencies report on a task: its deadline, or one of its recurring reports."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="check_ins")
    due = models.DateField("hạn")
    starts = models.DateField("từ ngày", null=True, blank=True)
    label = models.CharField("kỳ báo cáo", max_length=200)

    class Meta:
        ordering = ["task", "due"]
        verbose_name = "kỳ báo cáo"
        verbose_name_plural = "kỳ báo cáo"
        constraints = [models.UniqueConstraint(fields=["task", "due"], name="checkin_unique_due")]

    def __str__(self) -> str:
        return f"{self.label} (hạn {self.due:%d/%m/%Y})"


class Duty(models.Model):
    """One duty of section VIII ("Tổ chức thực hiện"), listed with the agencies it names."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="duties")
    item = models.CharField("mục", max_length=20)  # "VIII.2"
    agency_text = models.CharField("cơ quan (như trong kế hoạch)", max_length=300)
    text = models.TextField("nhiệm vụ")
    units = models.ManyToManyField(OrgUnit, related_name="plan_duties", verbose_name="đơn vị")
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "sort_order"]
        verbose_name = "nhiệm vụ của cơ quan"
        verbose_name_plural = "nhiệm vụ của cơ quan"

    def __str__(self) -> str:
        return f"{self.item} {self.agency_text}: {self.text[:60]}"


class UpdateStatus(models.TextChoices):
    STARTED = "started", "Đang thực hiện"
    ON_TRACK = "on_track", "Đúng tiến độ"
    AT_RISK = "at_risk", "Có nguy cơ chậm"
    BLOCKED = "blocked", "Vướng mắc, cần hỗ trợ"
    DONE = "done", "Đã hoàn thành"


class Update(models.Model):
    """An agency's report on a task (for one of its check-ins, or in between). Only the agency that wrote it
    edits it."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="updates")
    unit = models.ForeignKey(
        OrgUnit, verbose_name="cơ quan báo cáo", on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="người báo cáo", on_delete=models.PROTECT, related_name="+"
    )
    check_in = models.ForeignKey(
        CheckIn,
        verbose_name="kỳ báo cáo",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="updates",
    )
    status = models.CharField("tình trạng", max_length=20, choices=UpdateStatus.choices)
    narrative = models.TextField("nội dung báo cáo")
    created_at = models.DateTimeField("lúc báo cáo", default=timezone.now)
    edited_at = models.DateTimeField("sửa lúc", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "báo cáo tiến độ"
        verbose_name_plural = "báo cáo tiến độ"
        indexes = [models.Index(fields=["task", "unit", "created_at"], name="plan_update_idx")]

    def __str__(self) -> str:
        return f"{self.unit.label}: {self.get_status_display()} ({self.task.code})"


def evidence_path(instance: "Evidence", filename: str) -> str:
    # Random names: the stored path says nothing about the task or the agency.
    return f"plan/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class Evidence(models.Model):
    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField("dung lượng")
    original_name = models.CharField("tên tệp gốc", max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = "minh chứng"
        verbose_name_plural = "minh chứng"

    def __str__(self) -> str:
        return self.original_name or self.file.name

    def get_absolute_url(self) -> str:
        return reverse("plan:evidence", args=[self.pk])

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Link(models.Model):
    """A reference from an update to something another app owns (a tip, a content item, an event, a DNA
    round): ``kind`` names the owning app's resolver (``links.py``), ``ref`` its identifier there. What is shown
    is resolved again for each viewer, by the owning app's rules."""

    update = models.ForeignKey(Update, on_delete=models.CASCADE, related_name="links")
    kind = models.CharField("loại", max_length=30)
    ref = models.CharField("mã", max_length=100)

    class Meta:
        ordering = ["update", "id"]
        verbose_name = "liên kết"
        verbose_name_plural = "liên kết"
        constraints = [models.UniqueConstraint(fields=["update", "kind", "ref"], name="link_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.ref}"


class ReminderKind(models.TextChoices):
    DUE = "due", "Sắp đến hạn"
    OVERDUE = "overdue", "Quá hạn"


class Reminder(models.Model):
    """A reminder sent to an agency about one check-in (each kind once)."""

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="reminders")
    unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["check_in", "unit", "kind"]
        verbose_name = "lời nhắc"
        verbose_name_plural = "lời nhắc"
        constraints = [models.UniqueConstraint(fields=["check_in", "unit", "kind"], name="reminder_once")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.check_in} → {self.unit}"
