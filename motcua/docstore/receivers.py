"""What the document store does when something happens to a dossier (``dossiers.signals``)."""

import logging

from django.core.exceptions import ValidationError

from motcua.docstore import services
from motcua.dossiers.workflow import Action
from motcua.privacy import mask_digits

logger = logging.getLogger(__name__)


def record_result_on_approval(sender, event, **kwargs) -> None:
    """An approved dossier's e-result enters its owner's store in the approval's own transaction
    (the signal is sent inside it), so the two are committed together or not at all.

    Organisations' results are stored too: the store is kept for "tổ chức, cá nhân" alike, and
    their next dossier reuses the result the same way. A dossier whose owner number does not
    validate (data from before the intake checks) is skipped with a warning rather than blocking
    the leader's approval.
    """
    if event.action != Action.APPROVE:
        return
    try:
        services.record_issued_result(event.dossier, at=event.at)
    except ValidationError:
        logger.warning(
            "docstore: no e-result stored for dossier %s: owner number %s does not validate",
            event.dossier.code,
            mask_digits(event.dossier.applicant_id_number),
        )
