"""Forms of the watch's pages. They read and check input; the services decide and write."""

from django import forms
from django.utils import timezone

from doantu.tips.forms import MultipleFileField
from doantu.tips.uploads import limits_text

from .models import ActionKind, ActionStatus, Assessment, Platform, Severity

REQUIRED = "Vui lòng điền mục này."
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _err(**extra):
    return {
        "required": REQUIRED,
        "invalid": "Giá trị không hợp lệ.",
        "invalid_choice": "Hãy chọn trong danh sách.",
    } | extra


class EntryForm(forms.Form):
    platform = forms.ChoiceField(label="Nền tảng", choices=Platform.choices, error_messages=_err())
    link = forms.URLField(
        label="Đường dẫn",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Bỏ trống nếu là tin truyền miệng.",
        error_messages=_err(invalid="Đường dẫn không hợp lệ (dạng https://…)."),
    )
    found_at = forms.DateTimeField(
        label="Phát hiện lúc", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"], error_messages=_err()
    )
    first_seen = forms.DateField(label="Xuất hiện lần đầu (ngày)", widget=DATE, error_messages=_err())
    estimated_reach = forms.IntegerField(
        label="Lượt tiếp cận ước tính",
        required=False,
        min_value=0,
        error_messages=_err(min_value="Phải là số không âm."),
    )
    claim = forms.CharField(
        label="Nội dung sai lệch (tóm tắt)",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
        error_messages=_err(max_length="Quá dài (tối đa 6.000 ký tự)."),
    )
    assessment = forms.ChoiceField(label="Đánh giá", choices=Assessment.choices, error_messages=_err())
    severity = forms.ChoiceField(label="Mức độ", choices=Severity.choices, error_messages=_err())
    files = MultipleFileField(
        label="Ảnh chụp màn hình hoặc trang lưu (PDF)",
        required=False,
        help_text="Lưu làm chứng cứ, kèm mã SHA-256; không sửa, không xóa được. " + limits_text(),
    )
    captured_at = forms.DateTimeField(
        label="Chụp lúc",
        required=False,
        widget=DATETIME,
        input_formats=["%Y-%m-%dT%H:%M"],
        help_text="Bỏ trống: bằng thời điểm phát hiện.",
        error_messages=_err(),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["found_at"].initial = now
        self.fields["first_seen"].initial = now.date()


class EditForm(forms.Form):
    prefix = "edit"
    platform = EntryForm.base_fields["platform"]
    link = EntryForm.base_fields["link"]
    first_seen = EntryForm.base_fields["first_seen"]
    estimated_reach = EntryForm.base_fields["estimated_reach"]
    claim = EntryForm.base_fields["claim"]
    assessment = EntryForm.base_fields["assessment"]
    severity = EntryForm.base_fields["severity"]


class CaptureForm(forms.Form):
    prefix = "capture"
    files = MultipleFileField(label="Tệp", error_messages=_err(required="Hãy chọn ít nhất một tệp."))
    captured_at = forms.DateTimeField(
        label="Chụp lúc", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"], error_messages=_err()
    )
    note = forms.CharField(label="Ghi chú", required=False, max_length=300)


class ActionForm(forms.Form):
    prefix = "act"
    kind = forms.ChoiceField(label="Việc", choices=ActionKind.choices, error_messages=_err())
    description = forms.CharField(
        label="Nội dung",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=6000,
        error_messages=_err(max_length="Quá dài (tối đa 6.000 ký tự)."),
    )
    content_ref = forms.CharField(
        label="Tin bài phản bác (mục IV.5)",
        required=False,
        max_length=60,
        widget=forms.Select,
        help_text="Với bài phản bác: tin bài chủ đề IV.5 của phường (Truyền thông). Khi tin bài đã đăng và được "
        "đánh dấu hiện công khai, bài phản bác hiện trên trang chiến dịch.",
    )
    published_url = forms.URLField(
        label="Đường dẫn bài đăng",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages=_err(invalid="Đường dẫn không hợp lệ."),
    )
    platform_reference = forms.CharField(label="Mã báo cáo của nền tảng", required=False, max_length=100)
    groups = forms.ModelMultipleChoiceField(
        label="Tổ dân phố nhận hướng dẫn",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages=_err(
            invalid_choice="Hãy chọn tổ dân phố trong danh sách.",
            invalid_pk_value="Hãy chọn tổ dân phố trong danh sách.",
        ),
    )

    def __init__(self, *args, groups=None, content_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["groups"].queryset = groups
        self.fields["content_ref"].widget.choices = [("", "— Chưa gắn tin bài —"), *content_choices]


class StepForm(forms.Form):
    status = forms.ChoiceField(label="Chuyển sang", choices=ActionStatus.choices, error_messages=_err())
    note = forms.CharField(
        label="Ghi chú / trả lời", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=6000
    )
    content_ref = forms.CharField(label="Tin bài phản bác (mục IV.5)", required=False, max_length=60)
    published_url = forms.URLField(
        label="Đường dẫn bài đăng",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages=_err(invalid="Đường dẫn không hợp lệ."),
    )
    platform_reference = forms.CharField(label="Mã báo cáo của nền tảng", required=False, max_length=100)


class ReasonForm(forms.Form):
    note = forms.CharField(
        label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}), max_length=6000, error_messages=_err()
    )


def content_choices(links) -> list[tuple[str, str]]:
    """Options for choosing a rebuttal's communication item: its title and where it stands."""

    def state(link) -> str:
        if link.on_public_page:
            return "đã đăng, hiện trên trang chiến dịch"
        if link.published:
            return "đã đăng, chưa hiện công khai"
        return "chưa đăng"

    return [(link.ref, f"{link.title} ({state(link)})") for link in links]
