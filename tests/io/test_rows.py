"""The JSONL row models: the writers' rows are the models' rows, and readers validate through
them (partial and older rows included)."""

from __future__ import annotations

import json

import pytest

from cloterres.engine.coding import ORIGIN_DEFAULT, CodingResult, Decision, Evidence
from cloterres.errors import InputError
from cloterres.interviews.model import CodedUnit, Segment
from cloterres.interviews.outputs import unit_json
from cloterres.io.rows import MeasureRow, RowFieldError, UnitRow
from cloterres.io.sources import SourceRef
from cloterres.plans.measure import Measure
from cloterres.plans.records import CodedMeasure, to_json
from cloterres.synthesis.readers import _measure_from_json, _unit_from_json

SOURCE = SourceRef(fichier="plan.csv", ligne=2)


def _result() -> CodingResult:
    found = Evidence(field="intitule", start=0, end=5, text="Sport", term="sport")
    return CodingResult(
        labels={
            "champ": [Decision(category="prevention", score=1.5, evidence=[found])],
            "public": [Decision(category="tous", score=0.0, origin=ORIGIN_DEFAULT)],
        },
        derived={"supra_communal": False},
    )


def _through_json(obj: dict[str, object]) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(json.dumps(obj, ensure_ascii=False))
    return loaded


def test_the_measure_writer_writes_the_model_fields_in_order() -> None:
    measure = Measure(id="M1", contrat="CLS A", intitule="Sport santé", source=SOURCE)
    row = _through_json(to_json(CodedMeasure(measure, _result()), "grille@1"))
    assert list(row) == list(MeasureRow.model_fields)
    assert MeasureRow.model_validate(row).to_json() == row
    assert row["decisions"] == {
        "champ": {"prevention": {"score": 1.5, "origine": "texte", "a_verifier": False}},
        "public": {"tous": {"score": 0.0, "origine": "defaut", "a_verifier": True}},
    }


@pytest.mark.parametrize("imported", [{}, {"Alice": ["acteurs.ars"]}])
def test_the_unit_writer_writes_the_model_fields_in_order(imported: dict[str, list[str]]) -> None:
    segment = Segment(id="E1-1", interview="E1", text="Le sport", source=SOURCE)
    row = _through_json(unit_json(CodedUnit(segment, _result(), imported)))
    fields = [f for f in UnitRow.model_fields if imported or f != "codes_importes"]
    assert list(row) == fields
    assert UnitRow.model_validate(row).to_json() == row


def test_readers_take_partial_and_older_rows() -> None:
    """Hand labels (id and labels only) and rows written before ``decisions`` existed."""
    record = _measure_from_json({"id": 7, "labels": {"champ": ["soins"]}}, "f, ligne 1")
    assert (record.id, record.labels, record.defauts) == ("7", {"champ": ["soins"]}, 0)
    unit = _unit_from_json({"id": "u", "entretien": "E1", "codes": []}, "f, ligne 1")
    assert unit.coded and unit.variables == {}


def test_a_field_the_reader_cannot_use_is_named() -> None:
    with pytest.raises(RowFieldError) as caught:
        MeasureRow.read({"id": "x", "labels": {"champ": ["a", 3]}}, ("id", "labels"))
    assert caught.value.path == ("labels", "champ", "1")
    with pytest.raises(InputError, match=r"« labels\.champ » doit être une liste de textes"):
        _measure_from_json({"id": "x", "labels": {"champ": "a"}}, "f, ligne 1")
    with pytest.raises(InputError, match="champ « id » manquant"):
        _measure_from_json({"labels": {}}, "f, ligne 1")
    with pytest.raises(InputError, match="« codes » doit être une liste de textes"):
        _unit_from_json({"id": "u", "entretien": "E1"}, "f, ligne 1")
