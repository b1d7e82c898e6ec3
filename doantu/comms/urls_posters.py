"""URLs of the posters, of what each piece brought in, and of the public campaign page.

``doantu/urls.py`` includes ``public`` at the root and ``staff`` under ``/staff/comms/``."""

from django.urls import path

from . import views_campaign, views_posters

public = (
    [
        path("chien-dich/", views_campaign.campaign, name="page"),
        path("chien-dich/<slug:ward_code>/", views_campaign.campaign, name="ward"),
    ],
    "comms_campaign",
)

staff = (
    [
        path("ap-phich/", views_posters.poster_batch, name="batch_new"),
        path("ap-phich/<str:token>/", views_posters.poster_batch_status, name="batch"),
        path("ap-phich/<str:token>/ap-phich.pdf", views_posters.poster_batch_pdf, name="batch_pdf"),
        path("thu-ve/san-pham/<int:pk>/ma-qr/", views_posters.item_source, name="item_source"),
        path("thu-ve/san-pham/<int:pk>/cong-khai/", views_posters.item_public, name="item_public"),
        path("thu-ve/", views_posters.ranking, name="ranking"),
    ],
    "comms_posters",
)
