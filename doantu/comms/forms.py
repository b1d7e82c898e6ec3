"""Forms of the communication pages. Choices are limited to the user's ward (and, for a group or a school, to its
own unit and to activities); the services check again."""

from django import forms

from doantu.org.models import OrgUnit, Role, User

from . import access
from .models import (
    ACTIVITY_KINDS,
    Channel,
    ChannelKind,
    ContentItem,
    ContentKind,
    ContentStatus,
    FileKind,
    Target,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class ItemForm(forms.ModelForm):
    channels = forms.ModelMultipleChoiceField(
        label="Kênh", queryset=Channel.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = ContentItem
        fields = [
            "title",
            "kind",
            "topic",
            "planned_date",
            "planned_time",
            "channels",
            "owner_unit",
            "owner",
            "production",
            "relayed_from",
            "summary",
            "place",
            "peak",
            "public",
        ]
        widgets = {
            "planned_date": DATE,
            "planned_time": TIME,
            "summary": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, user, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].queryset = Channel.objects.filter(ward=ward, active=True)
        units = ward.descendants().filter(active=True).order_by("kind", "sort_order", "name")
        if user.role in access.ACTIVITY_ROLES:
            units = OrgUnit.objects.filter(pk=user.unit_id)
            self.fields["kind"].choices = [(k, v) for k, v in ContentKind.choices if k in ACTIVITY_KINDS]
            self.fields["owner_unit"].initial = user.unit_id
            del self.fields["public"]
        self.fields["owner_unit"].queryset = units
        self.fields["owner"].queryset = User.objects.filter(
            is_active=True, unit__in=ward.descendants()
        ).exclude(role__in=["", Role.PROVINCE])
        self.fields["peak"].queryset = (
            access.peaks_visible_to(user).filter(ward=ward).select_related("peak_date")
        )
        self.fields["place"].help_text = "Bắt buộc với hội nghị, họp tổ, hoạt động trường học."
        if self.instance.pk:
            self.fields["channels"].initial = list(self.instance.channels.values_list("pk", flat=True))


class ReviewForm(forms.Form):
    note = forms.CharField(label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Lý do", widget=forms.Textarea(attrs={"rows": 2}))


class PublishForm(forms.Form):
    evidence_url = forms.URLField(label="Đường dẫn bài đăng", required=False, assume_scheme="https")
    evidence_photo = forms.FileField(label="Hoặc ảnh chụp minh chứng", required=False)
    published_at = forms.DateTimeField(
        label="Đăng / thực hiện lúc",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text="Để trống: bây giờ.",
    )
    attendance = forms.IntegerField(label="Số người tham dự", required=False, min_value=0)


class ReachForm(forms.Form):
    channel = forms.ModelChoiceField(label="Kênh", queryset=Channel.objects.none(), required=False)
    measured_on = forms.DateField(label="Ngày số liệu", widget=DATE)
    views = forms.IntegerField(label="Lượt xem, tiếp cận", min_value=0, required=False)
    reactions = forms.IntegerField(label="Lượt cảm xúc", min_value=0, required=False)
    shares = forms.IntegerField(label="Lượt chia sẻ", min_value=0, required=False)
    comments = forms.IntegerField(label="Bình luận", min_value=0, required=False)
    broadcasts = forms.IntegerField(label="Lượt phát thanh", min_value=0, required=False)

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = item.channels.all()


class FileForm(forms.Form):
    kind = forms.ChoiceField(label="Loại tệp", choices=FileKind.choices)
    file = forms.FileField(label="Tệp (kịch bản Word .docx hoặc .txt, ảnh, video, ghi âm, PDF)")


class ImportForm(forms.Form):
    file = forms.FileField(label="Tệp xuất từ Facebook (CSV hoặc XLSX)")
    measured_on = forms.DateField(label="Ngày số liệu", widget=DATE)


class TickForm(forms.Form):
    evidence_url = forms.URLField(label="Đường dẫn minh chứng", required=False, assume_scheme="https")
    evidence_photo = forms.FileField(label="Hoặc ảnh chụp", required=False)
    evidence_item = forms.ModelChoiceField(
        label="Hoặc sản phẩm đã đăng", queryset=ContentItem.objects.none(), required=False
    )
    note = forms.CharField(label="Ghi chú", required=False)

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence_item"].queryset = ContentItem.objects.filter(
            ward=ward, status=ContentStatus.PUBLISHED
        ).order_by("-published_at")


class CalendarFilterForm(forms.Form):
    channel = forms.ModelChoiceField(label="Kênh", queryset=Channel.objects.none(), required=False)
    unit = forms.ModelChoiceField(label="Đơn vị", queryset=OrgUnit.objects.none(), required=False)
    status = forms.ChoiceField(
        label="Trạng thái", choices=[("", "Tất cả")] + ContentStatus.choices, required=False
    )

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.filter(ward=ward)
        self.fields["unit"].queryset = OrgUnit.objects.filter(
            pk__in=ContentItem.objects.filter(ward=ward).values("owner_unit")
        ).order_by("name")


class TargetForm(forms.ModelForm):
    kinds = forms.MultipleChoiceField(
        label="Loại sản phẩm được tính (để trống: mọi loại)",
        choices=ContentKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    channel_kinds = forms.MultipleChoiceField(
        label="Loại kênh được tính (để trống: mọi kênh)",
        choices=ChannelKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Target
        fields = [
            "name",
            "code",
            "period",
            "minimum",
            "maximum",
            "kinds",
            "channel_kinds",
            "social_only",
            "owner_unit",
            "warn_from_day",
            "basis",
        ]

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_unit"].queryset = (
            ward.descendants().filter(active=True).order_by("kind", "sort_order")
        )
        self.fields["code"].help_text = "Chữ thường, không dấu, nối bằng gạch ngang, ví dụ: loa-hang-tuan"
        self.fields[
            "warn_from_day"
        ].help_text = "Chỉ tiêu tháng: ngày trong tháng; chỉ tiêu tuần: thứ (1 = Thứ Hai … 7)."
