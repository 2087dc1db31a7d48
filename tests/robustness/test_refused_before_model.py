"""A table without a text column, or a Word or PDF file that cannot be one, is refused before the
language model is loaded (a user waits 1 s for the message, not the model's 6 s), and nothing is
written."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

import cloterres.run as run_module
from cloterres.errors import InputError
from cloterres.interviews.coding import code_interviews
from cloterres.plans.categorize import categorize


class _ModelLoaded(Exception):
    pass


@pytest.fixture
def no_coder(monkeypatch):
    """Building the coder (which loads the language model) fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise _ModelLoaded("the coder was built before the input was checked")

    monkeypatch.setattr(run_module, "Coder", refuse)


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    wb.save(path)
    return path


def test_measures_table_without_text_column(tmp_path, no_coder):
    good = tmp_path / "bon.csv"
    good.write_text("intitule\nCréer une maison de santé\n", encoding="utf-8")
    bad = tmp_path / "plan.csv"
    bad.write_text("nom;budget\nA;3\n", encoding="utf-8")
    out = tmp_path / "res.jsonl"
    with pytest.raises(InputError, match=r"plan\.csv : aucune colonne d'intitulé"):
        categorize([good, bad], out)
    assert not out.exists()
    book = _workbook(tmp_path / "plan.xlsx", [["nom", "budget"], ["A", "3"]])
    with pytest.raises(InputError, match=r"plan\.xlsx : aucune feuille n'a de colonne"):
        categorize([book], out)
    assert not out.exists()
    # a good table goes on to the coder (here refused by the fixture): the check lets it through
    with pytest.raises(_ModelLoaded):
        categorize([good], out)


def test_units_table_without_text_column(tmp_path, no_coder):
    bad = tmp_path / "unites.csv"
    bad.write_text("nom;age\nA;3\n", encoding="utf-8")
    out = tmp_path / "codes.jsonl"
    with pytest.raises(InputError, match=r"unites\.csv : aucune colonne de texte reconnue"):
        code_interviews([bad], out)
    book = _workbook(tmp_path / "unites.xlsx", [["nom", "age"], ["A", "3"]])
    with pytest.raises(InputError, match=r"unites\.xlsx : aucune colonne de texte reconnue"):
        code_interviews([book], out)
    assert not out.exists()
    good = tmp_path / "bon.csv"
    good.write_text("id;texte\nU1;On a été invités.\n", encoding="utf-8")
    with pytest.raises(_ModelLoaded):
        code_interviews([good], out)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.docx", b"pas un docx", r"plan\.docx : document Word illisible"),
        ("vide.docx", b"", r"vide\.docx : document Word vide"),
        ("plan.pdf", b"pas un pdf", r"plan\.pdf : ce n'est pas un fichier PDF"),
    ],
)
def test_unreadable_plan_document(tmp_path, no_coder, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    out = tmp_path / "res.jsonl"
    with pytest.raises(InputError, match=message):
        categorize([path], out)
    assert not out.exists()


def test_unreadable_transcript(tmp_path, no_coder):
    path = tmp_path / "entretien.docx"
    path.write_bytes(b"pas un docx")
    out = tmp_path / "codes.jsonl"
    with pytest.raises(InputError, match=r"entretien\.docx : document Word illisible"):
        code_interviews([path], out)
    assert not out.exists()
