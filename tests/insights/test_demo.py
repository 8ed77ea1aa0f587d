"""The demo's statistics: every month computed, Hà Nội's inputs entered, past months frozen."""

from django.core.management import call_command

from motcua.dossiers.demo_data import DEMO_COMMUNES, ensure_demo_users, generate_history
from motcua.insights import demo, ranking
from motcua.insights.models import CommuneMonth, IndexSnapshot, PublishedIndex
from motcua.insights.periods import month_of, today
from motcua.units.models import Province

PROVINCE_CRITERIA = ("1.1_PUBLISH_ON_TIME", "1.2_PUBLIC_UPDATE_ON_TIME", "1.3_PUBLIC_CONTENT_FULL")


def test_the_demo_ranks_its_communes_and_freezes_past_months(db):
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, verbosity=0)
    call_command("create_service_centers", verbosity=0)
    ensure_demo_users()
    generate_history(days=40, per_day=3, seed=11)

    demo.prepare()

    hanoi = Province.objects.current().get(code="01")
    month = month_of(today()).previous()
    rows = ranking.ranking(hanoi.pk, month)
    ranked = [r for r in rows if r.rank is not None]
    assert len(rows) == 126
    assert 1 <= len(ranked) <= len(DEMO_COMMUNES)
    for row in ranked:  # the city's published inputs for criteria 1.1-1.3
        criteria = CommuneMonth.objects.get(commune_id=row.commune_id, month=month.first).scores
        assert [criteria["criteria"][k] for k in PROVINCE_CRITERIA] == [0.0, 3.25, 1.95]
    assert PublishedIndex.objects.count() == 126
    if today().day >= 5:
        assert IndexSnapshot.objects.filter(month=month_of(today()).previous().first).exists()
