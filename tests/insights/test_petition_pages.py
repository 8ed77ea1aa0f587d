"""The reports' statistics page and its exports, group 5 of the index measured from reports, and
a monitor's entry shown as entered beside the measured value."""

import csv
import io

import pytest
from django.urls import reverse

from motcua.insights import index_inputs, rollups
from motcua.insights.models import CommuneMonth
from motcua.insights.periods import parse
from motcua.petitions import services
from motcua.petitions.models import Category, DepartmentKind, Petition
from tests.petitions.support import report
from tests.world import PASSWORD, vn

JULY = parse("2025-07")
LATER = vn(2025, 8, 20, 9)


def signed_in(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def july(world):
    """Commune a: one report answered on time, one open past its limit, one about a dossier;
    commune b: one report; Huế's commune h: one report."""
    done = services.accept(report(world), world.specialist, at=vn(2025, 7, 7, 10))
    done = services.draft_answer(done, world.specialist, "Đã sửa đèn.", at=vn(2025, 7, 8, 9))
    services.publish(done, world.leader, at=vn(2025, 7, 9, 9))
    report(world, at=vn(2025, 7, 8, 9))
    dossier = world.receive(at=vn(2025, 7, 7, 9))
    report(world, code="ho-so-thu-tuc", dossier=dossier, at=vn(2025, 7, 9, 9))
    report(world, commune=world.b)
    report(world, commune=world.h)
    return dossier


def test_the_commune_page_shows_its_month_by_category_and_department(world, july, client):
    signed_in(client, "a.leader")
    page = client.get(reverse("insights:petitions") + f"?commune={world.a.code}&month=2025-07")
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-testid="petitions-by-category"' in text
    assert 'data-testid="petitions-by-department"' in text
    assert "Chiếu sáng" in text or "chiếu sáng" in text.lower()
    summary = page.context["total"]
    assert (summary["received"], summary["answered_on_time"], summary["open"]) == (3, 1, 2)
    # Commune b's and Huế's reports are not a's.
    assert sum(r["received"] for r in page.context["tables"][1]["rows"]) == 3


def test_a_bad_month_is_refused_with_a_message(world, client):
    signed_in(client, "a.leader")
    page = client.get(reverse("insights:petitions") + "?month=2025-13")
    assert page.status_code == 400


def test_a_monitor_starts_from_the_province_table(world, july, client):
    signed_in(client, "monitor.hanoi")
    page = client.get(reverse("insights:petitions") + "?month=2025-07")
    assert page.status_code == 200
    rows = {r["commune"].code: r["received"] for r in page.context["rows"]}
    assert rows == {world.a.code: 3, world.b.code: 1}  # no Huế commune
    sheet = client.get(reverse("insights:petitions") + "?month=2025-07&format=csv")
    assert sheet.status_code == 200
    assert world.a.name in sheet.content.decode("utf-8-sig")


def test_another_communes_statistics_are_not_found(world, july, client):
    signed_in(client, "b.leader")
    page = client.get(reverse("insights:petitions") + f"?commune={world.a.code}&month=2025-07")
    assert page.status_code == 404


def test_script_and_formula_names_stay_text_in_page_and_export(world, client):
    formula = Category.objects.create(
        province=world.hanoi,
        code="cong-thuc",
        name='=HYPERLINK("http://x";"cmd")',
        subject="place",
        department_kind=DepartmentKind.OFFICE,
        response_days=5,
    )
    services.ensure_departments(world.a)
    scripted = services.save_department(
        world.officers_a["commune_admin"],
        world.a,
        name="<script>alert(1)</script>",
        kind=DepartmentKind.OTHER,
    )
    petition = report(world, code=formula.code)
    services.reassign(
        petition, world.leader, "Chuyển phòng.", department=scripted, at=vn(2025, 7, 7, 10)
    )
    signed_in(client, "a.leader")
    url = reverse("insights:petitions") + f"?commune={world.a.code}&month=2025-07"
    page = client.get(url).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    sheet = client.get(url + "&format=csv").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(sheet)) for cell in row]
    assert '\'=HYPERLINK("http://x";"cmd")' in cells
    assert not any(cell.startswith("=") for cell in cells)
    assert "<script>alert(1)</script>" in cells  # plain text in a CSV cell, never run
    xlsx = client.get(url + "&format=xlsx")
    assert xlsx.status_code == 200


def test_group_5_inputs_of_a_commune_month_come_from_the_reports(world, july):
    rollups.refresh_province_month(world.hanoi.pk, JULY, now=LATER)
    inputs = CommuneMonth.objects.get(commune=world.a, month=JULY.first).inputs["commune"]
    # 3 received; the lighting answered on time; the other two never classified (late).
    assert inputs["petitions_in_period"] == 3
    assert inputs["petitions_handled_on_time"] == 1
    assert inputs["petitions_negative"] == 2
    # 5.4: the dossier with a report about it counts as flagged.
    assert inputs["dossiers_received"] == 1
    assert inputs["dossiers_with_petition_or_dislike"] == 1
    b = CommuneMonth.objects.get(commune=world.b, month=JULY.first).inputs["commune"]
    assert b["petitions_in_period"] == 1 and b["dossiers_with_petition_or_dislike"] == 0


def test_a_report_change_marks_its_months_dirty(world):
    petition = report(world, at=vn(2025, 7, 30, 9))
    CommuneMonth.objects.update(dirty=False)
    services.accept(petition, world.specialist, at=vn(2025, 8, 1, 9))
    petition = Petition.objects.get(pk=petition.pk)
    services.draft_answer(petition, world.specialist, "Đã sửa.", at=vn(2025, 8, 4, 9))
    dirty = set(
        CommuneMonth.objects.filter(commune=world.a, dirty=True).values_list("month", flat=True)
    )
    assert {JULY.first, parse("2025-08").first} <= dirty


def test_an_entered_petition_input_is_shown_as_entered_beside_the_measured(world, july, client):
    signed_in(client, "monitor.hanoi")
    response = client.post(
        reverse("insights:inputs"),
        {
            "form": "commune",
            "month": "2025-07",
            "commune": world.a.code,
            "petitions_in_period": "10",
            "petitions_handled_on_time": "9",
            "petitions_negative": "1",
        },
    )
    assert response.status_code == 302
    rollups.refresh_province_month(world.hanoi.pk, JULY, now=LATER)
    row = CommuneMonth.objects.get(commune=world.a, month=JULY.first)
    assert row.inputs["commune"]["petitions_in_period"] == 10
    assert row.scores["criteria"]["5.2_PETITION_PROCESSING_ON_TIME"] == 5.4  # 6 × 9/10
    page = client.get(reverse("insights:commune_index", args=[world.a.code, "2025-07"]))
    assert page.status_code == 200
    entered = {e["name"]: e for e in page.context["entered_inputs"]}
    assert entered["petitions_in_period"]["value"] == 10
    assert entered["petitions_in_period"]["measured"] == 3
    assert "5.2_PETITION_PROCESSING_ON_TIME" in page.context["entered_criteria"]
    text = page.content.decode()
    assert 'data-testid="entered-inputs"' in text and "nhập tay" in text
    assert 'data-testid="petition-classes"' in text
    criterion = client.get(
        reverse(
            "insights:criterion",
            args=[world.a.code, "2025-07", "5.2_PETITION_PROCESSING_ON_TIME"],
        )
    )
    parts = {p["name"]: p for p in criterion.context["parts"]}
    assert parts["petitions_in_period"]["source"] == "entered"
    assert parts["petitions_in_period"]["measured"] == 3
    assert "đo được: 3" in criterion.content.decode()


def test_without_an_entry_the_inputs_are_measured(world, july):
    assert index_inputs.sources_of(None)["petitions_in_period"] == "measured"
    measured = index_inputs.measured_inputs([world.a.pk], JULY, now=LATER)[world.a.pk]
    assert measured["petitions_in_period"] == 3


def test_the_month_picker_shows_the_month_on_the_page_as_chosen(world, july, client):
    """July 2025 lies more than 12 months back: the picker still offers it, chosen, rather than
    showing this month as chosen over July's figures."""
    signed_in(client, "a.leader")
    page = client.get(reverse("insights:petitions") + f"?commune={world.a.code}&month=2025-07")
    assert '<option value="2025-07" selected>' in page.content.decode()
    assert sum('" selected>' in line for line in page.content.decode().splitlines()) == 1
