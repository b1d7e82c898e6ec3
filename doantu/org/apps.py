from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "doantu.org"
    label = "org"
    verbose_name = "Tổ chức và tài khoản"
