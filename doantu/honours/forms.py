"""Forms of the commendation pages; the services decide and write."""

from django import forms

from doantu.tips.forms import MultipleFileField

from .models import AwardForm, Category, NomineeKind, Review

REQUIRED = "Vui lòng điền mục này."


def _err(**extra):
    return {
        "required": REQUIRED,
        "invalid": "Giá trị không hợp lệ.",
        "invalid_choice": "Hãy chọn trong danh sách.",
    } | extra


class NominationForm(forms.Form):
    kind = forms.ChoiceField(label="Tập thể / cá nhân", choices=NomineeKind.choices, error_messages=_err())
    category = forms.ChoiceField(label="Đối tượng", choices=Category.choices, error_messages=_err())
    name = forms.CharField(label="Tên tập thể / họ và tên", max_length=200, error_messages=_err())
    unit = forms.ModelChoiceField(
        label="Đơn vị trong hệ thống",
        queryset=None,
        required=False,
        error_messages=_err(),
        help_text="Với tập thể: tổ dân phố, trường, cơ quan, đoàn thể của phường.",
    )
    position = forms.CharField(label="Chức vụ, nơi công tác / địa chỉ", max_length=300, required=False)
    summary = forms.CharField(
        label="Tóm tắt thành tích",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=6000,
        error_messages=_err(),
    )
    award = forms.ChoiceField(label="Hình thức đề nghị", choices=AwardForm.choices, error_messages=_err())
    review = forms.ChoiceField(
        label="Đợt", choices=Review.choices, initial=Review.FINAL_2027, error_messages=_err()
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class AchievementForm(forms.Form):
    prefix = "ach"
    source = forms.ChoiceField(label="Nguồn", choices=(), error_messages=_err())
    ref = forms.CharField(
        label="Mã đóng góp",
        required=False,
        max_length=60,
        help_text="Để trống khi tự ghi; đóng góp có trong hệ thống: mục “Dẫn thành tích từ hệ thống”.",
    )
    summary = forms.CharField(
        label="Nội dung (tự ghi)", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=6000
    )
    agreement = forms.CharField(
        label="Người cung cấp đã đồng ý được nêu (cách, ngày)",
        required=False,
        max_length=300,
        help_text="Bắt buộc với thông tin do người dân cung cấp, ví dụ: “Đồng ý qua điện thoại ngày 05/01/2027”.",
    )

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("manual", "Tự ghi"), *sources]


class EvidenceForm(forms.Form):
    prefix = "ev"
    files = MultipleFileField(
        label="Tệp minh chứng", error_messages=_err(required="Hãy chọn ít nhất một tệp.")
    )


DECISION_CHOICES = [
    (AwardForm.WARD_PRAISE, "Tặng Giấy khen của Chủ tịch UBND phường"),
    (AwardForm.HIGHER, "Đề nghị cấp trên khen thưởng"),
    ("reject", "Không khen thưởng"),
    ("return", "Trả lại để bổ sung"),
]


class DecisionForm(forms.Form):
    prefix = "dec"
    decision = forms.ChoiceField(
        label="Quyết định", choices=DECISION_CHOICES, widget=forms.RadioSelect, error_messages=_err()
    )
    number = forms.CharField(
        label="Số quyết định / tờ trình", required=False, max_length=40, help_text="Ví dụ: 125/QĐ-UBND"
    )
    date = forms.DateField(
        label="Ngày",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_err(),
    )
    note = forms.CharField(
        label="Ý kiến", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=6000
    )
