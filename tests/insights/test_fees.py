"""Fees collected per month: counted by the day the money was taken, shown on the monthly
report and in its export, one definition (``insights.fees``)."""

import csv
import io

from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.dossiers.services import record_payment
from motcua.insights.fees import fees_by, fees_collected
from motcua.insights.periods import parse_month
from tests.world import PASSWORD, vn


def test_fees_count_in_the_month_they_were_taken_and_waivers_add_nothing(world, client):
    june = world.receive(at=vn(2025, 6, 30, 9))
    july = world.receive(at=vn(2025, 7, 7, 9))
    officer = world.reception
    record_payment(june, officer=officer, amount_vnd=8000, method="cash", at=vn(2025, 6, 30, 10))
    record_payment(june, officer=officer, amount_vnd=2000, method="cash", at=vn(2025, 7, 1, 0, 5))
    record_payment(july, officer=officer, amount_vnd=15000, method="transfer", at=vn(2025, 7, 7))
    record_payment(
        july, officer=officer, amount_vnd=0, method="waived", reason="Hộ nghèo", at=vn(2025, 7, 8)
    )
    record_payment(
        july, officer=officer, amount_vnd=500, method="cash", at=vn(2025, 8, 1, 0, 0)
    )  # August, Vietnam time
    mine = Dossier.objects.filter(competent_commune=world.a)
    assert fees_collected(mine, parse_month("2025-06")) == 8000
    assert fees_collected(mine, parse_month("2025-07")) == 17000
    assert fees_by(mine, parse_month("2025-07"), "procedure__field__name_vi") == {
        "Hộ tịch": {"fees_collected": 17000, "waived": 1}
    }
    assert (
        fees_collected(Dossier.objects.filter(competent_commune=world.b), parse_month("2025-07"))
        == 0
    )

    assert client.login(username=world.leader.username, password=PASSWORD)
    page = client.get(reverse("insights:monthly_report"), {"period": "2025-07"})
    assert page.status_code == 200
    assert page.context["total"]["fees_collected"] == 17000
    assert "Phí, lệ phí đã thu (đồng)" in page.content.decode()
    export = client.get(reverse("insights:monthly_report"), {"period": "2025-07", "format": "csv"})
    text = export.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    header = next(r for r in rows if any("Phí, lệ phí đã thu" in c for c in r))
    column = next(i for i, c in enumerate(header) if "Phí, lệ phí đã thu" in c)
    assert any(r[column] in ("17000", "17.000") for r in rows if len(r) > column)
