"""Reading the audit trail in tests: what a step added to it, and nothing written before."""

from django.db.models import Max

from motcua.audit.models import AuditEntry


class Trail:
    """Marks the end of the trail now; ``new()`` returns the rows written since, oldest first."""

    def __init__(self):
        self.mark = AuditEntry.objects.aggregate(last=Max("id"))["last"] or 0

    def new(self) -> list[AuditEntry]:
        return list(
            AuditEntry.objects.filter(id__gt=self.mark)
            .select_related("actor", "commune", "province")
            .order_by("id")
        )

    def one(self) -> AuditEntry:
        """The single row written since the mark (fails if there are none or several)."""
        rows = self.new()
        assert len(rows) == 1, [str(r) for r in rows]
        return rows[0]
