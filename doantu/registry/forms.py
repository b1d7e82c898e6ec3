from django import forms

from doantu.phones import PHONE_ERROR, normalise_phone
from doantu.tips.uploads import ACCEPT_ATTR

from .imports import FIELDS
from .models import ImportKind


class SearchForm(forms.Form):
    full_name = forms.CharField(
        label="Họ và tên (hoặc bí danh)",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "ví dụ: nguyen van hung"}),
    )
    birth = forms.CharField(label="Năm sinh", max_length=20, required=False)
    home_place = forms.CharField(
        label="Quê quán",
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "xã, huyện, tỉnh — tên cũ hay mới"}),
    )
    unit = forms.CharField(label="Đơn vị", max_length=200, required=False)
    death_date = forms.CharField(label="Ngày/năm hy sinh", max_length=40, required=False)
    death_place = forms.CharField(label="Nơi hy sinh", max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if not (data.get("full_name") or "").strip():
            raise forms.ValidationError("Hãy nhập họ tên (hoặc bí danh) để tra cứu.")
        return data


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="Loại danh sách",
        choices=ImportKind.choices,
        initial=ImportKind.MARTYRS,
        required=False,  # a martyr list unless said otherwise
        widget=forms.RadioSelect,
    )
    list_name = forms.CharField(
        label="Tên danh sách",
        max_length=200,
        help_text="Nhập lại cùng tên để cập nhật danh sách cũ thay vì tạo bản trùng.",
    )
    issuer = forms.CharField(label="Cơ quan cung cấp", max_length=200, required=False)
    cemetery = forms.CharField(
        label="Nghĩa trang (với danh sách mộ)",
        max_length=200,
        required=False,
        help_text="Ghi nếu tệp không có cột “Nghĩa trang”: mọi dòng thuộc nghĩa trang này.",
    )
    file = forms.FileField(
        label="Tệp Excel (.xlsx) hoặc CSV",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
    )

    def clean_kind(self):
        return self.cleaned_data.get("kind") or ImportKind.MARTYRS

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 200 * 1024 * 1024:
            raise forms.ValidationError("Tệp lớn hơn 200 MB: hãy chia nhỏ danh sách.")
        return upload


class MappingForm(forms.Form):
    """One select per field: which column of the file holds it."""

    def __init__(
        self, *args, headers: list[str], mapping: dict[str, int], fields: dict[str, str] = FIELDS, **kwargs
    ):
        super().__init__(*args, **kwargs)
        choices = [("", "— không có —")] + [(str(i), h or f"(cột {i + 1})") for i, h in enumerate(headers)]
        for name, label in fields.items():
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=choices,
                required=False,
                initial=str(mapping[name]) if name in mapping else "",
            )

    def mapping(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.cleaned_data.items() if v not in ("", None)}


class MartyrForm(forms.Form):
    def __init__(self, *args, **kwargs):
        from .models import Martyr, MartyrStatus

        super().__init__(*args, **kwargs)
        for name, label in FIELDS.items():
            if name == "external_id":
                continue
            if name == "status":
                self.fields[name] = forms.ChoiceField(
                    label=label, choices=MartyrStatus.choices, required=False
                )
            elif name == "notes":
                self.fields[name] = forms.CharField(
                    label=label, required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
                )
            else:
                # As long as the column takes (a longer value is a database error on PostgreSQL).
                self.fields[name] = forms.CharField(
                    label=label,
                    max_length=Martyr._meta.get_field(name).max_length,
                    required=name == "full_name",
                )


class GraveForm(forms.ModelForm):
    # A text column without a length: bounded here, like every free-text input.
    partial_info = forms.CharField(
        label="Thông tin một phần",
        required=False,
        max_length=2000,
        help_text="Quê, đơn vị, năm hy sinh… ghi trên bia",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        from .models import Grave

        model = Grave
        fields = Grave.EDITABLE_FIELDS


class RelativeForm(forms.Form):
    from .choices import Relationship

    full_name = forms.CharField(label="Họ và tên", max_length=150)
    relationship = forms.ChoiceField(
        label="Quan hệ với liệt sĩ", choices=[c for c in Relationship.choices if c[0]]
    )
    birth = forms.CharField(label="Năm sinh", max_length=40, required=False)
    sex = forms.ChoiceField(
        label="Giới tính", choices=[("", "—"), ("Nam", "Nam"), ("Nữ", "Nữ")], required=False
    )
    id_number = forms.CharField(label="Số CCCD", max_length=20, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    residence = forms.CharField(label="Nơi ở", max_length=300, required=False)
    alive = forms.NullBooleanField(label="Còn sống", required=False)
    dna_consent = forms.BooleanField(label="Đã đồng ý cho mẫu ADN (có văn bản đồng ý)", required=False)

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])


class DocumentForm(forms.Form):
    from .models import DocumentKind

    kind = forms.ChoiceField(label="Loại", choices=DocumentKind.choices)
    title = forms.CharField(label="Tên", max_length=200)
    description = forms.CharField(
        label="Mô tả", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    provenance = forms.CharField(
        label="Nguồn gốc (ai giữ, từ đâu)",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    file = forms.FileField(
        label="Bản chụp, bản quét",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTR}),
        help_text="Ảnh, PDF, video hoặc ghi âm; được kiểm tra và xoá thông tin ẩn (vị trí, tác giả) như tệp "
        "người dân gửi.",
    )


class WitnessForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    is_veteran = forms.BooleanField(label="Cựu chiến binh (từng chiến đấu cùng đơn vị)", required=False)
    account = forms.CharField(
        label="Lời kể",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Những gì người này biết: thời gian, địa điểm, ai chôn cất, dấu vết để nhận biết mộ.",
    )

    def clean_phone(self):
        return _clean_phone(self.cleaned_data["phone"])


def _clean_phone(raw: str) -> str:
    """A relative's or witness's phone: optional, in the canonical form of ``doantu.phones`` when given."""
    if not (raw or "").strip():
        return ""
    phone = normalise_phone(raw)
    if phone is None:
        raise forms.ValidationError(PHONE_ERROR)
    return phone
