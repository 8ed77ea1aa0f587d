"""The Decision 766 scoring engine against the spec's examples, the portal's published Hà Nội
figures and the rounding, threshold and zero rules of service_index.md §3–5."""

import copy
import json
import shutil
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from motcua.insights.index import scheme as index_scheme
from motcua.insights.index.inputs import validate_inputs
from motcua.insights.index.scheme import SchemeError, scheme_for, schemes
from motcua.insights.index.scoring import round_half_up, score
from motcua.insights.index.whatif import gaps, rank_among

EXAMPLES = json.loads((Path(__file__).parent / "service_index_examples.json").read_text("utf-8"))
HANOI = json.loads(
    (
        Path(__file__).resolve().parents[2] / "motcua" / "data" / "hanoi_service_index_2026-10.json"
    ).read_text("utf-8")
)["communes"]
ON = date(2025, 9, 30)
PORTAL_GROUPS = ("dich_vu_cong_truc_tuyen", "thanh_toan_truc_tuyen")


def exact(value) -> Decimal:
    return Decimal(str(value))


def example_inputs(name: str = "A", **commune) -> dict:
    """A copy of an Appendix B example's inputs with some commune inputs replaced."""
    inputs = copy.deepcopy(EXAMPLES[name]["inputs"])
    inputs["commune"].update(commune)
    return inputs


def points(inputs: dict, key: str, **options) -> Decimal:
    return score(inputs, on=ON, **options).criterion(key).points


@pytest.fixture(autouse=True)
def _fresh_schemes():
    index_scheme.clear_cache()
    yield
    index_scheme.clear_cache()


# --------------------------------------------------------------------------- the worked examples


@pytest.mark.parametrize("name", ["A", "E"])
def test_worked_examples_reproduce_to_the_last_digit(name):
    result = score(EXAMPLES[name]["inputs"], on=ON)
    expected = EXAMPLES[name]["expected"]

    assert {c.key: c.points for c in result.criteria} == {
        key: exact(value) for key, value in expected["criteria"].items()
    }
    assert {g.key: g.points for g in result.groups} == {
        key: exact(value) for key, value in expected["groups"].items()
    }
    assert result.total == exact(expected["total"])


def test_as_dict_has_the_appendix_b_layout_and_exact_values():
    result = score(EXAMPLES["E"]["inputs"], on=ON).as_dict()
    expected = EXAMPLES["E"]["expected"]

    assert list(result) == ["criteria", "groups", "total"]
    assert list(result["criteria"]) == list(expected["criteria"])
    assert list(result["groups"]) == list(expected["groups"])
    assert [exact(v) for v in result["criteria"].values()] == [
        exact(v) for v in expected["criteria"].values()
    ]
    assert exact(result["total"]) == Decimal("69.43")


def test_result_carries_each_criterion_s_counts_ratio_and_threshold():
    result = score(EXAMPLES["E"]["inputs"], on=ON)

    on_time = result.criterion("2.1_ON_TIME")
    assert (on_time.code, on_time.group, on_time.max) == ("2.1", "tien_do_giai_quyet", 20)
    assert (on_time.numerator, on_time.denominator) == (4358, 4474)
    assert on_time.ratio == Fraction(4358, 4474)
    assert on_time.ratio_percent == Decimal("97.41")
    assert on_time.threshold is None
    assert result.criterion("5.4_DOSSIER_RECEIVING_SATISFACTION").threshold == Fraction(9, 10)
    assert result.criterion("5.4_DOSSIER_RECEIVING_SATISFACTION").numerator == 4357
    assert result.scheme == "2022-08-01"
    assert result.group("thanh_toan_truc_tuyen").max == 10


# --------------------------------------------------------------------------- the Hà Nội figures


def test_exact_mode_reproduces_122_published_totals_and_every_published_criterion():
    totals_matching, criteria_checked, criteria_wrong, differing = 0, 0, [], []
    for unit in HANOI:
        result = score(unit["inputs"], on=date(2026, 10, 10))
        published = unit["published"]
        for key, value in published["criteria"].items():
            criteria_checked += 1
            if result.criterion(key).points != exact(value):
                criteria_wrong.append((unit["code"], key))
        if result.total == exact(published["total"]):
            totals_matching += 1
        else:
            differing.append(unit["code"])

    assert len(HANOI) == 126
    assert criteria_checked == 126 * 15
    assert criteria_wrong == []
    assert totals_matching == 122
    assert sorted(differing) == ["H26.109", "H26.116", "H26.161", "H26.183"]


def test_exact_mode_differs_from_the_portal_only_in_groups_3_and_4_by_one_hundredth():
    for unit in HANOI:
        result = score(unit["inputs"], on=date(2026, 10, 10))
        for key, value in unit["published"]["groups"].items():
            difference = abs(result.group(key).points - exact(value))
            assert difference == 0 or (key in PORTAL_GROUPS and difference == Decimal("0.01"))


def test_portal_compatible_mode_reproduces_every_group_3_and_4_and_every_total():
    for unit in HANOI:
        result = score(unit["inputs"], on=date(2026, 10, 10), portal_compatible=True)
        published = unit["published"]
        for key in PORTAL_GROUPS:
            assert result.group(key).points == exact(published["groups"][key]), unit["code"]
        others_match = all(
            result.group(key).points == exact(value)
            for key, value in published["groups"].items()
            if key not in PORTAL_GROUPS
        )
        assert others_match, unit["code"]
        assert result.total == exact(published["total"]), unit["code"]


def test_portal_compatible_rounding_is_the_portal_s_float_evaluation():
    # phường Láng, 3.6: 4081/5182 = 78.7534 % → exact 4.7252 → 4.73; the portal rounds the
    # percentage to 78.75 and 6 × 78.75 / 100 is the double 4.72499… → 4.72.
    lang = next(u for u in HANOI if u["code"] == "H26.116")["inputs"]
    assert points(lang, "3.6_PAY_DOSSIERS") == Decimal("4.73")
    assert points(lang, "3.6_PAY_DOSSIERS", portal_compatible=True) == Decimal("4.72")
    # xã Minh Châu, 3.3 (threshold 50 %): 949/2050 = 46.2927 % → 5.56 exact, 5.55 on the portal.
    minh_chau = next(u for u in HANOI if u["code"] == "H26.183")["inputs"]
    assert points(minh_chau, "3.3_ONLINE_DOSSIERS") == Decimal("5.56")
    assert points(minh_chau, "3.3_ONLINE_DOSSIERS", portal_compatible=True) == Decimal("5.55")


def test_portal_compatible_leaves_the_other_groups_exact():
    # The portal's rule would make Ba Vì's 4.1 5.60; its published 4.1 is the exact 5.59.
    assert points(
        EXAMPLES["E"]["inputs"], "4.1_ORIGINAL_RESULT_AVAILABLE", portal_compatible=True
    ) == (Decimal("5.59"))


# --------------------------------------------------------------------------- rounding and shapes


def test_a_tie_rounds_half_up_with_exact_arithmetic():
    # 4.1 is 6 × r: 6 × 397/1200 = 1.985 exactly. In binary floating point it is 1.98499… → 1.98.
    inputs = example_inputs(
        dossiers_received=1200,
        dossiers_on_time=1200,
        dossiers_received_reported=1200,
        dossiers_synced=1200,
        dossiers_e_result=397,
    )
    assert points(inputs, "4.1_ORIGINAL_RESULT_AVAILABLE") == Decimal("1.99")
    assert round_half_up(Fraction(1985, 1000)) == Decimal("1.99")
    assert round_half_up(Fraction(19849, 10000)) == Decimal("1.98")


def test_groups_sum_rounded_criteria_not_unrounded_ones():
    # Ba Vì's payment group: 4.66 + 0.24 + 0.24 = 5.14 (unrounded 5.146 would give 5.15).
    result = score(EXAMPLES["E"]["inputs"], on=ON)
    assert result.group("thanh_toan_truc_tuyen").points == Decimal("5.14")


def test_threshold_criteria_stop_at_their_maximum():
    inputs = example_inputs(
        procedures_under_authority=100,
        procedures_online_partial=60,
        procedures_online_full=40,  # 100 % against the 80 % threshold
        dossiers_online_qualifying=1240,  # 100 % against 50 %
        fee_procedures_integrated=34,
    )
    result = score(inputs, on=ON)
    assert result.criterion("3.1_ONLINE_PROCEDURES").points == Decimal("2.00")
    assert result.criterion("3.3_ONLINE_DOSSIERS").points == Decimal("6.00")
    assert result.criterion("3.5_PAY_PROVISION").points == Decimal("2.00")


def test_threshold_criteria_below_their_threshold_scale_up():
    # 3.5b: 22/34 against 80 %: 2 × (22/34) / 0.8 = 1.6176 → 1.62; 4.3: 2 × (702/1240) / 0.8.
    result = score(EXAMPLES["A"]["inputs"], on=ON)
    assert result.criterion("3.5b_PAY_FORMALITIES").points == Decimal("1.62")
    assert result.criterion("4.3_REUSED_DIGITIZED_DATA").points == Decimal("1.42")


def test_3_3_multiplies_the_online_share_by_the_sync_ratio():
    # 400/1000 online × 500/1000 synced = 20 % against 50 % → 6 × 0.4 = 2.40.
    inputs = example_inputs(
        dossiers_received=1000,
        dossiers_on_time=1000,
        dossiers_received_reported=1000,
        dossiers_synced=500,
        dossiers_online_qualifying=400,
        dossiers_e_result=0,
        dossiers_digitized=0,
        dossiers_reused_data=0,
        dossiers_personal_store_linked=0,
        dossiers_population_db=0,
    )
    result = score(inputs, on=ON)
    assert result.criterion("1.4_DOSSIER_SYNC").points == Decimal("3.00")
    assert result.criterion("3.3_ONLINE_DOSSIERS").ratio == Fraction(1, 5)
    assert result.criterion("3.3_ONLINE_DOSSIERS").points == Decimal("2.40")


def test_1_4_uses_the_larger_of_reported_and_synced():
    inputs = example_inputs(dossiers_received_reported=800, dossiers_synced=1000)
    assert points(inputs, "1.4_DOSSIER_SYNC") == Decimal("6.00")
    inputs = example_inputs(dossiers_received_reported=1240, dossiers_synced=310)
    assert points(inputs, "1.4_DOSSIER_SYNC") == Decimal("1.50")


# --------------------------------------------------------------------------- zero rules


def test_no_petitions_scores_full_points_for_5_2_and_5_3():
    inputs = example_inputs(
        petitions_in_period=0, petitions_handled_on_time=0, petitions_negative=0
    )
    result = score(inputs, on=ON)
    for key in ("5.2_PETITION_PROCESSING_ON_TIME", "5.3_PETITION_HANDLING_SATISFACTION"):
        assert result.criterion(key).ratio is None
        assert result.criterion(key).points == Decimal("6.00")


def test_petitions_all_late_and_negative_score_nothing():
    inputs = example_inputs(
        petitions_in_period=2, petitions_handled_on_time=0, petitions_negative=2
    )
    result = score(inputs, on=ON)
    assert result.criterion("5.2_PETITION_PROCESSING_ON_TIME").points == 0
    assert result.criterion("5.3_PETITION_HANDLING_SATISFACTION").points == 0


def test_no_dossiers_scores_zero_for_5_4_and_the_dossier_criteria():
    no_dossiers = {
        name: 0
        for name in (
            "dossiers_received",
            "dossiers_on_time",
            "dossiers_received_reported",
            "dossiers_synced",
            "dossiers_online_qualifying",
            "dossiers_with_petition_or_dislike",
            "dossiers_e_result",
            "dossiers_digitized",
            "dossiers_reused_data",
            "dossiers_personal_store_linked",
            "dossiers_population_db",
        )
    }
    result = score(example_inputs(**no_dossiers), on=ON)
    for key in (
        "1.4_DOSSIER_SYNC",
        "2.1_ON_TIME",
        "3.3_ONLINE_DOSSIERS",
        "5.4_DOSSIER_RECEIVING_SATISFACTION",
        "4.1_ORIGINAL_RESULT_AVAILABLE",
        "4.5b_CITIZEN_DATA_CONNECTED_DOSSIER",
    ):
        assert result.criterion(key).ratio is None, key
        assert result.criterion(key).points == 0, key


def test_3_1_scores_zero_when_no_procedure_is_under_commune_authority():
    result = score(EXAMPLES["E"]["inputs"], on=ON)
    assert result.criterion("3.1_ONLINE_PROCEDURES").denominator == 0
    assert result.criterion("3.1_ONLINE_PROCEDURES").points == 0


def test_5_4_never_goes_below_zero_when_overdue_and_flagged_overlap():
    inputs = example_inputs(dossiers_on_time=100, dossiers_with_petition_or_dislike=300)
    criterion = score(inputs, on=ON).criterion("5.4_DOSSIER_RECEIVING_SATISFACTION")
    assert criterion.numerator == 0
    assert criterion.points == 0


def test_certified_copy_flag_gives_all_or_nothing():
    assert (
        points(example_inputs(certified_copy_e_service=True), "4.x_ELECTRONIC_CERTIFIED_COPY") == 2
    )
    assert (
        points(example_inputs(certified_copy_e_service=False), "4.x_ELECTRONIC_CERTIFIED_COPY") == 0
    )


# --------------------------------------------------------------------------- inputs


def test_valid_inputs_come_back_unchanged():
    assert validate_inputs(EXAMPLES["A"]["inputs"]) == EXAMPLES["A"]["inputs"]


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"colour": 3}, "commune.colour", "Không có số liệu tên"),
        ({"tthc_public_total": 5}, "commune.tthc_public_total", "thuộc phần “province_level”"),
        ({"dossiers_received": -1}, "commune.dossiers_received", "không được là số âm"),
        ({"dossiers_received": 12.5}, "commune.dossiers_received", "số nguyên"),
        ({"dossiers_received": 1240.0}, "commune.dossiers_received", "số nguyên"),
        ({"dossiers_received": "1240"}, "commune.dossiers_received", "số nguyên"),
        ({"dossiers_received": True}, "commune.dossiers_received", "số nguyên"),
        ({"certified_copy_e_service": 1}, "commune.certified_copy_e_service", "true hoặc false"),
        ({"dossiers_on_time": 1241}, "commune.dossiers_on_time", "không được lớn hơn"),
        ({"petitions_negative": 4}, "commune.petitions_negative", "không được lớn hơn"),
        (
            {"procedures_online_partial": 200, "procedures_online_full": 113},
            "commune.procedures_online_partial",
            "(313) không được lớn hơn “TTHC thuộc thẩm quyền của xã” (312)",
        ),
    ],
)
def test_wrong_inputs_are_refused_with_a_message_naming_the_field(change, field, words):
    with pytest.raises(ValidationError) as caught:
        validate_inputs(example_inputs(**change))
    messages = caught.value.message_dict
    assert list(messages) == [field]
    assert words in messages[field][0]


def test_a_missing_input_is_named():
    inputs = example_inputs()
    del inputs["province_level"]["tthc_published_total"]
    with pytest.raises(ValidationError) as caught:
        validate_inputs(inputs)
    assert caught.value.message_dict == {
        "province_level.tthc_published_total": ["Thiếu số liệu “TTHC công bố trong kỳ”."]
    }


def test_a_missing_section_or_a_non_object_is_refused():
    with pytest.raises(ValidationError) as caught:
        validate_inputs({"commune": EXAMPLES["A"]["inputs"]["commune"]})
    assert list(caught.value.message_dict) == ["province_level"]
    with pytest.raises(ValidationError) as caught:
        validate_inputs([1, 2])
    assert list(caught.value.message_dict) == ["__all__"]


def test_score_checks_its_inputs():
    with pytest.raises(ValidationError):
        score(example_inputs(dossiers_on_time=5000), on=ON)


# --------------------------------------------------------------------------- what-if


def test_gaps_rank_criteria_by_points_still_available():
    ranked = gaps(score(EXAMPLES["A"]["inputs"], on=ON))
    assert [(c.code, c.available) for c in ranked[:3]] == [
        ("4.4", Decimal("3.69")),
        ("3.2", Decimal("2.60")),
        ("4.5a", Decimal("1.58")),
    ]
    assert all(c.available > 0 for c in ranked)
    assert "1.4" not in [c.code for c in ranked]  # already at its maximum


def test_gaps_with_equal_gains_keep_the_criterion_order():
    ranked = gaps(score(EXAMPLES["E"]["inputs"], on=ON))
    payment = [c.code for c in ranked if c.available == Decimal("1.76")]
    assert payment == ["3.5b", "3.5"]
    assert ranked[0].code == "1.1"  # 6 points left, the largest


def test_competition_rank_shares_ties():
    others = [Decimal("70.00"), Decimal("69.43"), Decimal("69.43"), Decimal("50.00")]
    assert rank_among(Decimal("71.00"), others) == 1
    assert rank_among(Decimal("69.43"), others) == 2
    assert rank_among(Decimal("60.00"), others) == 4
    assert rank_among(Decimal("10.00"), []) == 1


# --------------------------------------------------------------------------- schemes


def test_shipped_scheme_adds_up_to_100_points():
    scheme = scheme_for(date(2026, 10, 1))
    assert scheme.version == "2022-08-01"
    assert scheme.max_total == 100
    assert [g.max for g in scheme.groups] == [18, 20, 12, 10, 18, 22]
    assert len(scheme.criteria) == 21


def test_reference_rating_bands_come_from_the_scheme():
    scheme = scheme_for(date(2026, 10, 1))
    assert scheme.band_for(Decimal("90.00")).name_vi == "Xuất sắc"
    assert scheme.band_for(Decimal("88.30")).name_vi == "Tốt"
    assert scheme.band_for(Decimal("61.50")).name_vi == "Trung bình"
    assert scheme.band_for(Decimal("49.99")).name_vi == "Yếu"


def test_no_scheme_before_the_index_existed():
    with pytest.raises(SchemeError, match="2022-07-31"):
        scheme_for(date(2022, 7, 31))


def _scheme_dir(tmp_path: Path, later: dict | None = None, name: str = "2027-01-01.json") -> Path:
    shutil.copy(index_scheme.SCHEMES_DIR / "2022-08-01.json", tmp_path / "2022-08-01.json")
    if later is not None:
        (tmp_path / name).write_text(json.dumps(later, ensure_ascii=False), encoding="utf-8")
    return tmp_path


def _shipped() -> dict:
    return json.loads((index_scheme.SCHEMES_DIR / "2022-08-01.json").read_text("utf-8"))


def _moved_points() -> dict:
    """A later scheme that moves a point from 3.3 (6 → 5) to 3.2 (4 → 5)."""
    data = _shipped()
    data["effective_from"] = "2027-01-01"
    for criterion in data["criteria"]:
        if criterion["code"] == "3.2":
            criterion["max"] = 5
        if criterion["code"] == "3.3":
            criterion["max"] = 5
    return data


def test_the_scheme_in_force_is_the_latest_effective_on_the_day(tmp_path, settings):
    settings.MOTCUA_INDEX_SCHEMES_DIR = str(_scheme_dir(tmp_path, _moved_points()))

    assert scheme_for(date(2026, 12, 31)).version == "2022-08-01"
    assert scheme_for(date(2027, 1, 1)).version == "2027-01-01"
    before = score(EXAMPLES["A"]["inputs"], on=date(2026, 12, 31))
    after = score(EXAMPLES["A"]["inputs"], on=date(2027, 3, 1))

    assert before.criterion("3.2_ONLINE_SERVICES_USED").points == Decimal("1.40")
    assert after.scheme == "2027-01-01"
    assert after.criterion("3.2_ONLINE_SERVICES_USED").max == 5
    assert after.criterion("3.2_ONLINE_SERVICES_USED").points == Decimal("1.75")  # 5 × 142/405
    assert after.criterion("3.3_ONLINE_DOSSIERS").points == Decimal("5.00")


def test_scheme_files_are_loaded_once_per_directory(tmp_path):
    directory = _scheme_dir(tmp_path)
    assert schemes(directory) is schemes(directory)
    index_scheme.clear_cache()
    assert schemes(directory) is not None


def _broken(change) -> dict:
    data = _moved_points()
    change(data)
    return data


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (
            lambda d: d["criteria"][0].update(shape="curved"),
            "criteria[0].shape",
            "linear, threshold",
        ),
        (lambda d: d["criteria"][5].pop("threshold"), "criteria[5].threshold", "thiếu mục này"),
        (lambda d: d["criteria"][5].update(threshold="1.5"), "criteria[5].threshold", "ngưỡng"),
        (
            lambda d: d["criteria"][4]["ratio"].update(denominator="dossiers_recieved"),
            "criteria[4].ratio.denominator",
            "dossiers_recieved",
        ),
        (
            lambda d: d["criteria"][0]["ratio"].update(denominator="dossiers_received"),
            "criteria[0].ratio.denominator",
            "thuộc phần commune",
        ),
        (lambda d: d["criteria"][4].update(max=21), "groups[1].max", "21"),
        (lambda d: d["criteria"][4].update(group="tien_do"), "criteria[4].group", "tien_do"),
        (lambda d: d.update(effective_from="2027-02-01"), "effective_from", "2027-01-01"),
        (lambda d: d["criteria"][1].update(key="1.1_PUBLISH_ON_TIME"), "criteria", "lặp lại"),
    ],
)
def test_a_malformed_scheme_file_says_where_and_what(tmp_path, change, where, words):
    directory = _scheme_dir(tmp_path, _broken(change))
    with pytest.raises(SchemeError) as caught:
        schemes(directory)
    message = str(caught.value)
    assert message.startswith(f"2027-01-01.json, {where}:")
    assert words in message


def test_a_scheme_file_that_is_not_json_or_badly_named_is_refused(tmp_path):
    (tmp_path / "2027-01-01.json").write_text("{", encoding="utf-8")
    with pytest.raises(SchemeError, match="2027-01-01.json: không đọc được JSON"):
        schemes(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    (other / "latest.json").write_text("{}", encoding="utf-8")
    with pytest.raises(SchemeError, match="latest.json: tên tệp"):
        schemes(other)
