from django.urls import path

from motcua.insights.views import dashboard, index, petitions, province, steps

app_name = "insights"

urlpatterns = [
    path("thong-ke/", dashboard.commune_dashboard, name="dashboard"),
    path("thong-ke/ho-so/", dashboard.figure_dossiers, name="figure_dossiers"),
    path("thong-ke/bao-cao-thang/", dashboard.monthly_report, name="monthly_report"),
    path("thong-ke/buoc-xu-ly/", steps.bottlenecks, name="steps"),
    path("thong-ke/tinh/", province.overview, name="province"),
    path("thong-ke/phan-anh/", petitions.petition_statistics, name="petitions"),
    path("chi-so-766/", index.ranking_page, name="ranking"),
    path("chi-so-766/nhap-lieu/", index.inputs, name="inputs"),
    path("chi-so-766/<str:commune_code>/<str:month>/", index.commune_index, name="commune_index"),
    path("chi-so-766/<str:commune_code>/<str:month>/thu-tinh/", index.whatif, name="whatif"),
    path(
        "chi-so-766/<str:commune_code>/<str:month>/<str:criterion>/",
        index.criterion,
        name="criterion",
    ),
]
