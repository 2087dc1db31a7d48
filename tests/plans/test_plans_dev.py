"""The development set of action plans (corpora/plans-dev, issue 14): twenty-nine plans laid out
as published plans are, each with its expected fiches. The table of matched fiches, spurious records
and fields right per plan is printed (``pytest -s`` or ``python tests/plans_dev_scoring.py``), and
floors are asserted per plan and over the set."""

from __future__ import annotations

import pytest

from tests.plans_dev_scoring import FIELDS, PlanScore, plans, score_all, table, total

# Floors: share of expected fiches matched and with each field right, spurious records allowed
# (the bars are 95 % matched, at most 5 % spurious, every field right for 85 %; the set
# reads better today, and the floors keep it there). Each plan must also keep 90 % of its fiches
# and 60 % right per field (partner lists in narrow PDF cells are the weak spot).
SET_MATCHED = 0.95
SET_SPURIOUS = 0.02
SET_FIELD = 0.93
PLAN_MATCHED = 0.90
PLAN_FIELD = 0.6


@pytest.fixture(scope="module")
def scores() -> list[PlanScore]:
    result = score_all()
    print("\n" + table(result))
    return result


def test_the_development_set_has_ten_plans_in_word_and_pdf() -> None:
    found = plans()
    assert len(found) >= 10
    assert {p.suffix for p in found} == {".pdf", ".docx"}


def test_development_set_floors(scores: list[PlanScore]) -> None:
    overall = total(scores)
    assert overall.matched >= SET_MATCHED * overall.expected, table(scores)
    assert overall.spurious <= SET_SPURIOUS * overall.expected, table(scores)
    for name in FIELDS:
        assert overall.right[name] >= SET_FIELD * overall.expected, (name, table(scores))


def test_every_development_plan_reads_well(scores: list[PlanScore]) -> None:
    for s in scores:
        assert s.matched >= PLAN_MATCHED * s.expected, (s.name, s.misses)
        assert s.spurious <= max(1, 0.1 * s.expected), (s.name, s.records)
        for name in FIELDS:
            assert s.right[name] >= PLAN_FIELD * s.expected, (s.name, name, s.misses)


def test_import_report_says_what_was_skipped_and_why() -> None:
    """TOC lines, recap tables merged with the fiches, running headers and footers, « suite »
    fiches: each document's report says so, with counts."""
    from tests.plans_dev_scoring import DEV, extract

    _, rives = extract(DEV / "rives-de-l-aune-numerotes.docx")
    assert "8 mesure(s)" in rives[0]
    assert (
        "  ignoré : tableau récapitulatif (tableau 1, 8 ligne(s)) : fusionné avec 8 fiche(s) du "
        "document, aucune mesure créée" in rives
    )
    _, cerne = extract(DEV / "pays-de-cerne-sommaire.pdf")
    assert "contrat « Contrat local de santé du Pays de Cerne »" in cerne[0]
    assert any("ligne(s) de sommaire ignorée(s)" in line for line in cerne)
    assert any("ligne(s) d'en-tête, de pied de page" in line for line in cerne)
    _, aubrac = extract(DEV / "saint-aubrac-desordonne.docx")
    assert "contrat « Contrat Local de Santé de Saint-Aubrac-les-Pins »" in aubrac[0]
    assert (
        "  remarque : 1 fiche(s) continuée(s) plus loin (« suite ») : lue(s) comme une seule "
        "mesure chacune" in aubrac
    )
