"""The commune dashboard, the dossiers behind a figure, the monthly report, the province table."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse

from motcua.dossiers.models import Channel, Timeliness
from tests.insights.support import bulk_dossiers
from tests.world import PASSWORD, vn


@pytest.fixture
def september(world):
    received = vn(2025, 9, 10, 9)
    done = received + timedelta(days=1)
    bulk_dossiers(world, 6, received=received, finished=done, timeliness=Timeliness.EARLY)
    bulk_dossiers(world, 2, received=received, finished=done, timeliness=Timeliness.LATE)
    bulk_dossiers(world, 3, received=received, due=vn(2025, 9, 12, 17), channel=Channel.ONLINE)
    bulk_dossiers(world, 4, commune=world.b, received=received)
    return world


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


def dashboard(client, **query):
    return client.get(reverse("insights:dashboard"), {"period": "2025-09", **query})


def test_the_leader_sees_the_figures_and_each_links_to_its_dossiers(september, client):
    signed_in(client, "a.leader")
    page = dashboard(client)
    assert page.status_code == 200
    cards = {card.key: card for card in page.context["cards"]}
    assert (cards["received"].value, cards["late"].value, cards["overdue"].value) == (11, 2, 3)
    listed = client.get(cards["late"].url)
    assert listed.status_code == 200
    assert listed.context["page_obj"].paginator.count == 2
    assert "Quá hạn" in listed.content.decode()


def test_the_breakdown_by_channel_links_each_count_to_its_dossiers(september, client):
    signed_in(client, "a.leader")
    page = dashboard(client, by="channel")
    rows = {row["group"]: row for row in page.context["rows"]}
    assert rows[Channel.ONLINE]["received"] == 3
    listed = client.get(rows[Channel.ONLINE]["links"]["received"])
    assert listed.context["page_obj"].paginator.count == 3


def test_the_breakdown_exports_to_csv_with_vietnamese_headers(september, client):
    signed_in(client, "a.leader")
    response = dashboard(client, by="field", format="csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Lĩnh vực", "Tiếp nhận", "Đã giải quyết"]
    assert rows[1][:3] == ["Hộ tịch", "11", "8"]


def test_a_wrong_period_or_figure_says_what_to_write(september, client):
    signed_in(client, "a.leader")
    response = dashboard(client, period="tháng 9")
    assert response.status_code == 400
    assert "2026-10" in response.content.decode()
    response = client.get(reverse("insights:figure_dossiers"), {"figure": "nope"})
    assert response.status_code == 400


def test_the_monthly_report_adds_up_per_field(september, client):
    signed_in(client, "a.leader")
    page = client.get(reverse("insights:monthly_report"), {"period": "2025-09"})
    assert page.status_code == 200
    assert page.context["total"]["received"] == 11
    assert page.context["total"]["settled"] == 8
    sheet = client.get(reverse("insights:monthly_report"), {"period": "2025-09", "format": "xlsx"})
    assert sheet["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )


def test_a_monitor_starts_from_the_province_table(september, client):
    signed_in(client, "monitor.hanoi")
    response = dashboard(client)
    assert response.status_code == 302 and response.url.startswith(reverse("insights:province"))
    page = client.get(response.url)
    names = [row["commune"].name for row in page.context["rows"]]
    assert names == [september.a.name, september.b.name]
    quarter = client.get(reverse("insights:province"), {"period": "2025-Q3"})
    assert [row["received"] for row in quarter.context["rows"]] == [11, 4]
    drill = dashboard(client, commune=september.b.code)
    assert drill.status_code == 200 and drill.context["row"]["received"] == 4


def test_staff_without_insight_roles_and_anonymous_visitors_see_nothing(september, client):
    assert dashboard(client).status_code == 302  # to the sign-in page
    signed_in(client, "a.reception")
    assert dashboard(client).status_code == 404
    assert client.get(reverse("insights:province")).status_code == 404


def test_the_dashboard_lists_open_dossiers_most_at_risk_first(september, client):
    signed_in(client, "a.leader")
    at_risk = dashboard(client).context["at_risk"]
    assert len(at_risk) == 3
    assert {r.level for _d, r in at_risk} == {"overdue"}


def test_the_step_table_downloads_as_excel(world, client):
    from openpyxl import load_workbook

    signed_in(client, "a.leader")
    response = client.get(reverse("insights:steps"), {"period": "2025-09", "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    headers = [c.value for c in next(r for r in sheet.iter_rows() if r[0].value == "Bước")]
    assert headers[:3] == ["Bước", "Cán bộ", "Số lượt"]


def test_the_statistics_api_gives_the_dashboards_figures_in_scope_only(september, client):
    url = "/api/v1/statistics/commune"
    signed_in(client, "a.leader")
    body = client.get(url, {"commune": september.a.code, "period": "2025-09", "by": "channel"})
    assert body.status_code == 200
    data = body.json()
    assert (data["counts"]["received"], data["counts"]["late"], data["counts"]["overdue"]) == (
        11,
        2,
        3,
    )
    assert data["percent"]["overdue"] == "100.00"
    assert {g["group"]: g["counts"]["received"] for g in data["groups"]} == {1: 8, 2: 3}
    assert client.get(url, {"commune": september.b.code, "period": "2025-09"}).status_code == 404
    wrong = client.get(url, {"commune": september.a.code, "period": "9/2025"})
    assert wrong.status_code == 422 and "2026-10" in wrong.json()["message"]
