from django.urls import path

from motcua.residents import views

app_name = "residents"

urlpatterns = [
    path("dang-nhap-cong-dan/", views.sign_in, name="sign_in"),
    path("dang-nhap-cong-dan/ma/", views.sign_in_code, name="sign_in_code"),
    path("dang-nhap-cong-dan/sso/<str:key>/", views.sso_start, name="sso_start"),
    path("dang-nhap-cong-dan/sso/<str:key>/xong/", views.sso_callback, name="sso_callback"),
    path("dang-nhap-cong-dan/vneid-gia-lap/", views.fake_vneid, name="fake_vneid"),
    path("dang-xuat-cong-dan/", views.sign_out, name="sign_out"),
    path("nop-truc-tuyen/<str:code>/", views.submit, name="submit"),
    path("ho-so-cua-toi/", views.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<str:code>/", views.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<str:code>/da-nop/", views.submitted, name="submitted"),
    path("ho-so-cua-toi/<str:code>/bo-sung/", views.answer_supplement, name="answer_supplement"),
    path("ho-so-cua-toi/<str:code>/tep/<uuid:uuid>/", views.document_file, name="document_file"),
    path("ho-so-cua-toi/<str:code>/ket-qua.pdf", views.result_file, name="result_file"),
    path("giay-to-cua-toi/", views.my_documents, name="my_documents"),
    path("giay-to-cua-toi/ma-cho-can-bo/", views.share_code, name="share_code"),
    path("ho-tro/nop-ho-so/", views.assisted_start, name="assisted_start"),
    path("ho-tro/nop-ho-so/<str:code>/", views.assisted_submit, name="assisted_submit"),
    path("ho-tro/da-nop/<str:code>/", views.assisted_done, name="assisted_done"),
]
