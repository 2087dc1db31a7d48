"""Labelled material the learned layer is trained on and measured with (development only).

Two kinds of sources, per grid:

- the real-sourced reference sets of ``corpora/reference/`` (items paraphrased from public pages,
  coded twice blind and adjudicated), split once by source page into ``dev`` (training, rule
  writing) and ``test`` (only measured);
- the demo corpora's hand labels (``corpora/demo/``), self-written: training only;
- for interviews, the synthetic statements of ``corpora/synthetique/entretiens/`` (invented by
  helper sessions that saw only the codebook, in the ways real speakers talk, and coded by them):
  training only, never in a fold that is scored.

The project's self-written held-out sets (``tests/data/``) are never read here.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "corpora" / "reference"
DEMO = ROOT / "corpora" / "demo"
SYNTHETIC = ROOT / "corpora" / "synthetique"
SYNTHETIC_GROUP = 20  # statements of one file written in a row form one group (folds)

MEASURES_GRID = "cloterres-mesures"
INTERVIEWS_GRID = "entretiens-cls"


@dataclass(slots=True)
class Example:
    """One labelled unit: its fields, its gold labels by dimension, where it comes from."""

    id: str
    fields: dict[str, str]
    labels: dict[str, list[str]]
    group: str  # source page (or demo contract): folds never split a group
    split: str  # dev | test | demo | synth
    extra: dict[str, str] = field(default_factory=dict)


def _read_jsonl(path: Path) -> list[dict]:
    return [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]


def interview_labels(codes: list[str]) -> dict[str, list[str]]:
    """Interview codes ``theme.code`` as labels by theme (the engine's dimensions)."""
    out: dict[str, list[str]] = {}
    for code in codes:
        theme, cat = code.split(".", 1)
        out.setdefault(theme, []).append(cat)
    return out


def reference_examples(grid_id: str, root: Path = REFERENCE) -> list[Example]:
    """The adjudicated real-sourced set of a grid, both splits."""
    folder = root / ("mesures" if grid_id == MEASURES_GRID else "entretiens")
    items_path, gold_path = folder / "items.jsonl", folder / "adjudication.jsonl"
    if not items_path.is_file() or not gold_path.is_file():
        return []
    gold = {g["id"]: g for g in _read_jsonl(gold_path)}
    out: list[Example] = []
    for item in _read_jsonl(items_path):
        g = gold.get(item["id"])
        if g is None:
            continue
        if grid_id == MEASURES_GRID:
            fields = {"intitule": item["intitule"], "axe": item.get("axe", "")}
            labels = {k: list(v) for k, v in g["labels"].items()}
        else:
            fields = {"texte": item["texte"]}
            labels = interview_labels(g["codes"])
        out.append(Example(item["id"], fields, labels, item["source_url"], item["split"]))
    return out


def demo_measure_examples() -> list[Example]:
    """The demo plans' 144 measures with their hand labels (self-written)."""
    from cloterres.plans import ReadReport, read_measures

    gold = {
        g["id"]: g["labels"] for g in _read_jsonl(DEMO / "reference" / "labels-reference.jsonl")
    }
    out: list[Example] = []
    for m in read_measures(sorted(DEMO.glob("*.csv")), ReadReport()):
        if m.id not in gold:
            continue
        fields = {
            "intitule": m.intitule,
            "description": m.description,
            "public": m.public,
            "axe": m.axe,
        }
        out.append(Example(m.id, fields, gold[m.id], f"demo:{m.contrat}", "demo"))
    return out


def demo_interview_examples() -> list[Example]:
    """The demo transcripts' coded turns (self-written)."""
    from cloterres.interviews.coding import code_interviews

    refs = _read_jsonl(DEMO / "entretiens" / "reference" / "codes-tours.jsonl")
    gold = {f"{r['entretien']}#{r['tour']}": r["codes"] for r in refs}
    paths = sorted(
        p for p in (DEMO / "entretiens").glob("E*") if p.suffix in (".txt", ".md", ".docx")
    )
    with tempfile.TemporaryDirectory() as tmp:
        out_path = Path(tmp) / "tours.jsonl"
        code_interviews(paths, out_path, unit="tour", workers=1)
        units = _read_jsonl(out_path)
    out: list[Example] = []
    for u in units:
        key = f"{u['entretien']}#{u['tour']}"
        if key in gold and u["code"]:
            out.append(
                Example(
                    key,
                    {"texte": u["texte"]},
                    interview_labels(gold[key]),
                    f"demo:{u['entretien']}",
                    "demo",
                )
            )
    return out


def synthetic_examples(grid_id: str, root: Path = SYNTHETIC) -> list[Example]:
    """The synthetic statements of a grid (interviews only; self-written, training only)."""
    if grid_id != INTERVIEWS_GRID:
        return []
    out: list[Example] = []
    for path in sorted((root / "entretiens").glob("*.jsonl")):
        for i, item in enumerate(_read_jsonl(path)):
            out.append(
                Example(
                    item["id"],
                    {"texte": item["texte"]},
                    interview_labels(item["codes"]),
                    f"synth:{path.stem}:{i // SYNTHETIC_GROUP}",
                    "synth",
                )
            )
    return out


def training_examples(grid_id: str) -> tuple[list[Example], list[Example]]:
    """(training examples, test examples) of a grid: real dev + demo + synthetic, and real
    test."""
    real = reference_examples(grid_id)
    demo = demo_measure_examples() if grid_id == MEASURES_GRID else demo_interview_examples()
    train = [e for e in real if e.split == "dev"] + demo + synthetic_examples(grid_id)
    test = [e for e in real if e.split == "test"]
    return train, test
