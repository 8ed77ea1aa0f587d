from django.urls import path

from motcua.queueing import views

app_name = "queueing"

urlpatterns = [
    # Residents: book from home, follow a number, cancel it, rate the visit.
    path("lay-so/", views.book, name="book"),
    path("lay-so/khung-gio/", views.book_slots, name="book_slots"),
    path("so-cua-toi/", views.my_tickets, name="mine"),
    path("so-thu-tu/<str:token>/", views.ticket, name="ticket"),
    path("so-thu-tu/<str:token>/trang-thai/", views.ticket_status, name="ticket_status"),
    path("so-thu-tu/<str:token>/huy/", views.ticket_cancel, name="ticket_cancel"),
    path("so-thu-tu/<str:token>/danh-gia/", views.ticket_rate, name="ticket_rate"),
    path("so-thu-tu/<str:token>/qr.svg", views.ticket_qr, name="ticket_qr"),
    # The kiosk at the centre's door and the waiting-room screen.
    path("kiosk/<str:token>/", views.kiosk, name="kiosk"),
    path("kiosk/<str:token>/xac-nhan/", views.kiosk_check_in, name="kiosk_check_in"),
    path("kiosk/<str:token>/phieu/<str:ticket_token>/", views.kiosk_slip, name="kiosk_slip"),
    path("man-hinh/<int:center_id>/", views.display, name="display"),
    path("man-hinh/<int:center_id>/bang/", views.display_board, name="display_board"),
    # Staff.
    path("can-bo/hang-doi/", views.overview, name="overview"),
    path("can-bo/hang-doi/thong-ke/", views.stats, name="stats"),
    path("can-bo/hang-doi/so/<int:ticket_id>/", views.staff_ticket, name="staff_ticket"),
    path("can-bo/quay/<int:counter_id>/", views.counter, name="counter"),
]
