from django.urls import path

from . import views_public, views_staff

public = (
    [
        path("t/<slug:code>", views_public.intake, name="intake"),
        path("t/<slug:code>/", views_public.intake),
        path("bien-nhan/<str:receipt_code>/", views_public.receipt, name="receipt"),
        path("bien-nhan/<str:receipt_code>/anh.png", views_public.receipt_image, name="receipt_image"),
        path("bien-nhan/<str:receipt_code>/bien-nhan.pdf", views_public.receipt_pdf, name="receipt_pdf"),
        path("bien-nhan/<str:receipt_code>/gui/", views_public.receipt_send, name="receipt_send"),
        path("tra-cuu/", views_public.status, name="status"),
        path("tra-cuu/rut-lai/", views_public.withdraw_consent, name="withdraw_consent"),
    ],
    "public",
)

staff = (
    [
        path("", views_staff.overview, name="overview"),
        path("tips/", views_staff.inbox, name="inbox"),
        path("tips/new/", views_staff.tip_entry, name="tip_entry"),
        path("tips/export.xlsx", views_staff.inbox_export, name="inbox_export"),
        path("tips/<int:pk>/", views_staff.tip_detail, name="tip"),
        path("tips/<int:pk>/reporter/", views_staff.tip_reporter, name="tip_reporter"),
        path("tips/<int:pk>/files/<int:attachment_id>/", views_staff.attachment, name="attachment"),
        path(
            "tips/<int:pk>/forwards/<int:forward_id>/<slug:action>/",
            views_staff.forward_action,
            name="forward_action",
        ),
        path("tips/<int:pk>/<slug:action>/", views_staff.tip_action, name="tip_action"),
        path("sources/", views_staff.sources, name="sources"),
        path("sources/<int:source_id>/qr/", views_staff.source_qr, name="source_qr"),
        path("sources/<int:source_id>/slip/", views_staff.source_slip, name="source_slip"),
        path(
            "sources/<int:source_id>/slip.<str:fmt>",
            views_staff.source_slip_document,
            name="source_slip_document",
        ),
        path("sources/<int:source_id>/toggle/", views_staff.source_toggle, name="source_toggle"),
    ],
    "staff",
)
