"""Benchmark of the study store and review workbooks (run by `make bench`, never by the tests).

Records a machine round of N fictional measures (default 5,000) with the shipped grid, exports
a review workbook for them, ticks « Revu » on every row with openpyxl and imports it, then
re-records the same run (nothing changes). Reports the time of each step and the study size.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
N = int(os.environ.get("BENCH_UNITS", "5000"))


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from openpyxl import load_workbook

    from cloterres.engine.grid import default_grid_path, grid_hash, load_grid
    from cloterres.review.export import export_review
    from cloterres.review.importer import import_review
    from cloterres.store import ENGINE_CODER, MachineLabel, Study, UnitInput

    grid_path = default_grid_path()
    grid = load_grid(grid_path)
    units = [
        UnitInput(key=f"B-{i}", text=f"Mesure fictive {i}", fields={"contrat": f"CLS {i % 40}"})
        for i in range(N)
    ]
    labels = {
        u.key: {
            d.id: MachineLabel(categories=[d.categories[i % len(d.categories)].id])
            for d in grid.dimensions
        }
        for i, u in enumerate(units)
    }
    folder = Path(tempfile.mkdtemp(prefix="bench-etude-"))
    db = folder / "etude.sqlite"

    def record(study: Study) -> None:
        study.record_machine_round(
            kind="mesures", grid_text=grid_path.read_text(encoding="utf-8"),
            grid_sha=grid_hash(grid_path), grid=grid, sources=[], units=units, labels=labels,
            engine=ENGINE_CODER, engine_version="bench",
        )  # fmt: skip

    with Study(db) as study:
        steps: list[tuple[str, float]] = []
        t = time.perf_counter()
        record(study)
        steps.append((f"machine round, {N} units x {len(grid.dimensions)} dimensions", t))
        t2 = time.perf_counter()
        report = export_review(study, folder / "revue.xlsx", coder="Bench")
        steps.append(("review workbook: export, then tick every row with openpyxl", t2))
        wb = load_workbook(report.output)
        ws = wb["Revue"]
        col = [c.value for c in ws[2]].index("Revu") + 1
        for row in range(3, 3 + N):
            ws.cell(row=row, column=col).value = "oui"
        wb.save(report.output)
        t3 = time.perf_counter()
        result = import_review(study, report.output, coder="Bench")
        steps.append((f"review import ({result.recorded} rows)", t3))
        t4 = time.perf_counter()
        record(study)
        steps.append(("unchanged machine re-run", t4))
        end = time.perf_counter()
    times = [s[1] for s in steps] + [end]
    for (label, _), start, stop in zip(steps, times, times[1:], strict=False):
        print(f"{label}: {stop - start:.2f} s")
    print(f"study size: {db.stat().st_size / 1e6:.1f} MB ({db})")


if __name__ == "__main__":
    main()
