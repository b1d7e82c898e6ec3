from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "doantu.documents"
    label = "documents"
    verbose_name = "Văn bản"
