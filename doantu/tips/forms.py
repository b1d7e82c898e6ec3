"""Forms. ``TipForm`` validates a public submission for both the web form and the JSON API, so the rules and
their Vietnamese messages live in one place."""

import json
import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from doantu.api_errors import form_errors
from doantu.org.models import OrgUnit, UnitKind
from doantu.phones import PHONE_ERROR, normalise_phone
from doantu.registry.choices import DNA_WHY, dna_guidance, maternal_line_order_text

from .models import (
    MARTYR_DETAIL_FIELDS,
    PRIVACY_HELP,
    STAFF_CHANNELS,
    ConsentMethod,
    ForwardOutcome,
    LocationSource,
    Privacy,
    Relationship,
    TipKind,
    TipStatus,
)
from .services import MAX_MARTYRS, Submission, WorkflowError, check_enlistment_year
from .uploads import ACCEPT_ATTR, limits_text, prepare_uploads

SUBMISSION_KEY_RE = re.compile(r"^[A-Za-z0-9_-]{16,64}$")

REQUIRED = "Vui lòng điền mục này."


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


# The kinds in the person's own words (the first person, no office terms); staff read TipKind's labels.
PUBLIC_KIND_LABELS = {
    TipKind.MARTYR: "Tôi biết về một liệt sĩ",
    TipKind.GRAVE: "Tôi biết nơi có mộ liệt sĩ",
    TipKind.RELATIVE: "Tôi là người thân của liệt sĩ",
    TipKind.WITNESS: "Tôi đã chứng kiến, cùng chiến đấu, chôn cất",
    TipKind.ARTIFACT: "Tôi có kỷ vật, giấy tờ (thư, giấy báo tử…)",
    TipKind.OTHER: "Điều khác",
}
# Which parts of the form each kind needs (the page shows a part if one of the chosen kinds needs it; without
# JavaScript every part shows). "martyrs": the named martyrs' details; "place": where; "dna": relatives only.
KIND_SECTIONS = {
    TipKind.MARTYR: ("martyrs",),
    TipKind.GRAVE: ("martyrs", "place"),
    TipKind.RELATIVE: ("martyrs", "dna"),
    TipKind.WITNESS: ("martyrs", "place"),
    TipKind.ARTIFACT: ("martyrs",),
    TipKind.OTHER: ("place",),
}
# Fields a tip posted before several kinds and martyrs existed (an API client, a page loaded before an upgrade)
# still sends: read as the first kind and the first martyr.
LEGACY_MARTYR_FIELDS = {f"martyr_{name}": name for name in MARTYR_DETAIL_FIELDS}


class MartyrForm(forms.Form):
    """What the person knows about one martyr the tip names (all optional; a block left empty is ignored)."""

    name = forms.CharField(label="Họ và tên liệt sĩ", max_length=200, required=False)
    birth_year = forms.CharField(
        label="Năm sinh",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
    )
    home_place = forms.CharField(
        label="Quê ở đâu",
        max_length=300,
        required=False,
        help_text="Xã (làng), huyện, tỉnh — tên cũ cũng được.",
    )
    alias = forms.CharField(label="Tên gọi khác", max_length=200, required=False)
    unit = forms.CharField(
        label="Đơn vị",
        max_length=200,
        required=False,
        help_text="Ví dụ: Đại đội 3, Tiểu đoàn 1, Trung đoàn 141",
    )
    enlistment_year = forms.CharField(
        label="Năm nhập ngũ",
        max_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    death_date = forms.CharField(label="Ngày hoặc năm hy sinh", max_length=40, required=False)
    death_place = forms.CharField(label="Hy sinh ở đâu", max_length=300, required=False)
    burial_place = forms.CharField(label="Chôn cất lúc đầu ở đâu", max_length=300, required=False)

    # Shown at once (the two years side by side); the rest behind "Biết thêm…" (a <details>: no JavaScript).
    FIRST = ("name", "birth_year", "enlistment_year", "home_place")

    def __init__(self, *args, number: int, **kwargs):
        super().__init__(*args, prefix=f"m{number}", **kwargs)
        self.number = number

    def clean(self):
        data = super().clean()
        if "enlistment_year" not in self.errors:
            try:
                data["enlistment_year"] = check_enlistment_year(
                    data.get("enlistment_year"), data.get("birth_year")
                )
            except WorkflowError as exc:
                self.add_error("enlistment_year", str(exc))
        return data

    @property
    def first_fields(self):
        return [self[name] for name in self.FIRST]

    @property
    def years(self):
        return [self["birth_year"], self["enlistment_year"]]

    @property
    def more_fields(self):
        return [self[name] for name in self.fields if name not in self.FIRST]

    @property
    def more_open(self) -> bool:
        """The "Biết thêm…" part starts open when it holds something (or an error) the person must see."""
        if not self.is_bound:
            return False
        return any(self.errors.get(b.name) or (b.value() or "") for b in self.more_fields)

    def values(self) -> dict:
        d = self.cleaned_data
        return {
            name: (d.get(name) if name == "enlistment_year" else (d.get(name) or "").strip())
            for name in self.fields
        }

    @property
    def filled(self) -> bool:
        return self.is_bound and any(
            str(self.data.get(self.add_prefix(n)) or "").strip() for n in self.fields
        )


def _martyr_numbers(data) -> int:
    """How many martyr blocks a posted form carries: its ``martyr_count`` or the highest block posted."""
    highest = 0
    for key in data or {}:
        if key[:1] == "m" and "-" in key and key[1 : key.index("-")].isdigit():
            highest = max(highest, int(key[1 : key.index("-")]))
    try:
        count = int((data or {}).get("martyr_count") or 1)
    except (TypeError, ValueError):
        count = 1
    return max(1, min(MAX_MARTYRS, max(count, highest)))


def _upgrade_legacy(data):
    """A post in the old shape (one ``kind``, ``martyr_*`` fields) read as the new one (``kinds``, block 1)."""
    if data is None or not hasattr(data, "getlist"):
        return data
    if "kinds" in data and not any(k in data for k in ("kind", *LEGACY_MARTYR_FIELDS)):
        return data
    data = data.copy()
    if "kind" in data and "kinds" not in data:
        data.setlist("kinds", data.getlist("kind"))
    for old, new in LEGACY_MARTYR_FIELDS.items():
        if old in data and f"m1-{new}" not in data:
            data[f"m1-{new}"] = data[old]
    return data


class KindsField(forms.MultipleChoiceField):
    """Tick boxes; an empty value sent (an API client's ``kinds=``) is no choice, not a wrong one."""

    def to_python(self, value):
        return [v for v in super().to_python(value) if v]


class TipForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    kinds = KindsField(
        label="Bạn muốn cho biết điều gì?",
        help_text="Chọn một hoặc nhiều ô.",
        choices=[(k.value, PUBLIC_KIND_LABELS[k]) for k in TipKind],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Hãy chọn ít nhất một ô: bạn muốn cho biết điều gì.",
            "invalid_choice": "Lựa chọn không hợp lệ; hãy chọn lại.",
        },
    )
    martyr_count = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1, max_value=10)
    account = forms.CharField(
        label="Bạn biết những gì? Hãy kể lại",
        help_text="Kể bằng lời của bạn: ai, ở đâu, khi nào, bạn nghe từ ai. Viết thế nào cũng được.",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        min_length=5,
        error_messages={
            "required": "Hãy kể vài dòng về điều bạn biết.",
            "min_length": "Hãy kể thêm một chút (ít nhất vài từ).",
            "max_length": "Nội dung quá dài (tối đa 10.000 ký tự); có thể gửi thêm ảnh hoặc tệp.",
        },
    )
    latitude = forms.DecimalField(
        label="Vĩ độ",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        error_messages={"invalid": "Vĩ độ phải là số, ví dụ 22.146"},
    )
    longitude = forms.DecimalField(
        label="Kinh độ",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        error_messages={"invalid": "Kinh độ phải là số, ví dụ 105.834"},
    )
    location_accuracy_m = forms.IntegerField(
        required=False, min_value=0, max_value=100000, widget=forms.HiddenInput
    )
    location_source = forms.ChoiceField(
        choices=LocationSource.choices, required=False, widget=forms.HiddenInput
    )
    location_description = forms.CharField(
        label="Chỗ đó ở đâu? Tả lại",
        help_text="Ví dụ: gốc cây đa đầu bản, cách suối 200 m; khu đồi sau trường cũ…",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    files = MultipleFileField(
        label="Chọn tệp hoặc chụp ảnh",
        help_text="Ảnh chụp thư, giấy báo tử, bản đồ vẽ tay, kỷ vật… Chọn được nhiều tệp.",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTR}),
    )

    anonymous = forms.BooleanField(
        label="Tôi muốn giấu tên", required=False, help_text=PRIVACY_HELP[Privacy.ANONYMOUS]
    )
    # With a name: who may know it. The anonymous choice is the box above (the API may also send "anonymous").
    privacy = forms.CharField(
        label="Ai được biết tên và số điện thoại của bạn?",
        required=False,
        max_length=10,
        initial=Privacy.WARD,
        widget=forms.RadioSelect(
            choices=[(c.value, PRIVACY_HELP[c]) for c in (Privacy.WARD, Privacy.AGENCIES)]
        ),
    )
    reporter_name = forms.CharField(
        label="Họ và tên của bạn",
        max_length=150,
        required=False,
    )
    reporter_phone = forms.CharField(
        label="Số điện thoại",
        max_length=20,
        required=False,
        help_text="Để cán bộ gọi lại và để bạn tra cứu kết quả.",
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )
    reporter_address = forms.CharField(label="Địa chỉ", max_length=300, required=False)
    residential_group = forms.ModelChoiceField(
        label="Tổ dân phố",
        queryset=OrgUnit.objects.none(),
        required=False,
        empty_label="— Không thuộc / ở nơi khác —",
    )
    relationship = forms.ChoiceField(
        label="Bạn là gì của liệt sĩ?", choices=Relationship.choices, required=False
    )
    dna_offer = forms.BooleanField(
        label="Tôi muốn cho mẫu ADN (lấy ít máu hoặc nước bọt, miễn phí) để tìm hài cốt liệt sĩ",
        required=False,
    )

    consent_processing = forms.BooleanField(
        label="Tôi đồng ý để UBND phường dùng thông tin này cho việc tìm kiếm, quy tập, xác định danh tính liệt sĩ "
        "và chuyển nội dung cho Ban Chỉ huy Quân sự, Công an phường và cơ quan có thẩm quyền cấp trên để xác minh. "
        "Tên và số điện thoại của tôi chỉ được chia sẻ theo lựa chọn của tôi ở mục Liên hệ.",
        required=True,
        error_messages={"required": "Cần có sự đồng ý này để tiếp nhận thông tin."},
    )
    consent_contact = forms.BooleanField(
        label="Tôi đồng ý để cán bộ liên hệ với tôi qua số điện thoại trên. Họ tên và số điện thoại của tôi "
        "được mã hóa và chỉ những người tôi chọn ở trên được xem.",
        required=False,
    )
    consent_dna = forms.BooleanField(
        label="Tôi hiểu thông tin về quan hệ huyết thống và mẫu ADN là dữ liệu cá nhân nhạy cảm; tôi đồng ý để "
        "chuyển cho Công an (cơ quan lấy mẫu) và Sở Nội vụ chỉ nhằm xác định danh tính liệt sĩ. Tôi có thể rút lại "
        "sự đồng ý bất cứ lúc nào.",
        required=False,
    )

    def __init__(self, data=None, *args, ward: OrgUnit, held=(), extra_martyr: bool = False, **kwargs):
        data = _upgrade_legacy(data)
        super().__init__(data, *args, **kwargs)
        self.ward = ward
        count = _martyr_numbers(data) if data is not None else int(self.initial.get("martyr_count") or 1)
        if extra_martyr:  # "Thêm liệt sĩ" pressed without JavaScript: one more empty block
            count = min(MAX_MARTYRS, count + 1)
        self.martyr_forms = [
            MartyrForm(data if self.is_bound else None, number=n, initial=self.initial.get(f"m{n}"))
            for n in range(1, count + 1)
        ]
        if self.is_bound:  # the page carries as many blocks as it shows
            self.data = self.data.copy() if hasattr(self.data, "copy") else dict(self.data)
            self.data["martyr_count"] = str(count)
        if extra_martyr:
            self.martyr_forms[-1].fields["name"].widget.attrs["autofocus"] = True
        self.can_add_martyr = count < MAX_MARTYRS
        self.held = list(held)  # files kept from a failed attempt (tips.held), counted in the limits
        self.prepared_files = []
        self.prepared_consent_slip = None
        self.fields["residential_group"].queryset = OrgUnit.objects.filter(
            parent=ward, kind=UnitKind.RESIDENTIAL_GROUP, active=True
        ).order_by("sort_order", "name")
        self.files_limits = (
            limits_text()
        )  # under "Giới hạn tệp": the sizes matter to few, and only on a refusal
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)

    SHORT_LABELS = {
        "kinds": "Bạn muốn cho biết điều gì",
        "consent_processing": "Sự đồng ý để xử lý thông tin",
        "consent_contact": "Sự đồng ý để được liên hệ",
        "consent_dna": "Sự đồng ý về dữ liệu ADN",
        "dna_offer": "Đăng ký cho mẫu ADN",
        "files": "Tệp đính kèm",
        "privacy": "Ai được biết tên và số điện thoại",
    }

    # DNA guidance by relationship (one source: doantu.registry.choices), shown after a submit without JavaScript
    # and on change with it (the whole table rides along in one attribute of the cached form).
    dna_why = DNA_WHY

    @property
    def maternal_line_order(self) -> str:
        return maternal_line_order_text()

    @property
    def dna_guidance_json(self) -> str:
        return json.dumps(
            {value: dna_guidance(value) for value in Relationship.values if value}, ensure_ascii=False
        )

    @property
    def chosen_dna_guidance(self) -> dict | None:
        return dna_guidance(self["relationship"].value() or "") if self.is_bound else None

    kind_sections_json = json.dumps({k.value: list(v) for k, v in KIND_SECTIONS.items()})

    def full_clean(self):
        super().full_clean()
        for block in getattr(self, "martyr_forms", []):
            block.full_clean()

    def is_valid(self) -> bool:
        valid = super().is_valid()
        return all([valid, *(block.is_valid() for block in self.martyr_forms)])

    quiet = False

    def quiet_except_files(self) -> None:
        """Forget every error but the files' (the person pressed "Thêm liệt sĩ", not "Gửi"): nothing to correct
        yet, but a file that cannot be kept must be said."""
        from django.forms.utils import ErrorDict

        kept = ErrorDict({k: v for k, v in self.errors.items() if k == "files"})
        self._errors = kept
        for block in self.martyr_forms:
            block._errors = ErrorDict()
        self.quiet = not kept

    @property
    def has_errors(self) -> bool:
        return bool(self.errors) or any(block.errors for block in self.martyr_forms)

    def error_dict(self) -> dict[str, list[str]]:
        """Every error as ``{field name as posted: [messages]}`` (the martyr blocks' as ``m1-name``, …)."""
        out = form_errors(self)
        for block in self.martyr_forms:
            out |= {block.add_prefix(name): msgs for name, msgs in form_errors(block).items()}
        return out

    def martyrs(self) -> list[dict]:
        """The filled martyr blocks' values, in order (empty blocks dropped)."""
        return [block.values() for block in self.martyr_forms if block.filled]

    def error_summary(self) -> list[tuple[str, str]]:
        """(anchor, short label) of each field with an error, in form order, for the summary at the top."""
        rows = []
        for name in self.fields:
            if name in self.errors:
                rows.append(
                    (f"f-{self[name].html_name}", self.SHORT_LABELS.get(name, self.fields[name].label))
                )
            if name == "account":  # the martyr blocks come after the account on the page
                for block in self.martyr_forms:
                    for field_name in block.fields:
                        if field_name in block.errors:
                            label = f"Liệt sĩ thứ {block.number}: {block.fields[field_name].label}"
                            rows.append((f"f-{block[field_name].html_name}", label))
        return rows

    def clean_submission_key(self):
        key = self.cleaned_data["submission_key"]
        if not SUBMISSION_KEY_RE.match(key):
            raise forms.ValidationError("Phiên gửi không hợp lệ; hãy tải lại trang và gửi lại.")
        return key

    def clean_privacy(self):
        value = (self.cleaned_data.get("privacy") or "").strip()
        if value and value not in Privacy.values:
            raise forms.ValidationError("Hãy chọn ai được biết tên và số điện thoại của bạn.")
        return value

    def clean_files(self):
        uploads: list[UploadedFile] = self.cleaned_data.get("files") or []
        if self.held and uploads:
            count = len(self.held) + len(uploads)
            if count > settings.TIP_MAX_FILES:
                raise forms.ValidationError(
                    f"Chỉ gửi được tối đa {settings.TIP_MAX_FILES} tệp mỗi lần (kể cả {len(self.held)} tệp "
                    f"đã giữ lại từ lần trước; bạn có {count})."
                )
            total = sum(h.size for h in self.held) + sum(u.size or 0 for u in uploads)
            if total > settings.TIP_MAX_TOTAL_MB * 1024 * 1024:
                raise forms.ValidationError(
                    f"Tổng dung lượng các tệp (kể cả tệp đã giữ lại) vượt quá {settings.TIP_MAX_TOTAL_MB} MB."
                )
        prepared, errors = prepare_uploads(uploads)
        if errors:
            raise forms.ValidationError(errors)
        self.prepared_files = prepared
        return uploads

    def clean(self):
        data = super().clean()
        lat, lng = data.get("latitude"), data.get("longitude")
        if (
            (lat is None) != (lng is None)
            and "latitude" not in self.errors
            and "longitude" not in self.errors
        ):
            self.add_error(
                "latitude" if lat is None else "longitude", "Cần cả vĩ độ và kinh độ (hoặc bỏ trống cả hai)."
            )
        if lat is not None and lng is not None and not data.get("location_source"):
            data["location_source"] = LocationSource.TYPED
        if lat is None or lng is None:
            data["location_source"] = ""
            data["location_accuracy_m"] = None

        if data.get("privacy") == Privacy.ANONYMOUS:
            data["anonymous"] = True
        if data.get("anonymous"):
            data["privacy"] = Privacy.ANONYMOUS
        elif data.get("privacy") != Privacy.AGENCIES:
            data["privacy"] = Privacy.WARD  # the default, and never wider than chosen
        if data.get("anonymous"):
            if data.get("dna_offer"):
                self.add_error(
                    "dna_offer",
                    "Để cho mẫu ADN cần để lại họ tên và số điện thoại (cơ quan lấy mẫu phải liên hệ với bạn).",
                )
        else:
            if not (data.get("reporter_name") or "").strip():
                self.add_error("reporter_name", "Hãy cho biết họ tên, hoặc chọn “Tôi muốn giấu tên”.")
            raw_phone = data.get("reporter_phone") or ""
            phone = normalise_phone(raw_phone)
            if not raw_phone.strip():
                self.add_error("reporter_phone", "Hãy để lại số điện thoại, hoặc chọn “Tôi muốn giấu tên”.")
            elif phone is None:
                self.add_error("reporter_phone", PHONE_ERROR)
            else:
                data["reporter_phone"] = phone
            if not data.get("consent_contact"):
                self.add_error("consent_contact", "Cần đồng ý để cán bộ liên hệ lại (hoặc chọn giấu tên).")
        if data.get("dna_offer"):
            if not data.get("relationship"):
                self.add_error("relationship", "Hãy cho biết bạn là gì của liệt sĩ.")
            if not data.get("consent_dna"):
                self.add_error("consent_dna", "Cần đồng ý về dữ liệu ADN để đăng ký cho mẫu.")
        return data

    def submission(self) -> Submission:
        d = self.cleaned_data
        fields = {name: d.get(name) for name in Submission.__dataclass_fields__ if name in d}
        fields["kinds"] = list(d.get("kinds") or [])
        fields["martyrs"] = self.martyrs()
        for name, value in list(fields.items()):
            if isinstance(value, str):
                fields[name] = value.strip()
            if isinstance(value, Decimal):
                fields[name] = value
        fields["dna_offer"] = bool(d.get("dna_offer"))
        fields["consent_dna"] = bool(d.get("consent_dna")) and fields["dna_offer"]
        return Submission(**fields)


class StaffTipForm(TipForm):
    """A tip given on paper, by phone or in person, entered by staff for the person who gave it: the public
    form's fields and rules (``TipForm``, one set of rules for every route), worded for the one who enters,
    plus the channel, the source, and how the person consented — a signed slip (with its photo) or orally
    before a named witness — instead of first-person boxes ticked on their behalf."""

    channel = forms.ChoiceField(
        label="Nhận qua",
        choices=[(c.value, c.label) for c in STAFF_CHANNELS],
        widget=forms.RadioSelect,
        error_messages={"required": "Hãy chọn thông tin nhận qua phiếu giấy, điện thoại hay trực tiếp."},
    )
    source = forms.ModelChoiceField(
        label="Nguồn (mã QR, kênh)",
        queryset=None,
        empty_label=None,
        error_messages={"invalid_choice": "Bạn không nhập được thông tin cho nguồn này."},
    )
    consent_method = forms.ChoiceField(
        label="Người cung cấp đã đồng ý bằng cách nào",
        choices=[(c.value, c.label) for c in (ConsentMethod.SIGNED_SLIP, ConsentMethod.ORAL)],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Hãy ghi người cung cấp đã đồng ý bằng cách nào (ký phiếu hay bằng lời)."
        },
    )
    consent_witness = forms.CharField(
        label="Người chứng kiến việc đồng ý bằng lời (họ tên, chức vụ)",
        help_text="Ví dụ: Nguyễn Văn An, tổ trưởng tổ dân phố 3 (có thể là chính bạn).",
        max_length=200,
        required=False,
    )
    consent_slip = forms.FileField(
        label="Ảnh chụp phiếu có chữ ký đồng ý",
        help_text="Chụp rõ phần chữ ký và nội dung đồng ý trên phiếu.",
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    STAFF_LABELS = {
        "kinds": "Loại thông tin (chọn một hoặc nhiều)",
        "account": "Nội dung người cung cấp kể (ghi nguyên văn)",
        "anonymous": "Người cung cấp muốn giấu tên",
        "reporter_name": "Họ và tên người cung cấp",
        "reporter_phone": "Số điện thoại người cung cấp",
        "reporter_address": "Địa chỉ người cung cấp",
        "relationship": "Quan hệ của người cung cấp với liệt sĩ",
        "dna_offer": "Người cung cấp đăng ký cho mẫu ADN",
        "files": "Ảnh, tài liệu kèm theo (không phải phiếu đồng ý)",
        "consent_processing": "Người cung cấp đã đồng ý để UBND phường dùng thông tin cho việc tìm kiếm, quy tập, "
        "xác định danh tính liệt sĩ và chuyển cơ quan có thẩm quyền xác minh.",
        "consent_contact": "Người cung cấp đồng ý để cán bộ liên hệ qua số điện thoại trên.",
        "consent_dna": "Người cung cấp đồng ý chuyển thông tin về quan hệ huyết thống, mẫu ADN cho Công an và "
        "Sở Nội vụ chỉ nhằm xác định danh tính liệt sĩ.",
    }
    # The public form's first-person wording, read out to (or read by) the person before they consent.
    CONSENT_WORDING = ("consent_processing", "consent_contact", "consent_dna")

    def enter(self, request, actor):
        """Saves the valid form as a tip entered by ``actor`` (the screen and the API both come here): returns
        ``(tip, created)``; a repeated submission key gives the saved tip. Raises ``SubmissionKeyConflict`` (the key
        with other content) and ``WorkflowError``."""
        from . import services

        d = self.cleaned_data
        payload_hash = services.submission_fingerprint(
            dict(request.POST.lists()),
            [(name, f) for name in sorted(request.FILES) for f in request.FILES.getlist(name)],
        )
        return services.tip_submit(
            source=d["source"],
            submission=self.submission(),
            files=self.prepared_files,
            consent_slip=self.prepared_consent_slip,
            submission_key=d["submission_key"],
            payload_hash=payload_hash,
            channel=d["channel"],
            actor=actor,
        )

    def __init__(self, *args, user, **kwargs):
        from . import access

        self.user = user
        sources = access.entry_sources(user)
        first = sources.first()
        ward = user.ward or (first.ward if first else None)
        super().__init__(*args, ward=ward, **kwargs)
        self.fields["source"].queryset = sources.filter(ward=ward) if ward else sources.none()
        groups = access.entry_groups(user, ward)
        group = self.fields["residential_group"]
        group.queryset = groups
        if user.role == "group_leader" and not user.is_admin:
            group.required, group.empty_label = True, None
            group.error_messages["required"] = "Hãy chọn tổ dân phố của bạn."
        for name, label in self.STAFF_LABELS.items():
            self.fields[name].label = label
        self.fields["kinds"].choices = TipKind.choices
        self.fields["kinds"].help_text = ""
        self.fields["reporter_name"].help_text = "Bắt buộc, trừ khi người cung cấp muốn giấu tên."
        self.fields["reporter_phone"].help_text = "Di động hoặc số cố định có mã vùng, ví dụ 0209 3871 234."
        self.fields["files"].help_text = ""

    @classmethod
    def consent_wording(cls) -> list[str]:
        return [str(TipForm.base_fields[name].label) for name in cls.CONSENT_WORDING]

    def clean_files(self):
        """The slip's photo goes through the same checks as every file (``prepare_uploads``), together with
        the other files of the request (one budget of files and pixels)."""
        uploads: list[UploadedFile] = self.cleaned_data.get("files") or []
        slip = self.files.get(self.add_prefix("consent_slip"))
        prepared, errors = prepare_uploads([*uploads, slip] if slip else uploads)
        if errors:
            if slip and not uploads:
                self.add_error("consent_slip", errors)
                return uploads
            raise forms.ValidationError(errors)
        self.prepared_consent_slip = prepared.pop() if slip else None
        self.prepared_files = prepared
        return uploads

    def clean(self):
        data = super().clean()
        method = data.get("consent_method")
        slip = self.files.get(self.add_prefix("consent_slip"))
        if method == ConsentMethod.SIGNED_SLIP and not slip and "consent_slip" not in self.errors:
            self.add_error(
                "consent_slip", "Hãy chụp và đính kèm ảnh phiếu có chữ ký đồng ý của người cung cấp."
            )
        if method == ConsentMethod.ORAL:
            if not (data.get("consent_witness") or "").strip():
                self.add_error("consent_witness", "Hãy ghi họ tên, chức vụ người chứng kiến việc đồng ý.")
            if slip:
                self.add_error("consent_slip", "Ảnh phiếu chỉ dùng khi người cung cấp ký vào phiếu.")
        source, group = data.get("source"), data.get("residential_group")
        if source is not None and group is not None and group.parent_id != source.ward_id:
            self.add_error("residential_group", "Tổ dân phố phải thuộc phường của nguồn đã chọn.")
        return data


class StatusLookupForm(forms.Form):
    receipt_code = forms.CharField(
        label="Mã biên nhận", max_length=12, widget=forms.TextInput(attrs={"autocapitalize": "characters"})
    )
    phone_digits = forms.CharField(
        label="4 số cuối điện thoại đã để lại",
        help_text="Bỏ trống nếu bạn gửi giấu tên.",
        max_length=4,
        min_length=4,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"min_length": "Hãy nhập đủ 4 số cuối."},
    )

    def clean_phone_digits(self):
        digits = self.cleaned_data["phone_digits"].strip()
        if digits and not digits.isdigit():
            raise forms.ValidationError("Chỉ nhập chữ số.")
        return digits


class WithdrawConsentForm(StatusLookupForm):
    """The reporter asks to withdraw their consent: the same proof as a status look-up, and an explicit "yes"."""

    prefix = "withdraw"  # its own field ids: it shares the page with the look-up form

    confirm = forms.BooleanField(
        label="Tôi rút lại sự đồng ý: xóa họ tên, số điện thoại, địa chỉ của tôi; không liên hệ lại với tôi.",
        error_messages={"required": "Hãy đánh dấu ô xác nhận nếu bạn muốn rút lại sự đồng ý."},
    )

    def clean_phone_digits(self):
        digits = super().clean_phone_digits()
        if len(digits) != 4:
            raise forms.ValidationError("Hãy nhập 4 số cuối điện thoại bạn đã để lại.")
        return digits


# ------------------------------------------------------------------------------------------ staff forms


class InboxFilterForm(forms.Form):
    q = forms.CharField(
        label="Tìm",
        required=False,
        max_length=200,
        widget=forms.SearchInput(attrs={"placeholder": "Mã biên nhận, tên liệt sĩ, nội dung…"}),
    )
    status = forms.ChoiceField(
        label="Trạng thái",
        required=False,
        choices=[("", "Tất cả"), ("open", "Chưa kết luận"), *TipStatus.choices],
    )
    kind = forms.ChoiceField(
        label="Loại (có loại này)", required=False, choices=[("", "Tất cả"), *TipKind.choices]
    )
    source = forms.ModelChoiceField(label="Nguồn", required=False, queryset=None, empty_label="Tất cả")
    residential_group = forms.ModelChoiceField(
        label="Tổ dân phố", required=False, queryset=None, empty_label="Tất cả"
    )
    date_from = forms.DateField(
        label="Từ ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="Đến ngày", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    dna_offer = forms.TypedChoiceField(
        label="Đăng ký cho mẫu ADN",
        required=False,
        choices=[("", "Tất cả"), ("1", "Có đăng ký"), ("0", "Không đăng ký")],
        coerce=lambda v: v == "1",
        empty_value=None,
    )
    overdue = forms.BooleanField(label="Quá hạn trả lời", required=False)
    mine = forms.BooleanField(label="Được giao cho tôi", required=False)
    entered = forms.BooleanField(label="Do tôi nhập hộ", required=False)

    def __init__(self, *args, sources, groups, relative: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = sources
        self.fields["residential_group"].queryset = groups
        if not relative:  # a viewer who may not read DNA offers may not filter by them either
            del self.fields["dna_offer"]

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "Ngày kết thúc phải sau ngày bắt đầu.")
        return data


class ForwardForm(forms.Form):
    prefix = "forward"  # unique field ids: several action forms share one page
    agency = forms.ModelChoiceField(label="Chuyển cho", queryset=None, empty_label=None)
    question = forms.CharField(
        label="Đề nghị xác minh", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    due_date = forms.DateField(label="Hạn trả lời", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies


class AnswerForm(forms.Form):
    prefix = "answer"  # unique field ids: several action forms share one page
    outcome = forms.ChoiceField(label="Kết quả", choices=ForwardOutcome.choices, widget=forms.RadioSelect)
    answer = forms.CharField(
        label="Nội dung trả lời", widget=forms.Textarea(attrs={"rows": 3}), max_length=6000
    )
    duplicate_of = forms.CharField(label="Trùng với (mã biên nhận)", required=False, max_length=12)


class ConcludeForm(forms.Form):
    prefix = "conclude"  # unique field ids: several action forms share one page
    outcome = forms.ChoiceField(
        label="Kết luận",
        choices=[
            (s.value, s.label) for s in (TipStatus.VERIFIED, TipStatus.NOT_VERIFIABLE, TipStatus.DUPLICATE)
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="Nội dung kết luận", widget=forms.Textarea(attrs={"rows": 3}), max_length=6000
    )
    duplicate_of = forms.CharField(label="Trùng với (mã biên nhận)", required=False, max_length=12)


class NoteForm(forms.Form):
    prefix = "note"  # unique field ids: several action forms share one page
    body = forms.CharField(label="Nội dung", widget=forms.Textarea(attrs={"rows": 2}), max_length=6000)


class ReasonForm(forms.Form):
    prefix = "reason"  # unique field ids: several action forms share one page
    note = forms.CharField(
        label="Lý do", widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class AssignForm(forms.Form):
    prefix = "assign"  # unique field ids: several action forms share one page
    assignee = forms.ModelChoiceField(
        label="Giao cho", queryset=None, required=False, empty_label="— Chưa giao —"
    )

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = users


class PublicNoteForm(forms.Form):
    prefix = "public_note"  # unique field ids: several action forms share one page
    text = forms.CharField(label="Lời nhắn cho người gửi", max_length=300, required=False)


class TipEditForm(forms.Form):
    prefix = "edit"  # unique field ids: several action forms share one page
    kinds = forms.MultipleChoiceField(
        label="Loại thông tin",
        choices=TipKind.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Hãy chọn ít nhất một loại thông tin."},
    )
    location_description = forms.CharField(
        label="Mô tả địa điểm", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )
    residential_group = forms.ModelChoiceField(label="Tổ dân phố", queryset=None, required=False)
    relationship = forms.ChoiceField(
        label="Quan hệ với liệt sĩ", choices=Relationship.choices, required=False
    )

    def __init__(self, *args, ward, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["residential_group"].queryset = OrgUnit.objects.filter(
            parent=ward, kind=UnitKind.RESIDENTIAL_GROUP
        )


class NamedMartyrForm(MartyrForm):
    """Staff correct one martyr a tip names (``named``), or add one more (``named`` empty). Each form on the tip
    page has its own prefix (``named<id>``, ``namednew``: unique ids); a post is read with the prefix it carries."""

    named = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, *, tip, named=None, **kwargs):
        if named is not None and data is None:
            kwargs.setdefault("initial", {**named.values(), "named": named.pk})
        super().__init__(data, number=0, **kwargs)
        self.prefix = f"named{named.pk}" if named is not None else "namednew"
        for key in data or {}:
            if key.startswith("named") and key.endswith("-named"):
                self.prefix = key[: -len("-named")]
                break
        self.fields["named"].queryset = tip.martyrs.all()
        if named is None and data is not None:
            posted = str(data.get(f"{self.prefix}-named") or "")
            named = tip.martyrs.filter(pk=int(posted)).first() if posted.isdigit() else None
        self.named_martyr = named  # (not "named": a template would read the field of that name)

    def values(self) -> dict:
        return {k: v for k, v in super().values().items() if k != "named"}


class SourceForm(forms.Form):
    name = forms.CharField(label="Tên nguồn", max_length=200, help_text="Ví dụ: Băng-rôn cổng chợ Đức Xuân")
    kind = forms.ChoiceField(label="Loại")
    code = forms.SlugField(
        label="Mã ngắn", max_length=40, required=False, help_text="Bỏ trống để hệ thống tự tạo."
    )
    placement = forms.CharField(label="Vị trí treo/đăng", max_length=300, required=False)
    owner_unit = forms.ModelChoiceField(label="Đơn vị phụ trách", queryset=None, required=False)

    def __init__(self, *args, ward, **kwargs):
        from .models import SourceKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SourceKind.choices
        self.fields["owner_unit"].queryset = OrgUnit.objects.filter(
            parent=ward, kind__in=[UnitKind.RESIDENTIAL_GROUP, UnitKind.SCHOOL]
        )
