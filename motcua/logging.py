"""Keep personal data out of logs.

Rules of the house: a CCCD number, phone number or e-mail address is never logged in clear. This
filter masks anything that looks like one in every log record, whatever code produced it, so a
careless ``logger.info(f"... {dossier.applicant_id_number}")`` cannot leak.
"""

import logging

from motcua.privacy import mask_text


class MaskPersonalData(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, ()
        return True


__all__ = ["MaskPersonalData"]
