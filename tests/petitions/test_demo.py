"""The demo's reports: filed and handled through the services over the dossiers' months, and
the rollups the demo computes afterwards show group 5 of the index measured from them."""

import time

from django.core.management import call_command

from motcua.dossiers.demo_data import DEMO_COMMUNES, ensure_demo_users, generate_history
from motcua.insights import demo as insights_demo
from motcua.insights.models import CommuneMonth
from motcua.notify.models import Message
from motcua.notify.models import Status as MessageStatus
from motcua.petitions import demo, stats
from motcua.petitions.models import Channel, Petition, PetitionEvent, Status
from motcua.units.models import Commune


def test_demo_reports_feed_group_5_of_the_index(db):
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, verbosity=0)
    call_command("create_service_centers", verbosity=0)
    ensure_demo_users()
    demo.ensure_hotline_operator()
    generate_history(days=40, per_day=2, seed=11)
    first = insights_demo.first_dossier_day()

    started = time.monotonic()
    made = demo.generate_reports(first=first)
    seconds = time.monotonic() - started
    assert made == Petition.objects.count() > 0
    assert seconds < 15, f"the demo's reports took {seconds:.1f} s"
    assert demo.generate_reports(first=first) == 0  # a second start keeps them

    # Every demo commune has reports, through varied channels, in every state.
    communes = set(Petition.objects.values_list("commune__code", flat=True))
    assert communes == set(DEMO_COMMUNES)
    assert set(Petition.objects.values_list("channel", flat=True)) >= {
        Channel.PORTAL,
        Channel.HOTLINE,
        Channel.QR,
    }
    statuses = set(Petition.objects.values_list("status", flat=True))
    assert {Status.PUBLISHED, Status.REJECTED} <= statuses
    assert Petition.objects.filter(handled_late=True).exists()
    assert Petition.objects.exclude(satisfaction="").exists()
    assert Petition.objects.filter(dossier__isnull=False).exists()
    assert Petition.objects.filter(place__isnull=False).exists()
    # Replayed through the services: each report has its events; nobody is texted now.
    assert PetitionEvent.objects.values("petition").distinct().count() == made
    assert not Message.objects.filter(
        dedupe_key__startswith="petition:", status=MessageStatus.PENDING
    ).exists()

    insights_demo.prepare()

    months = insights_demo.demo_months(insights_demo.timezone.now())
    measured_any = False
    for code in DEMO_COMMUNES:
        commune = Commune.objects.get(code=code)
        for period in months:
            row = CommuneMonth.objects.get(commune=commune, month=period.first)
            inputs = row.inputs["commune"]
            counted = stats.index_counts([commune.pk], period).get(commune.pk, {})
            for name in stats.INDEX:
                assert inputs[name] == counted.get(name, 0), (code, period.key, name)
            assert inputs["petitions_handled_on_time"] <= inputs["petitions_in_period"]
            assert inputs["petitions_negative"] <= inputs["petitions_in_period"]
            measured_any = measured_any or inputs["petitions_in_period"] > 0
    assert measured_any
