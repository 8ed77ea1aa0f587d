from django.urls import path

from motcua.petitions import staff_views as views

urlpatterns = [
    path("can-bo/phan-anh/", views.inbox, name="staff_inbox"),
    path("can-bo/phan-anh/<int:pk>/", views.detail, name="staff_detail"),
    path("can-bo/phan-anh/<int:pk>/buoc/<slug:step>/", views.step, name="staff_step"),
    path("can-bo/phan-anh/<int:pk>/anh/<int:photo_pk>/", views.photo, name="staff_photo"),
    path("can-bo/tong-dai/", views.hotline, name="hotline"),
    path("can-bo/phan-anh/phong-ban/", views.departments, name="departments"),
    path("can-bo/phan-anh/phong-ban/<int:pk>/", views.department, name="department"),
    path("can-bo/phan-anh/dia-diem/", views.places, name="places"),
    path("can-bo/phan-anh/dia-diem/<int:pk>/", views.place_edit, name="place_edit"),
    path("can-bo/phan-anh/dia-diem/<int:pk>/bien-qr/", views.placard, name="placard"),
]
