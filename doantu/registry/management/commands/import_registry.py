from pathlib import Path

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from doantu.org.models import User
from doantu.registry import services
from doantu.registry.imports import ENCODINGS
from doantu.registry.models import ImportKind, ImportStatus


class Command(BaseCommand):
    help = (
        "Nhập một danh sách liệt sĩ hoặc danh sách mộ (XLSX/CSV) từ dòng lệnh, qua cùng các bước như trên "
        "giao diện."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--list", required=True, help="Tên danh sách (nhập lại cùng tên để cập nhật)")
        parser.add_argument("--user", required=True, help="Tài khoản thực hiện (được ghi nhật ký)")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không nhập")
        parser.add_argument(
            "--kind",
            choices=ImportKind.values,
            default=ImportKind.MARTYRS,
            help="martyrs (mặc định) hoặc graves",
        )
        parser.add_argument(
            "--encoding",
            choices=list(ENCODINGS),
            default="",
            help="Bảng mã của tệp CSV (mặc định: tự nhận ra)",
        )
        parser.add_argument(
            "--cemetery", default="", help="Danh sách mộ: nghĩa trang, nếu tệp không có cột này"
        )

    def handle(
        self,
        *args,
        file: Path,
        list: str,
        user: str,
        dry_run: bool,
        kind: str,
        cemetery: str,
        encoding: str,
        **options,
    ):
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"Không có tài khoản {user}")
        with open(file, "rb") as fh:
            try:
                batch = services.import_upload(
                    actor=actor, upload=File(fh, name=file.name), list_name=list, kind=kind, cemetery=cemetery
                )
            except services.RegistryError as exc:
                raise CommandError(str(exc)) from None
        if encoding and batch.encoding:
            try:
                batch = services.import_set_encoding(batch=batch, actor=actor, encoding=encoding)
            except services.RegistryError as exc:
                raise CommandError(str(exc)) from None
        if batch.message:  # garbled headers, or a required column not recognised
            hint = f" (bảng mã: {batch.encoding}; chọn khác bằng --encoding)" if batch.encoding else ""
            raise CommandError(f"{batch.message} Tiêu đề: {batch.headers}{hint}")
        batch = services.import_run(batch_id=batch.pk, apply=False)
        self.stdout.write(
            f"Kiểm tra: {batch.total_rows} dòng, {batch.created} mới, {batch.updated} cập nhật, "
            f"{batch.error_count} lỗi"
        )
        if dry_run or batch.status != ImportStatus.CHECKED:
            return
        batch = services.import_run(batch_id=batch.pk, apply=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Đã nhập: {batch.created} mới, {batch.updated} cập nhật, {batch.unchanged} không đổi, "
                f"{batch.error_count} dòng lỗi bỏ qua"
            )
        )
