from django import forms

from doantu.org.models import OrgUnit, UnitKind
from doantu.registry.choices import Relationship

from .models import ConsentMethod, Recipient, Result

ALIVE = [("", "Chưa rõ"), ("yes", "Còn sống"), ("no", "Đã mất")]


def _groups(ward):
    return OrgUnit.objects.filter(parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, active=True).order_by(
        "sort_order"
    )


class DonorForm(forms.Form):
    full_name = forms.CharField(label="Họ và tên", max_length=150)
    relationship = forms.ChoiceField(label="Quan hệ với liệt sĩ", choices=Relationship.choices)
    sex = forms.ChoiceField(
        label="Giới tính", choices=[("", "—"), ("Nữ", "Nữ"), ("Nam", "Nam")], required=False
    )
    birth = forms.CharField(label="Năm sinh", max_length=40, required=False)
    alive = forms.ChoiceField(label="Còn sống", choices=ALIVE, required=False)
    residential_group = forms.ModelChoiceField(
        label="Tổ dân phố nơi ở", queryset=OrgUnit.objects.none(), required=False
    )
    residence = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    phone = forms.CharField(label="Điện thoại", max_length=20, required=False)
    id_number = forms.CharField(label="Số CCCD", max_length=20, required=False)
    offered = forms.BooleanField(label="Người này đã đăng ký cho mẫu", required=False)

    def __init__(self, *args, ward=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residential_group"].queryset = _groups(ward)

    def values(self) -> dict:
        d = self.cleaned_data
        alive = {"yes": True, "no": False}.get(d["alive"])
        keys = ("full_name", "relationship", "sex", "birth", "residence", "phone", "id_number")
        return {**{k: d[k] for k in keys}, "alive": alive}


class ConsentForm(forms.Form):
    informed = forms.BooleanField(
        label="Đã đọc cho người cho mẫu: mục đích, nơi nhận dữ liệu, thời gian lưu giữ và quyền rút lại (nội dung ở trên)",
        required=False,
    )
    recipients = forms.MultipleChoiceField(
        label="Người cho mẫu đồng ý chuyển dữ liệu và mẫu cho",
        choices=Recipient.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    method = forms.ChoiceField(
        label="Hình thức đồng ý", choices=ConsentMethod.choices, widget=forms.RadioSelect
    )
    form_file = forms.FileField(label="Phiếu đồng ý có chữ ký (ảnh hoặc PDF)", required=False)
    witness = forms.CharField(label="Người làm chứng (nếu đồng ý bằng lời)", max_length=150, required=False)
    notify_family = forms.BooleanField(label="Đồng ý được nhắn tin báo kết quả", required=False)


class RoundForm(forms.Form):
    name = forms.CharField(label="Tên đợt", max_length=200)
    date = forms.DateField(label="Ngày lấy mẫu", widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label="Địa điểm", max_length=300)


class ResultForm(forms.Form):
    result = forms.ChoiceField(label="Kết quả", choices=Result.choices)
    grave = forms.IntegerField(label="Số hiệu mộ trong hệ thống (nếu trùng khớp)", required=False)
    reference = forms.CharField(label="Số kết luận giám định", max_length=100, required=False)


class ImportForm(forms.Form):
    file = forms.FileField(label="Danh sách thân nhân (Excel .xlsx)")
