"""Shared fixtures: the seeded ward, a second ward (for isolation), one account per role, sample files."""

import io
import itertools
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from doantu.audit.testing import allow_test_flush
from doantu.org.models import AgencyType, OrgUnit, Role, UnitKind, User
from doantu.org.seed import load_seed
from doantu.tips.models import Source, SourceKind

PASSWORD = "mat-khau-thu-nghiem-123"
allow_test_flush()  # transactional tests empty the append-only audit table between tests (see the module)
_seq = itertools.count(1)


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path, request):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    settings.TIP_RATE_PER_HOUR = 0
    # Password hashing is deliberately slow; tests create many accounts.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    from django.core.cache import cache

    from doantu.registry.matching import forget_frequency_cache

    # The shared cache is a table in the test database: cleared for the tests that use the database (in
    # their transaction), never touched by the others (which may not reach the database).
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
        cache.clear()
    elif "db" in request.fixturenames or request.node.get_closest_marker("django_db"):
        request.getfixturevalue("db")
        cache.clear()
    forget_frequency_cache()  # each test has its own registry; a process-wide copy must not leak between them
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def _login_with_request(monkeypatch):
    """django-axes checks every sign-in against its request (address, lock-out); the test client's
    ``login()`` passes none, so give it one, from the test client's own address."""
    from django.http import HttpRequest
    from django.test import Client

    plain_login = Client.login

    def login(self, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        return plain_login(self, **credentials)

    monkeypatch.setattr(Client, "login", login)


@pytest.fixture
def media_root(_private_media):
    return _private_media


class _SeedReplay:
    """The seeded ward for a test, without running the seed each time.

    Seeding runs about 260 queries (the ward's units, sources, comms channels and checklists, the plan's tasks, the
    audit entries of all of it) and most tests need it: that was the largest part of the suite's time. The first
    test that asks for the ward, on a database holding only what migrations wrote, runs ``load_seed`` for real and
    keeps every row it added (read back through the ORM, every concrete column, audit entries with their chain);
    later tests whose database is in that same starting state get those rows inserted as they were (foreign keys
    are checked at commit on SQLite and PostgreSQL, so the order does not matter; sequences are moved past the ids,
    as ``loaddata`` does). A test whose database holds anything else gets the real ``load_seed``."""

    def __init__(self):
        self.start: dict[str, int] | None = None  # table -> row count before the seed, per database vendor
        self.rows: list[tuple[type, list[dict]]] = []
        self.vendor = ""

    @staticmethod
    def _models():
        from django.apps import apps

        return [
            m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy
        ]

    def _counts(self) -> dict[str, int]:
        from django.db import connection

        models = self._models()
        qn = connection.ops.quote_name
        sql = " UNION ALL ".join(
            f"SELECT {i}, COUNT(*) FROM {qn(m._meta.db_table)}" for i, m in enumerate(models)
        )
        with connection.cursor() as cursor:
            cursor.execute(sql)
            found = dict(cursor.fetchall())
        return {m._meta.db_table: found[i] for i, m in enumerate(models)}

    @staticmethod
    def _fields(model):
        return [f for f in model._meta.concrete_fields if not getattr(f, "generated", False)]

    def seed(self) -> None:
        from django.core.management.color import no_style
        from django.db import connection, transaction

        counts = self._counts()
        if self.start is not None and self.vendor == connection.vendor and counts == self.start:
            with transaction.atomic():  # foreign keys checked at its end, whatever the order of the tables
                for model, rows in self.rows:
                    model._base_manager.bulk_create([model(**row) for row in rows])
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), [m for m, _ in self.rows]):
                    cursor.execute(sql)
            return
        before = {
            model: set(model._base_manager.values_list("pk", flat=True))
            if counts[model._meta.db_table]
            else set()
            for model in self._models()
        }
        load_seed()
        if self.start is None and all(
            n == 0 for m, n in counts.items() if not m.startswith(("django_", "auth_"))
        ):
            self.start, self.vendor = counts, connection.vendor
            self.rows = []
            for model, old in before.items():
                names = [f.attname for f in self._fields(model)]
                added = [
                    dict(zip(names, values, strict=True))
                    for values in model._base_manager.order_by("pk").values_list(*names)
                    if values[names.index(model._meta.pk.attname)] not in old
                ]
                if added:
                    self.rows.append((model, added))


_seed_replay = _SeedReplay()


@pytest.fixture
def ward(db):
    _seed_replay.seed()
    return OrgUnit.objects.get(kind=UnitKind.WARD, code="01840")


@pytest.fixture
def units(ward):
    """name -> unit for the seeded ward, plus a second ward with its own culture office and police."""
    province = ward.parent
    other = OrgUnit.objects.create(
        parent=province, kind=UnitKind.WARD, code="99999", name="Phường Thử Nghiệm"
    )
    found = {u.code: u for u in OrgUnit.objects.filter(parent=ward)}
    found.update(
        {
            "ward": ward,
            "province": province,
            "other_ward": other,
            "other_vhxh": OrgUnit.objects.create(
                parent=other,
                kind=UnitKind.AGENCY,
                code="vhxh",
                name="Phòng VH-XH khác",
                agency_type=AgencyType.CULTURE_OFFICE,
            ),
            "other_police": OrgUnit.objects.create(
                parent=other,
                kind=UnitKind.AGENCY,
                code="cong-an",
                name="Công an khác",
                agency_type=AgencyType.POLICE,
                receives_forwards=True,
            ),
            "province_military": OrgUnit.objects.get(parent=province, code="bchqs-tinh"),
        }
    )
    return found


def make_user(unit, role, username=None) -> User:
    user = User.objects.create_user(
        username=username or f"u{next(_seq)}",
        password=PASSWORD,
        full_name=f"Cán bộ {role}",
        unit=unit,
        role=role,
    )
    return user


@pytest.fixture
def users(units):
    return {
        "campaign": make_user(units["vhxh"], Role.CAMPAIGN, "vhxh"),
        "campaign2": make_user(units["vhxh"], Role.CAMPAIGN, "vhxh2"),
        "channel": make_user(units["ttdvth"], Role.CHANNEL, "ttdvth"),
        "military": make_user(units["bchqs"], Role.MILITARY, "bchqs"),
        "police": make_user(units["cong-an"], Role.POLICE, "congan"),
        "front": make_user(units["mttq"], Role.FRONT, "mttq"),
        "group_leader": make_user(units["tdp-01"], Role.GROUP_LEADER, "tdp1"),
        "group_leader2": make_user(units["tdp-02"], Role.GROUP_LEADER, "tdp2"),
        "school": make_user(units["thcs-duc-xuan"], Role.SCHOOL, "thcs"),
        "leadership": make_user(units["lanh-dao"], Role.LEADERSHIP, "lanhdao"),
        "province": make_user(units["province"], Role.PROVINCE, "tinh"),
        "other_campaign": make_user(units["other_vhxh"], Role.CAMPAIGN, "vhxh-khac"),
        "other_police": make_user(units["other_police"], Role.POLICE, "congan-khac"),
        "admin": User.objects.create_superuser(username="admin", password=PASSWORD, role=Role.ADMIN),
    }


@pytest.fixture
def source(ward):
    return Source.objects.get(code="dx")


@pytest.fixture
def other_source(units):
    return Source.objects.create(
        ward=units["other_ward"], code="tn", name="Cổng TTĐT khác", kind=SourceKind.PORTAL
    )


def jpeg_with_gps(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF carries a GPS position and a camera model, as a phone photo would."""
    image = Image.new("RGB", size, (120, 80, 40))
    exif = Image.Exif()
    exif[0x0110] = "Thử nghiệm máy ảnh"  # Model
    exif[0x0112] = 6  # Orientation: rotate 90° on display
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (22.0, 8.0, 45.0)
    gps[3] = "E"
    gps[4] = (105.0, 50.0, 2.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png_bytes(size=(20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 200, 10)).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(*, pages: int = 1, **extra) -> bytes:
    """A valid PDF made by pypdf; ``extra`` entries go into its catalogue (e.g. an /OpenAction)."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(200, 200)
    for key, value in extra.items():
        writer.root_object[NameObject(f"/{key}")] = value
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


PDF_BYTES = pdf_bytes()


def upload(name: str, data: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def tip_post_data(**overrides) -> dict:
    """The public form's fields as a person fills them. ``kind=`` (one kind) and ``martyr_<field>=`` (the first
    martyr block) are accepted in overrides and written as the form names them (``kinds``, ``m1-<field>``)."""
    if "kind" in overrides:
        overrides["kinds"] = overrides.pop("kind")
    for key in [k for k in overrides if k.startswith("martyr_") and k != "martyr_count"]:
        overrides[f"m1-{key[len('martyr_') :]}"] = overrides.pop(key)
    data = {
        "submission_key": uuid.uuid4().hex,
        "kinds": "artifact",
        "account": "Nhà tôi còn giữ lá thư của chú tôi gửi về năm 1972 từ mặt trận Quảng Trị.",
        "m1-name": "Nguyễn Văn Hùng",
        "m1-birth_year": "1950",
        "m1-home_place": "Huyền Tụng, Bạch Thông, Bắc Thái",
        "reporter_name": "Trần Thị Lan",
        "reporter_phone": "0912 345 678",
        "consent_contact": "on",
        "consent_processing": "on",
        "location_description": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def make_tip(source, *, files=(), key=None, **fields):
    """A tip through the real intake service (not a bare model save), as the public would make it."""
    from doantu.tips.services import Submission, tip_submit

    # ``kind=`` (one kind) and ``martyr_<field>=`` (one named martyr) read as ``kinds`` and ``martyrs``
    if "kind" in fields:
        fields["kinds"] = [fields.pop("kind")]
    named = {k[len("martyr_") :]: fields.pop(k) for k in [k for k in fields if k.startswith("martyr_")]}
    if named:
        fields["martyrs"] = [named, *fields.get("martyrs", [])]
    defaults = dict(
        kinds=["martyr"],
        account="Tôi biết một ngôi mộ ở đồi thông sau trường cũ.",
        consent_processing=True,
        reporter_name="Lê Văn Bình",
        reporter_phone="0987654321",
        consent_contact=True,
        privacy="agencies",  # as every named tip before the choice existed (migration tips 0004)
    )
    defaults.update(fields)
    tip, _ = tip_submit(
        source=source,
        submission=Submission(**defaults),
        files=list(files),
        submission_key=key or uuid.uuid4().hex,
    )
    return tip


@pytest.fixture
def tip(source):
    return make_tip(
        source,
        latitude="22.146000",
        longitude="105.834000",
        location_source="gps",
        location_description="Đồi thông sau trường cũ",
    )
