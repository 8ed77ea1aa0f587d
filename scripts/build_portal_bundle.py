"""Build motcua/data/national_portal.jsonl.gz from a copy of the portal data (ADR 0026).

    python3 scripts/build_portal_bundle.py /work/shared/data/national_portal

The bundle is one gzip-compressed JSON-lines file: first every line of ``catalog.jsonl`` (the
5,670 names; the portal's internal ids dropped), then the full records of the procedures carried
out at commune level (``procedures/<code>.json`` whose executing bodies name a commune-level body),
each on one line, as published. ``motcua import_procedures`` reads it without a path.
"""

import gzip
import json
import os
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django.setup()

from motcua.catalog.portal import procedure_level  # noqa: E402

DROPPED = ("id", "categoryIds", "departmentPromulgateId", "codeNotation")


def main(folder: Path, out: Path) -> None:
    names = [
        json.loads(line)
        for line in (folder / "catalog.jsonl").open(encoding="utf-8")
        if line.strip()
    ]
    departments = {n["code"].strip(): n.get("departments") or [] for n in names}
    records = []
    for path in sorted((folder / "procedures").glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        bodies = [
            *(record.get("executing_agency") or "").split(";"),
            *departments.get(record["code"], []),
        ]
        if procedure_level([b.strip() for b in bodies]) == "commune":
            records.append(record)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9) as handle:
        for name in names:
            handle.write(
                json.dumps({k: v for k, v in name.items() if k not in DROPPED}, ensure_ascii=False)
                + "\n"
            )
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{out}: {len(names)} names, {len(records)} full records, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]), ROOT / "motcua" / "data" / "national_portal.jsonl.gz")
