"""``exports.yml``: what was sent to Ladok, so the next export lists only what is new.

The administrators' own record, one entry per export: the day and the certificate numbers
registered and undone. It holds numbers only, never a name or an id. It is read with the
hardened reader like every other file and written with a round-trip editor, so comments and
the layout an administrator gave it survive.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

from cim.problems import Problem
from cim.read import source

EXPORTS_FILE = "exports.yml"
HEADER = """\
# What was sent to Ladok. Written by `cim export ladok --out FILE`: each export adds the day
# and the certificate numbers it registered and undid, and the next export lists only what is
# new. Owned by the CIM administrators; numbers only, never a name.
"""


@dataclass(slots=True)
class Ledger:
    registered: set[str] = field(default_factory=set)
    undone: set[str] = field(default_factory=set)
    last: dt.date | None = None  # the day of the last export
    problems: list[Problem] = field(default_factory=list)


def read(root: Path) -> Ledger:
    """What earlier exports sent (empty when there is no ``exports.yml``)."""
    path = root / EXPORTS_FILE
    ledger = Ledger()
    if not path.is_file():
        return ledger
    doc = source.read(str(path), EXPORTS_FILE)
    ledger.problems += doc.problems
    data = doc.data if doc.ok else None
    if data is None:
        return ledger
    entries = data.get("ladok") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        ledger.problems.append(
            doc.problem([], "expected a list `ladok:` of exports (date, registered, undone).")
        )
        return ledger
    for i, entry in enumerate(entries):
        fields = entry if isinstance(entry, dict) else {}
        numbers = [fields.get("registered"), fields.get("undone")]
        day = fields.get("date")
        if not all(isinstance(n, list) for n in numbers) or not isinstance(day, str):
            ledger.problems.append(
                doc.problem(["ladok", i], "each export needs `date:`, `registered:` and `undone:`.")
            )
            continue
        ledger.registered.update(str(n) for n in numbers[0] or ())
        ledger.undone.update(str(n) for n in numbers[1] or ())
        try:
            when = dt.date.fromisoformat(day)
        except ValueError:
            ledger.problems.append(doc.problem(["ladok", i, "date"], "not a date (YYYY-MM-DD)."))
            continue
        ledger.last = max(ledger.last or when, when)
    return ledger


def record(root: Path, day: dt.date, registered: list[str], undone: list[str]) -> Path:
    """Add one export to ``exports.yml`` (created when missing), keeping what is there."""
    from ruamel.yaml import YAML
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    yaml = YAML()
    yaml.indent(mapping=2, sequence=4, offset=2)
    path = root / EXPORTS_FILE
    text = path.read_text(encoding="utf-8") if path.is_file() else HEADER + "ladok: []\n"
    data = yaml.load(text)
    if not isinstance(data, dict):
        data = CommentedMap()
    entries = data.get("ladok")
    if not isinstance(entries, list):
        entries = CommentedSeq()
        data["ladok"] = entries
    entry = CommentedMap()
    entry["date"] = day
    for key, numbers in (("registered", registered), ("undone", undone)):
        seq = CommentedSeq(numbers)
        seq.fa.set_flow_style()
        entry[key] = seq
    entries.append(entry)
    if len(entries) == 1 and hasattr(entries, "fa"):
        entries.fa.set_block_style()
    out = io.StringIO()
    yaml.dump(data, out)
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
