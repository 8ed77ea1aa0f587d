"""Hand-built dossier rows for figure tests: thousands of dossiers in one statement, each with the
dates and outcome a test states, as if the workflow had run (the workflow itself is tested in
tests/dossiers). Use these only where the workflow would take minutes to replay."""

from datetime import datetime, timedelta
from itertools import count

from motcua.dossiers.models import Channel, Dossier

_serial = count(1)


def bulk_dossiers(
    world,
    n: int,
    *,
    received: datetime,
    due: datetime | None = None,
    finished: datetime | None = None,
    timeliness: str = "",
    state: str | None = None,
    commune=None,
    channel: int = Channel.COUNTER,
    supplements: int = 0,
    **fields,
) -> list[Dossier]:
    commune = commune or world.a
    due = due or received + timedelta(days=3)
    state = state or ("returned_at_counter" if finished else "at_specialist")
    rows = [
        Dossier(
            code=f"T-{next(_serial):07d}",
            procedure=world.procedure,
            receiving_commune=commune,
            competent_commune=commune,
            channel=channel,
            state=state,
            applicant_name="Nguyễn Văn Thử",
            applicant_id_number="001085012345",
            processing_amount=3,
            processing_unit="working_day",
            submitted_at=received,
            received_at=received,
            clock_started_at=received,
            legal_due_at=due,
            finished_at=finished,
            timeliness=timeliness,
            supplement_count=supplements,
            **fields,
        )
        for _ in range(n)
    ]
    return Dossier.objects.bulk_create(rows, batch_size=2000)
