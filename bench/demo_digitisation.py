#!/usr/bin/env python3
"""The demo's digitisation rate: the share of received dossiers with at least one component
digitised (``insights.figures`` "digitized" ÷ "received"), over the demo's generated history.

    .venv/bin/python bench/demo_digitisation.py --days 30

Builds the demo's dossier history (``dossiers.demo_data.generate_history`` and the demo
resident, as ``motcua demo`` does) in a scratch SQLite database under a temporary state
directory, never the developer's, and prints one JSON object: the rate, its two counts, the
share of counter papers with a file, the seconds the history took to generate and, of those,
the seconds spent storing the demo's scans (the cost the scans add, measured in the same run, so
it does not depend on how busy the machine is). Run on a
checkout from before issue 15 it measures the old rule (every counter paper "digitised").
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--per-day", type=int, default=9)
    parser.add_argument(
        "--no-scans", action="store_true", help="Generate without the demo's counter scans."
    )
    args = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="motcua-digitisation-")
    os.environ["MOTCUA_STATE_DIR"] = scratch
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from motcua.dossiers.models import Channel, Dossier, DossierDocument
    from motcua.insights import figures
    from motcua.insights.periods import range_of, today

    call_command("migrate", interactive=False, verbosity=0)
    for command in ("import_units", "import_day_overrides", "import_procedures"):
        call_command(command, verbosity=0)
    call_command("create_service_centers", verbosity=0)
    from motcua.dossiers import demo_data

    demo_data.ensure_demo_users()
    try:
        from motcua.demo.scans import counter_scanner
    except ImportError:  # a checkout from before the demo scanned papers
        counter_scanner = None
    scanning: list[float] = []  # seconds spent storing each scan
    started = time.monotonic()
    if counter_scanner is None or args.no_scans:
        made = demo_data.generate_history(days=args.days, per_day=args.per_day)
    else:
        with counter_scanner() as scan:

            def timed_scan(*args_, **kwargs_):
                begun = time.monotonic()
                try:
                    return scan(*args_, **kwargs_)
                finally:
                    scanning.append(time.monotonic() - begun)

            made = demo_data.generate_history(
                days=args.days, per_day=args.per_day, scanner=timed_scan
            )
    seconds = time.monotonic() - started
    now = timezone.now()
    first = Dossier.objects.order_by("submitted_at").first().submitted_at
    period = range_of(timezone.localtime(first).date(), today(now))
    row = figures.counts(Dossier.objects.all(), period, now=now, keys=["received", "digitized"])
    counter = DossierDocument.objects.exclude(dossier__channel=Channel.ONLINE)
    print(
        json.dumps(
            {
                "days": args.days,
                "per_day": args.per_day,
                "dossiers": made,
                "received": row["received"],
                "digitized": row["digitized"],
                "digitisation_rate_percent": str(
                    figures.percent(row["digitized"], row["received"])
                ),
                "counter_papers": counter.count(),
                "counter_papers_flagged_digitized": counter.filter(digitized=True).count(),
                "counter_papers_with_file": counter.filter(stored_document__isnull=False).count(),
                "history_seconds": round(seconds, 1),
                "scans_stored": len(scanning),
                "seconds_storing_scans": round(sum(scanning), 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
