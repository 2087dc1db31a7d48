"""Large inputs are coded in worker processes: same output as in one process, errors still clean."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from cloterres.engine.parallel import PARALLEL_FROM
from cloterres.errors import InputError
from cloterres.plans.categorize import categorize
from tests.conftest import DEMO


def big_csv(path: Path, n: int) -> Path:
    rows = []
    for source in sorted(DEMO.glob("*.csv")):
        raw = source.read_bytes()
        text = raw.decode("utf-8-sig") if raw[:3] == b"\xef\xbb\xbf" else None
        if text is None:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                text = raw.decode("cp1252")
        sep = ";" if text.splitlines()[0].count(";") > 2 else ","
        rows += list(csv.DictReader(text.splitlines(), delimiter=sep))
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(["id", "contrat", "axe", "intitule", "description", "public"])
        for i in range(n):
            r = rows[i % len(rows)]
            writer.writerow(
                [
                    f"P{i}",
                    r["contrat"],
                    r["axe"],
                    f"{r['intitule']} ({i})",
                    r["description"],
                    r["public"],
                ]
            )
    return path


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    return big_csv(tmp_path_factory.mktemp("grand") / "grand.csv", PARALLEL_FROM + 700)


@pytest.mark.slow
@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_workers_give_the_same_output_as_one_process(tmp_path, large, coder, ext):
    one, two = tmp_path / f"un.{ext}", tmp_path / f"deux.{ext}"
    r1 = categorize([large], one, workers=1)
    r2 = categorize([large], two, workers=2)
    assert r1.measures == r2.measures == PARALLEL_FROM + 700
    assert one.read_bytes() == two.read_bytes()


@pytest.mark.slow
def test_error_in_a_later_file_leaves_no_output(tmp_path, large, coder):
    bad = tmp_path / "sans-texte.csv"
    bad.write_text("nom;budget\nA;3\n", encoding="utf-8")
    out = tmp_path / "sortie.jsonl"
    with pytest.raises(InputError, match="aucune colonne d'intitulé"):
        categorize([large, bad], out, workers=2)
    assert not out.exists()
    assert list(tmp_path.glob(".*")) == []
