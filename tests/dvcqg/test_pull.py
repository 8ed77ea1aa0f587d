"""Online dossiers filed on the national portal come in as submitted_online dossiers, once."""

import pytest

from motcua.dossiers.models import Channel, Dossier
from motcua.dossiers.workflow import State
from motcua.dvcqg import services
from motcua.dvcqg.adapters import PortalError
from motcua.dvcqg.models import PulledDossier, SyncState
from motcua.dvcqg.queries import commune_for_unit_code
from tests.world import GOOD_ID


def online_row(**overrides) -> dict:
    row = {
        "MaHoSo": "G22.99-250707-0001",
        "MaTTHC": "1.004873",
        "MaDonVi": "01.00070",  # Phường Hoàn Kiếm, by motcua's stand-in agency identifier
        "ChuHoSo": "Lê Thị Hoa",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": GOOD_ID,
        "SoDienThoai": "0987654321",
        "Email": "hoa@example.vn",
        "TrichYeuHoSo": "Xin cấp giấy xác nhận tình trạng hôn nhân",
        "NgayNopHoSo": "20250707203000",
        "TaiLieuNop": [{"TenTepDinhKem": "Tờ khai"}, {"TenTepDinhKem": "Ảnh CCCD"}],
    }
    row.update(overrides)
    return row


def test_online_dossiers_become_submitted_online_dossiers_exactly_once(world, portal, adapter):
    portal.online = [online_row()]

    report = services.pull_online_dossiers(adapter=adapter)

    assert report.fetched == 1
    [code] = report.created
    dossier = Dossier.objects.get(code=code)
    assert dossier.state == State.SUBMITTED_ONLINE
    assert dossier.channel == Channel.ONLINE
    assert dossier.competent_commune == world.a
    assert dossier.procedure == world.procedure
    assert dossier.applicant_name == "Lê Thị Hoa"
    assert dossier.summary == "Xin cấp giấy xác nhận tình trạng hôn nhân"
    assert [d.name for d in dossier.documents.all()] == ["Tờ khai", "Ảnh CCCD"]
    assert code.startswith("01.00070-250707-")  # filed 20:30 on 7 July, Vietnam time
    assert PulledDossier.objects.get(portal_id="G22.99-250707-0001").dossier == dossier
    # Like any new dossier, it is now to be pushed (national status 1, Mới đăng ký).
    assert SyncState.objects.get(dossier=dossier).status == "not_synced"

    again = services.pull_online_dossiers(adapter=adapter)

    assert (again.created, again.already_pulled, again.failed) == ([], 1, [])
    assert Dossier.objects.count() == 1

    services.push_due(adapter=adapter)
    assert portal.dossiers[code]["TrangThaiHoSo"] == "1"
    assert portal.dossiers[code]["HinhThuc"] == "2"
    [submitted] = portal.progress_of(code)
    assert submitted["NguoiXuLy"] == "Công dân"  # no name in clear in the progress log


def test_rows_that_cannot_be_mapped_are_reported_not_fatal(world, portal, adapter, caplog):
    portal.online = [
        online_row(MaHoSo="P-1", MaTTHC="1.999999"),
        online_row(MaHoSo="P-2", MaDonVi="000.00.99.Z99"),
        online_row(MaHoSo="P-3", MaDoiTuong="12345"),
        online_row(MaHoSo=""),
        online_row(MaHoSo="P-5", MaDonVi="00082"),  # Phường Cửa Nam by its commune code
    ]

    report = services.pull_online_dossiers(adapter=adapter)

    assert len(report.created) == 1
    assert Dossier.objects.get().competent_commune == world.b
    reasons = {f.portal_id: f.reason for f in report.failed}
    assert set(reasons) == {"P-1", "P-2", "P-3", ""}
    assert "1.999999" in reasons["P-1"]
    assert "000.00.99.Z99" in reasons["P-2"]
    assert reasons["P-3"]  # intake validation (the personal ID number) says what is wrong
    assert "P-1" in caplog.text and "1.999999" in caplog.text
    assert GOOD_ID not in caplog.text
    assert not PulledDossier.objects.filter(portal_id__in=["P-1", "P-2", "P-3"]).exists()

    # Once the catalogue knows the procedure, the next pull imports it.
    world.procedure.code = "1.999999"
    world.procedure.save()
    report = services.pull_online_dossiers(adapter=adapter)
    assert "P-1" in {p.portal_id for p in PulledDossier.objects.all()}
    assert report.already_pulled == 1


def test_a_portal_failure_while_fetching_raises(world, portal, adapter):
    portal.down = True
    with pytest.raises(PortalError) as caught:
        services.pull_online_dossiers(adapter=adapter)
    assert caught.value.temporary
    assert Dossier.objects.count() == 0


def test_unit_codes_map_to_communes(world):
    world.b.agency_id = "000.00.04.G18"
    world.b.save()

    assert commune_for_unit_code("000.00.04.G18") == world.b
    assert commune_for_unit_code("01.00070") == world.a
    assert commune_for_unit_code("46.19753") == world.h
    assert commune_for_unit_code("19753") == world.h
    assert commune_for_unit_code("01.19753") is None  # wrong province
    assert commune_for_unit_code("") is None
