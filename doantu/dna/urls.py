from django.urls import path

from . import views

app_name = "dna"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("martyrs/<int:pk>/", views.martyr, name="martyr"),
    path("martyrs/<int:pk>/reveal/", views.martyr_reveal, name="martyr_reveal"),
    path("martyrs/<int:pk>/donors/", views.donor_new, name="donor_new"),
    path("donors/<int:pk>/", views.donor, name="donor"),
    path("donors/<int:pk>/identity/", views.donor_identity, name="donor_identity"),
    path("donors/<int:pk>/consent-form/", views.donor_consent_form, name="donor_consent_form"),
    path("donors/<int:pk>/<slug:action>/", views.donor_action, name="donor_action"),
    path("tips/<int:pk>/offer/", views.tip_offer, name="tip_offer"),
    path("import/", views.relatives_import, name="import"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/list.xlsx", views.round_xlsx, name="round_xlsx"),
    path("rounds/<int:pk>/list.docx", views.round_docx, name="round_docx"),
    path("rounds/<int:pk>/entries/<int:entry_id>/", views.round_record, name="round_record"),
    path("withdrawals/", views.withdrawals, name="withdrawals"),
]
