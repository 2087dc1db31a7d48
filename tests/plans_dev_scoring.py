"""Score the extraction of the development plans (corpora/plans-dev) against their expected
fiches: matched fiches, spurious records, and per field the share of expected fiches right.

Run as a script to print the per-plan, per-field table:

    .venv/bin/python tests/plans_dev_scoring.py
"""

from __future__ import annotations

import difflib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpora" / "plans-dev"
FIELDS = ("id", "intitule", "axe", "porteur", "partenaires", "public")


def norm(text: str) -> str:
    """Compare values as a reader would: case, spacing, dash and quote variants aside."""
    text = unicodedata.normalize("NFC", text or "").casefold()
    text = re.sub(r"[–—‐‑]", "-", text).replace("’", "'")
    text = re.sub(r"\s*([;,|/])\s*", r"\1 ", text)
    text = re.sub(r"\s+", " ", text).strip(" .;:")
    return text


def number_of(ident: str) -> str:
    """The document's own number of an extracted id (« VC-1.1 » -> « 1.1 »)."""
    return ident.split("-", 1)[1] if "-" in ident else ident


@dataclass
class PlanScore:
    name: str
    expected: int
    records: int
    matched: int = 0
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(FIELDS, 0))
    misses: list[str] = field(default_factory=list)  # a few wrong values, to show

    @property
    def spurious(self) -> int:
        return self.records - self.matched


def score(name: str, expected: list[dict], records: list[dict]) -> PlanScore:
    result = PlanScore(name=name, expected=len(expected), records=len(records))
    free = list(range(len(records)))
    for exp in expected:
        chosen = None
        for i in free:  # same number
            if norm(number_of(records[i]["id"])) == norm(exp["id"]):
                chosen = i
                break
        if chosen is None:
            best = 0.0
            for i in free:
                ratio = difflib.SequenceMatcher(
                    None, norm(records[i]["intitule"]), norm(exp["intitule"])
                ).ratio()
                if ratio > best and ratio >= 0.8:
                    best, chosen = ratio, i
        if chosen is None:
            result.misses.append(f"{exp['id']} : fiche non trouvée")
            continue
        free.remove(chosen)
        result.matched += 1
        record = dict(records[chosen])
        record["id"] = number_of(record["id"])
        for name_ in FIELDS:
            if norm(record.get(name_, "")) == norm(exp[name_]):
                result.right[name_] += 1
            elif len(result.misses) < 40:
                result.misses.append(
                    f"{exp['id']} {name_} : {record.get(name_, '')!r} au lieu de {exp[name_]!r}"
                )
    return result


def expected_of(name: str) -> list[dict]:
    path = DEV / "attendu" / f"{name}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def plans() -> list[Path]:
    return sorted(p for p in DEV.iterdir() if p.suffix in (".pdf", ".docx"))


def extract(path: Path) -> tuple[list[dict], list[str]]:
    """The records ``extraire`` gives for one plan, and its import report lines."""
    from cloterres.plans import ReadReport, read_measures

    report = ReadReport()
    measures = list(read_measures([path], report, workers=1))
    records = [m.model_dump() for m in measures]
    return records, [line for d in report.documents for line in d.lines()]


def score_all() -> list[PlanScore]:
    out = []
    for path in plans():
        try:
            records, _ = extract(path)
        except Exception as exc:  # an unread plan scores zero, it does not stop the table
            print(f"{path.name}: {type(exc).__name__}: {exc}", file=sys.stderr)
            records = []
        out.append(score(path.stem, expected_of(path.stem), records))
    return out


def table(scores: list[PlanScore]) -> str:
    head = f"{'plan':32} {'attendu':>7} {'trouvé':>6} {'assoc.':>6} {'en trop':>7} " + " ".join(
        f"{f[:8]:>8}" for f in FIELDS
    )
    lines = [head]
    for s in [*scores, total(scores)]:
        cells = " ".join(f"{100 * s.right[f] / max(1, s.expected):7.0f}%" for f in FIELDS)
        lines.append(
            f"{s.name:32} {s.expected:7} {s.records:6} {s.matched:6} {s.spurious:7} {cells}"
        )
    return "\n".join(lines)


def total(scores: list[PlanScore]) -> PlanScore:
    out = PlanScore(
        name="ENSEMBLE",
        expected=sum(s.expected for s in scores),
        records=sum(s.records for s in scores),
    )
    out.matched = sum(s.matched for s in scores)
    for f in FIELDS:
        out.right[f] = sum(s.right[f] for s in scores)
    return out


if __name__ == "__main__":
    scores = score_all()
    print(table(scores))
    if "-v" in sys.argv:
        for s in scores:
            if s.misses:
                print(f"\n{s.name}:")
                for miss in s.misses:
                    print("  " + miss)
