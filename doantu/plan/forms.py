from django import forms

from doantu.tips.forms import MultipleFileField, MultipleFileInput

from . import links
from .models import UpdateStatus


def link_field_name(kind: str) -> str:
    return f"link_{kind}"


class UpdateForm(forms.Form):
    status = forms.ChoiceField(label="Tình trạng", choices=UpdateStatus.choices)
    check_in = forms.ChoiceField(label="Cho kỳ báo cáo", required=False)
    narrative = forms.CharField(
        label="Nội dung báo cáo",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Đã làm gì, ở đâu, kết quả (số lượng), vướng mắc và đề xuất.",
    )
    files = MultipleFileField(
        label="Tệp minh chứng",
        required=False,
        help_text="Ảnh chụp băng-rôn, buổi sinh hoạt, văn bản PDF… (ảnh được xóa thông tin vị trí GPS).",
        widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf,video/*,audio/*"}),
    )

    def __init__(self, *args, check_ins=(), with_check_in=True, **kwargs):
        super().__init__(*args, **kwargs)
        if with_check_in:
            self.fields["check_in"].choices = [("", "— Không gắn kỳ báo cáo —")] + [
                (str(c.pk), f"{c.label} — hạn {c.due:%d/%m/%Y}") for c in check_ins
            ]
        else:
            del self.fields["check_in"]
        for name, kind in links.KINDS.items():
            self.fields[link_field_name(name)] = forms.CharField(
                label=f"Liên kết: {kind.label.lower()}",
                required=False,
                max_length=500,
                help_text=f"{kind.hint}; nhiều mã cách nhau bởi dấu phẩy.",
            )

    def link_refs(self) -> list[tuple[str, str]]:
        refs = []
        for name in links.KINDS:
            for ref in (self.cleaned_data.get(link_field_name(name)) or "").split(","):
                if ref.strip():
                    refs.append((name, ref.strip()))
        return refs


class ImportForm(forms.Form):
    ward = forms.ModelChoiceField(label="Phường/xã", queryset=None, empty_label=None)
    file = forms.FileField(
        label="Tệp kế hoạch (.xlsx)",
        help_text="Bốn trang: Kế hoạch, Phụ lục, Cơ quan, Tổ chức thực hiện (xem hướng dẫn dưới đây).",
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )

    def __init__(self, *args, wards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ward"].queryset = wards
