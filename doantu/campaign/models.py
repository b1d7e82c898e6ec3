"""A unit's campaign plan: its phases and peak dates (plan section VI). Communication work, the task table
and reports will hang on this."""

from django.db import models

from doantu.org.models import OrgUnit


class Campaign(models.Model):
    unit = models.ForeignKey(
        OrgUnit, verbose_name="đơn vị", on_delete=models.PROTECT, related_name="campaigns"
    )
    parent = models.ForeignKey(
        "self", verbose_name="kế hoạch cấp trên", null=True, blank=True, on_delete=models.SET_NULL
    )
    slug = models.SlugField("mã", max_length=60)
    name = models.CharField("tên", max_length=300)
    plan_number = models.CharField("số kế hoạch", max_length=60, blank=True)
    plan_date = models.DateField("ngày ban hành", null=True, blank=True)
    starts = models.DateField("bắt đầu")
    ends = models.DateField("kết thúc")

    class Meta:
        ordering = ["-starts"]
        verbose_name = "chiến dịch"
        verbose_name_plural = "chiến dịch"
        constraints = [models.UniqueConstraint(fields=["unit", "slug"], name="campaign_unique_slug_in_unit")]

    def __str__(self) -> str:
        return self.name

    def phase_on(self, day):
        return self.phases.filter(starts__lte=day, ends__gte=day).first()


class Phase(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="phases")
    number = models.PositiveSmallIntegerField("giai đoạn")
    starts = models.DateField("từ ngày")
    ends = models.DateField("đến ngày")
    goal = models.TextField("mục tiêu", blank=True)
    focus = models.TextField("nhiệm vụ trọng tâm", blank=True)

    class Meta:
        ordering = ["campaign", "number"]
        verbose_name = "giai đoạn"
        verbose_name_plural = "giai đoạn"
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="phase_unique_number")]

    def __str__(self) -> str:
        return f"Giai đoạn {self.number} ({self.starts:%d/%m/%Y} – {self.ends:%d/%m/%Y})"


class PeakDate(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="peak_dates")
    date = models.DateField("ngày")
    name = models.CharField("dịp", max_length=200)

    class Meta:
        ordering = ["campaign", "date"]
        verbose_name = "đợt cao điểm"
        verbose_name_plural = "đợt cao điểm"
        constraints = [models.UniqueConstraint(fields=["campaign", "date"], name="peak_unique_date")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y}: {self.name}"
