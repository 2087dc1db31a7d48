"""Assemble the real-sourced reference sets from the collectors' files, and report agreement.

    python corpora/reference/build.py assemble   # collect/*.jsonl -> mesures|entretiens/items.jsonl
                                                 # (+ the coders' input files and the test CSVs)
    python corpora/reference/build.py gather DIR # the coders' files (DIR/<set>-pass1|2, <set>-adj)
                                                 # -> codage-A/B.jsonl and adjudication.jsonl
    python corpora/reference/build.py agreement  # coder A vs coder B, and each vs adjudication

Items are split once, by source page, into ``dev`` (about 70 %) and ``test`` (about 30 %): the
split of a page is decided by a hash of its URL, so it never changes when items are added.
Standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
COLLECT = HERE / "collect"
TEST_SHARE = 0.30
# Collections made after the test split was first measured, aimed at what the engine got wrong on
# new text (steering measures, then whole objectives): all of their pages go to ``dev``, so that
# the ``test`` split stays the set every earlier figure was measured on. No page of theirs is in
# any other file, and items of a territory that has test items were dropped.
DEV_ONLY = {"mesures-C.jsonl", "mesures-D.jsonl"}
MEASURE_DIMS = ["champ", "niveau", "determinants", "thematique", "public", "strategie"]


def split_of(url: str) -> str:
    h = int(hashlib.sha256(("cloterres-ref:" + url.strip().lower()).encode()).hexdigest()[:8], 16)
    return "test" if h / 0xFFFFFFFF < TEST_SHARE else "dev"


def read_jsonl(path: Path) -> list[dict]:
    if not path.is_file():
        return []
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8"
    )


def assemble() -> None:
    for kind, pattern, text_key in (
        ("mesures", "mesures-*.jsonl", "intitule"),
        ("entretiens", "enonces-*.jsonl", "texte"),
    ):
        items: list[dict] = []
        seen: set[str] = set()
        for path in sorted(COLLECT.glob(pattern)):
            for row in read_jsonl(path):
                text = " ".join(str(row.get(text_key, "")).split())
                key = text.lower()
                if not text or key in seen:
                    continue
                seen.add(key)
                row[text_key] = text
                row["split"] = "dev" if path.name in DEV_ONLY else split_of(row["source_url"])
                items.append(row)
        write_jsonl(HERE / kind / "items.jsonl", items)
        # what the blind coders see: the text only (and, for measures, the contract and axis)
        if kind == "mesures":
            blind = [
                {
                    "id": r["id"],
                    "contrat": r.get("contrat", ""),
                    "axe": r.get("axe", ""),
                    "intitule": r["intitule"],
                }
                for r in items
            ]
        else:
            blind = [{"id": r["id"], "texte": r["texte"]} for r in items]
        write_jsonl(HERE / kind / "a-coder.jsonl", blind)
        # the test split as the CLI reads it (columns of the independent evaluation)
        test = [r for r in items if r["split"] == "test"]
        name = "test-mesures.csv" if kind == "mesures" else "test-enonces.csv"
        cols = ["id", "contrat", "axe", "intitule"] if kind == "mesures" else ["id", "texte"]
        with (HERE / kind / name).open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(cols)
            for r in test:
                w.writerow([r.get(c, "") for c in cols])
        n_dev = sum(r["split"] == "dev" for r in items)
        pages = len({r["source_url"] for r in items})
        print(f"{kind}: {len(items)} items from {pages} pages ({n_dev} dev, {len(test)} test)")


def _labels(row: dict, kind: str) -> dict[str, set[str]]:
    if kind == "mesures":
        return {d: set(row.get("labels", {}).get(d, [])) for d in MEASURE_DIMS}
    codes = set(row.get("codes", []))
    return {"codes": codes, "themes": {c.split(".")[0] for c in codes}}


def _f1(a: list[dict[str, set[str]]], b: list[dict[str, set[str]]], dim: str) -> float:
    tp = sum(len(x[dim] & y[dim]) for x, y in zip(a, b, strict=True))
    fp = sum(len(y[dim] - x[dim]) for x, y in zip(a, b, strict=True))
    fn = sum(len(x[dim] - y[dim]) for x, y in zip(a, b, strict=True))
    return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0


def agreement() -> dict[str, dict[str, dict[str, float]]]:
    """Micro-F1 of one coding against another (symmetric for A vs B), per dimension."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for kind in ("mesures", "entretiens"):
        folder = HERE / kind
        a = {r["id"]: r for r in read_jsonl(folder / "codage-A.jsonl")}
        b = {r["id"]: r for r in read_jsonl(folder / "codage-B.jsonl")}
        adj = {r["id"]: r for r in read_jsonl(folder / "adjudication.jsonl")}
        ids = sorted(set(a) & set(b))
        if not ids:
            continue
        dims = MEASURE_DIMS if kind == "mesures" else ["codes", "themes"]
        pairs = {"A-B": (a, b, ids)}
        if adj:
            judged = [i for i in ids if i in adj]
            pairs.update({"A-adjudication": (adj, a, judged), "B-adjudication": (adj, b, judged)})
        out[kind] = {}
        for name, (x, y, keys) in pairs.items():
            xs = [_labels(x[i], kind) for i in keys]
            ys = [_labels(y[i], kind) for i in keys]
            out[kind][name] = {d: round(_f1(xs, ys, d), 3) for d in dims}
            print(kind, name, f"({len(keys)} items)", out[kind][name])
    return out


def _merge(first: dict, second: dict, decided: dict | None, kind: str) -> dict:
    """The adjudicated labels of one item: what both coders gave where they agree, the
    adjudicator's decision where they do not."""
    if kind == "mesures":
        labels = {}
        for dim in MEASURE_DIMS:
            a, b = sorted(first["labels"].get(dim, [])), sorted(second["labels"].get(dim, []))
            if a == b:
                labels[dim] = a
            else:
                if decided is None or dim not in decided.get("labels", {}):
                    raise SystemExit(f"{first['id']} : désaccord sur {dim} sans arbitrage")
                labels[dim] = sorted(decided["labels"][dim])
        out = {"id": first["id"], "labels": labels}
    else:
        a, b = sorted(first["codes"]), sorted(second["codes"])
        if a == b:
            out = {"id": first["id"], "codes": a}
        elif decided is None:
            raise SystemExit(f"{first['id']} : désaccord sans arbitrage")
        else:
            out = {"id": first["id"], "codes": sorted(decided["codes"])}
    if decided is not None and decided.get("note"):
        out["note_arbitrage"] = decided["note"]
    return out


def gather(folder: str) -> None:
    """Collect the blind passes and the adjudications of every coded batch."""
    root = Path(folder)
    for kind, prefix, name in (("mesures", "m", "labels.jsonl"), ("entretiens", "s", "codes.jsonl")):
        items = read_jsonl(HERE / kind / "items.jsonl")
        order = {r["id"]: i for i, r in enumerate(items)}
        first: dict[str, dict] = {}
        second: dict[str, dict] = {}
        decided: dict[str, dict] = {}
        for batch in sorted(p for p in root.glob(f"{prefix}*-pass1") if p.is_dir()):
            stem = batch.name[: -len("-pass1")]
            first.update({r["id"]: r for r in read_jsonl(batch / name)})
            second.update({r["id"]: r for r in read_jsonl(root / f"{stem}-pass2" / name)})
            decided.update({r["id"]: r for r in read_jsonl(root / f"{stem}-adj" / "decisions.jsonl")})
        ids = sorted((i for i in first if i in second and i in order), key=order.get)
        merged = []
        pending = 0
        for i in ids:
            try:
                merged.append(_merge(first[i], second[i], decided.get(i), kind))
            except SystemExit:
                pending += 1
        if pending:
            print(f"{kind}: {pending} items with a disagreement not yet adjudicated (left out)")
        write_jsonl(HERE / kind / "codage-A.jsonl", [first[i] for i in ids])
        write_jsonl(HERE / kind / "codage-B.jsonl", [second[i] for i in ids])
        write_jsonl(HERE / kind / "adjudication.jsonl", merged)
        print(f"{kind}: {len(ids)} items coded twice, {len(merged)} adjudicated")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "gather":
        gather(sys.argv[2])
        sys.exit(0)
    command = sys.argv[1] if len(sys.argv) > 1 else "assemble"
    {"assemble": assemble, "agreement": agreement}[command]()
