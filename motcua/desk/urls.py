"""Addresses of the pages about dossiers. Their names stay in the ``dossiers`` namespace
(``dossiers:detail``, ``dossiers:track``) wherever the views live: the officers' pages here in the
desk, the public tracking page in ``motcua.dossiers.views``."""

from django.urls import path

from motcua.desk import views
from motcua.dossiers import views as tracking

app_name = "dossiers"

urlpatterns = [
    path("can-bo/", views.inbox, name="inbox"),
    path("can-bo/tiep-nhan/", views.intake, name="intake"),
    path(
        "can-bo/tiep-nhan/giay-to-da-co/",
        views.intake_stored_documents,
        name="intake_stored_documents",
    ),
    path("can-bo/ho-so/<str:code>/", views.detail, name="detail"),
    path("can-bo/ho-so/<str:code>/thao-tac/<str:name>/", views.action, name="action"),
    path("can-bo/ho-so/<str:code>/bieu-mau/<str:kind>.pdf", views.form_pdf, name="form_pdf"),
    path("can-bo/ho-so/<str:code>/tep/<uuid:uuid>/", views.document_file, name="document_file"),
    path("can-bo/ho-so/<str:code>/ket-qua.pdf", views.result_file, name="result_file"),
    path("can-bo/ho-so/<str:code>/thu-phi/", views.payment, name="payment"),
    path(
        "can-bo/ho-so/<str:code>/bien-lai/<int:number>.pdf", views.fee_receipt, name="fee_receipt"
    ),
    path("can-bo/ho-so/<str:code>/ban-quet/", views.attach_scan, name="attach_scan"),
    path("tra-cuu/", tracking.track_lookup, name="track_lookup"),
    path("tra-cuu/<str:code>/", tracking.track, name="track"),
]
