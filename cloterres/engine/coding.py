"""The coding engine: compiles a grid into term matchers and applies it to units of text.

One engine serves both front ends (plan measures, interview segments). A unit is a mapping from
field name (``intitule``, ``description``, ``texte``...) to text; the grid says which fields are
coded (``champs_texte``) and which only break ties (``champs_contexte``). For every unit and
dimension the engine returns the categories applied, their score and their evidence (the words
that triggered them, with the field and character offsets), or the reason they were added.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cloterres.engine.grid import Category, Dimension, Grid, Term
from cloterres.engine.learned.layer import ORIGIN_MODEL, LearnedLayer, layer_for
from cloterres.engine.nlp import Lemmatizer, TextModel, clean, fold, get_text_model

ORIGIN_TEXT = "texte"
ORIGIN_IMPLIED = "implique"
ORIGIN_CONTEXT = "contexte"
ORIGIN_DEFAULT = "defaut"


@dataclass(slots=True, frozen=True)
class Evidence:
    """Words of a unit that triggered a category."""

    field: str
    start: int
    end: int
    text: str
    term: str

    def to_dict(self) -> dict[str, object]:
        return {
            "champ": self.field,
            "debut": self.start,
            "fin": self.end,
            "texte": self.text,
            "terme": self.term,
        }


@dataclass(slots=True)
class Decision:
    """One category applied to a unit, with why."""

    category: str
    score: float
    origin: str = ORIGIN_TEXT
    evidence: list[Evidence] = field(default_factory=list)
    note: str = ""
    # calibrated probability that the label is right (None: no learned layer for this grid)
    confidence: float | None = None


@dataclass(slots=True)
class CodingResult:
    """What the engine decided for one unit."""

    labels: dict[str, list[Decision]]
    derived: dict[str, str | bool | None]
    empty: bool = False

    def ids(self, dim_id: str) -> list[str]:
        return [d.category for d in self.labels.get(dim_id, [])]

    def label_ids(self) -> dict[str, list[str]]:
        return {dim: [d.category for d in decisions] for dim, decisions in self.labels.items()}


# --- compilation -----------------------------------------------------------------------------

# Age expressions of French plans: "de 3 à 8 ans", "16-25 ans", "moins de 6 ans", "60 ans et plus".
_AGE_RANGE = re.compile(r"\b(\d{1,3})\s*(?:-|à|a|et)\s*(\d{1,3})\s*ans\b")
_AGE_UNDER = re.compile(r"\b(?:moins de|jusqu'à|jusqu'a|avant|-\s?de)\s*(\d{1,3})\s*ans\b")
_AGE_OVER = re.compile(
    r"\b(?:plus de|au-delà de|au-dela de|dès|à partir de|a partir de|\+\s?de)\s*(\d{1,3})\s*ans\b"
    r"|\b(\d{1,3})\s*ans\s+(?:et|ou)\s+plus\b"
)
AGE_MAX = 130

_KEY, _PREFIX, _EXACT = "k", "p", "x"


def _has_digit(form: str) -> bool:
    """Numbers, dates and codes are endless: they are not kept in the per-form caches."""
    return any(c.isdigit() for c in form)


_SKIP: frozenset[int] = frozenset({-1})  # marks function words in the per-form cache


@dataclass(slots=True)
class _CompiledTerm:
    pattern: int
    weight: float
    avec: tuple[int, ...]
    sans: tuple[int, ...]
    text: str


@dataclass(slots=True)
class _CompiledCategory:
    dim_index: int
    category: Category
    threshold: float
    include: list[_CompiledTerm]
    exclude: tuple[int, ...]
    exclude_if: tuple[tuple[str, str], ...]
    implies: tuple[tuple[str, str], ...]
    ages: tuple[int, int] | None = None


class _TokenView:
    """A field's text as a list of content tokens: (element ids, start, end), and their keys
    (ORTH hashes with spaCy's tokenizer, the token texts with the compact one)."""

    __slots__ = ("orths", "tokens")

    def __init__(self, tokens: list[tuple[frozenset[int], int, int]], orths: list[Any]) -> None:
        self.tokens = tokens
        self.orths = orths


class Coder:
    """A grid compiled for matching. Build once, apply to any number of units."""

    def __init__(
        self,
        grid: Grid,
        lemmatizer: Lemmatizer | None = None,
        learned: LearnedLayer | bool | None = True,
        text: TextModel | None = None,
    ) -> None:
        """``learned``: True for the shipped layer of this grid (if any), False or None for the
        rules alone, or a layer object. ``text``: how texts are read (default: spaCy's model;
        ``nlp.get_text_model(quick=True)`` for a command that codes a few texts)."""
        self.grid = grid
        self.learned: LearnedLayer | None = (
            layer_for(grid.id) if learned is True else (learned or None)
        )
        self._text = text or get_text_model()
        self._words = self._text.words
        self._lem = lemmatizer or self._text.lemmatizer
        # elements: the unit tests a single token can pass
        self._key_elements: dict[str, int] = {}
        self._exact_elements: dict[str, int] = {}
        self._prefix_elements: dict[str, int] = {}
        self._longest_prefix = 0
        self._n_elements = 0
        # patterns: sequences of elements
        self._patterns: list[tuple[int, ...]] = []
        self._pattern_ids: dict[tuple[int, ...], int] = {}
        self._first: dict[int, list[int]] = {}
        self._term_cache: dict[str, int] = {}
        self._elements_of_form: dict[str, frozenset[int]] = {}
        self._elements_of_orth: dict[Any, frozenset[int]] = {}
        self._form = self._text.form
        self._view_cache: dict[str, _TokenView] = {}
        self._layer_cache: dict[Any, tuple[str, int]] = {}
        self._layer_positions: tuple[LearnedLayer, list[dict[str, int]]] | None = None
        self._dims = list(grid.dimensions)
        self._dim_fields = [tuple(grid.fields_of(d)) for d in self._dims]
        self._priority_fields = [tuple(d.champs_prioritaires) for d in self._dims]
        self._context_fields = tuple(grid.champs_contexte)
        self._all_fields = tuple(
            dict.fromkeys(
                [f for fs in self._priority_fields + self._dim_fields for f in fs]
                + list(self._context_fields)
            )
        )
        self._categories: list[list[_CompiledCategory]] = []
        # pattern id -> [(dimension index, category index, term index)] of the inclure terms
        self._candidates: dict[int, list[tuple[int, int, int]]] = {}
        for d_index, dim in enumerate(self._dims):
            compiled = [self._compile_category(d_index, dim, c) for c in dim.categories]
            self._categories.append(compiled)
            for c_index, cc in enumerate(compiled):
                for t_index, term in enumerate(cc.include):
                    self._candidates.setdefault(term.pattern, []).append(
                        (d_index, c_index, t_index)
                    )
        self._derived_terms = {
            der.id: tuple(self._compile_term(t).pattern for t in der.inclure)
            for der in grid.derives
            if der.type == "termes"
        }
        self._dim_index = {d.id: i for i, d in enumerate(self._dims)}
        groups: dict[tuple[str, ...], set[int]] = {}
        for d_index, names in enumerate(self._dim_fields):
            groups.setdefault(names, set()).add(d_index)
        self._dims_by_fields = list(groups.items())
        priority: dict[tuple[str, ...], set[int]] = {}
        for d_index, names in enumerate(self._priority_fields):
            if names:
                priority.setdefault(names, set()).add(d_index)
        self._dims_by_priority_fields = list(priority.items())
        self._age_dims = {
            d_index for d_index, cats in enumerate(self._categories) if any(c.ages for c in cats)
        }
        self._cat_index = [{c.id: j for j, c in enumerate(d.categories)} for d in self._dims]

    # compilation helpers

    def _element(self, kind: str, value: str) -> int:
        table = {_KEY: self._key_elements, _EXACT: self._exact_elements}.get(kind)
        if table is not None:
            if value not in table:
                table[value] = self._n_elements
                self._n_elements += 1
            return table[value]
        if value not in self._prefix_elements:
            self._longest_prefix = max(self._longest_prefix, len(value))
            self._prefix_elements[value] = self._n_elements
            self._n_elements += 1
        return self._prefix_elements[value]

    def pattern_for(self, text: str) -> int:
        """Compile a term's text to a pattern id (shared by identical patterns)."""
        cached = self._term_cache.get(text)
        if cached is not None:
            return cached
        elements: list[int] = []
        if text.startswith("="):
            for chunk in clean(text[1:]).split():
                for word in self._words(chunk):
                    elements.append(self._element(_EXACT, word))
        else:
            parts: list[tuple[str, str, bool]] = []  # (kind, value, is_function_word)
            for chunk in clean(text).split():
                if chunk.endswith("*") and len(chunk.rstrip("*")) > 0:
                    parts.append((_PREFIX, fold(chunk.rstrip("*")), False))
                    continue
                for word in self._words(chunk):
                    info = self._lem.info(word)
                    if not info.punct:
                        parts.append((_KEY, info.key, info.function))
            content = [p for p in parts if not p[2]] or parts
            elements = [self._element(kind, value) for kind, value, _ in content]
        if not elements:
            elements.append(self._element(_EXACT, text))
        pattern = tuple(elements)
        pid = self._pattern_ids.get(pattern)
        if pid is None:
            pid = len(self._patterns)
            self._patterns.append(pattern)
            self._pattern_ids[pattern] = pid
            self._first.setdefault(pattern[0], []).append(pid)
            self._elements_of_form.clear()
            self._elements_of_orth.clear()
            self._view_cache.clear()
        self._term_cache[text] = pid
        return pid

    def _compile_term(self, term: Term) -> _CompiledTerm:
        return _CompiledTerm(
            pattern=self.pattern_for(term.terme),
            weight=term.poids,
            avec=tuple(self.pattern_for(t) for t in term.avec),
            sans=tuple(self.pattern_for(t) for t in term.sans),
            text=term.terme,
        )

    def _compile_category(self, d_index: int, dim: Dimension, cat: Category) -> _CompiledCategory:
        return _CompiledCategory(
            dim_index=d_index,
            category=cat,
            threshold=dim.threshold(cat),
            include=[self._compile_term(t) for t in cat.inclure],
            exclude=tuple(self.pattern_for(t.terme) for t in cat.exclure),
            exclude_if=tuple(tuple(r.split(".", 1)) for r in cat.exclure_si),  # type: ignore[misc]
            implies=tuple(tuple(r.split(".", 1)) for r in cat.implique),  # type: ignore[misc]
            ages=cat.ages,
        )

    # matching

    def _elements_of(self, form: str) -> frozenset[int]:
        cached = self._elements_of_form.get(form)
        if cached is not None:
            return cached
        info = self._lem.info(form)
        found: set[int] = set()
        if info.function and form not in self._exact_elements:
            result: frozenset[int] = frozenset()
        else:
            eid = self._key_elements.get(info.key)
            if eid is not None:
                found.add(eid)
            eid = self._exact_elements.get(clean(form))
            if eid is not None:
                found.add(eid)
            prefixes = self._prefix_elements
            if prefixes:
                # Prefixes are short: never look past the longest (a 1 MB "word" would make
                # this loop quadratic).
                longest = self._longest_prefix
                for candidate in {info.folded, info.key}:
                    for length in range(1, min(len(candidate), longest) + 1):
                        p_eid = prefixes.get(candidate[:length])
                        if p_eid is not None:
                            found.add(p_eid)
            result = frozenset(found)
        if len(self._elements_of_form) < 500_000 and not _has_digit(form):
            self._elements_of_form[form] = result
        return result

    def _view(self, text: str) -> _TokenView:
        cached = self._view_cache.get(text)
        if cached is not None:
            return cached
        tokens: list[tuple[frozenset[int], int, int]] = []
        orths: list[Any] = []
        if True:
            rows = self._text.rows(clean(text))
            by_orth = self._elements_of_orth
            form_of = self._form
            for orth, start, length in rows:
                elements = by_orth.get(orth)
                if elements is None:
                    form = form_of(orth)
                    info = self._lem.info(form)
                    if info.function and form not in self._exact_elements:
                        elements = _SKIP
                    else:
                        elements = self._elements_of(form)
                    if len(by_orth) < 500_000 and not _has_digit(form):
                        by_orth[orth] = elements
                if elements is _SKIP:
                    continue
                tokens.append((elements, start, start + length))
                orths.append(orth)
        view = _TokenView(tokens, orths)
        if len(text) < 400 and len(self._view_cache) < 50_000:
            self._view_cache[text] = view
        return view

    def _match(
        self, fields: Mapping[str, str], views: dict[str, _TokenView] | None = None
    ) -> dict[int, list[tuple[str, int, int]]]:
        """Every pattern found in the unit: pattern id -> [(field, start, end)]."""
        found: dict[int, list[tuple[str, int, int]]] = {}
        patterns = self._patterns
        first = self._first
        for name in self._all_fields:
            text = fields.get(name)
            if not text:
                continue
            view = self._view(text)
            if views is not None:
                views[name] = view
            tokens = view.tokens
            n_tokens = len(tokens)
            for i, (eids, start, _end) in enumerate(tokens):
                if not eids:
                    continue
                for eid in eids:
                    for pid in first.get(eid, ()):
                        pattern = patterns[pid]
                        n = len(pattern)
                        if i + n > n_tokens:
                            continue
                        ok = True
                        for j in range(1, n):
                            if pattern[j] not in tokens[i + j][0]:
                                ok = False
                                break
                        if ok:
                            found.setdefault(pid, []).append((name, start, tokens[i + n - 1][2]))
        return found

    # decisions

    @staticmethod
    def _restrict(
        found: dict[int, list[tuple[str, int, int]]], fields: tuple[str, ...]
    ) -> dict[int, list[tuple[str, int, int]]]:
        """The patterns found in the given fields only."""
        out: dict[int, list[tuple[str, int, int]]] = {}
        for pid, spans in found.items():
            kept = [sp for sp in spans if sp[0] in fields]
            if kept:
                out[pid] = kept
        return out

    def _hits(
        self, present: dict[int, list[tuple[str, int, int]]], dims: set[int]
    ) -> dict[tuple[int, int], list[int]]:
        """(dimension, category) -> indices of its inclure terms found, for the given dimensions."""
        hits: dict[tuple[int, int], list[int]] = {}
        for pid in present:
            for d_index, c_index, t_index in self._candidates.get(pid, ()):
                if d_index in dims:
                    hits.setdefault((d_index, c_index), []).append(t_index)
        return hits

    @staticmethod
    def _ages(
        texts: Mapping[str, str], fields: tuple[str, ...]
    ) -> list[tuple[str, int, int, int, int]]:
        """Age expressions in the given fields: (field, start, end, youngest, oldest)."""
        found: list[tuple[str, int, int, int, int]] = []
        for name in fields:
            text = texts.get(name)
            if not text or "ans" not in text:
                continue
            lowered = clean(text).lower()
            for m in _AGE_RANGE.finditer(lowered):
                low, high = int(m.group(1)), int(m.group(2))
                if low <= high:
                    found.append((name, m.start(), m.end(), low, high))
            for m in _AGE_UNDER.finditer(lowered):
                found.append((name, m.start(), m.end(), 0, max(int(m.group(1)) - 1, 0)))
            for m in _AGE_OVER.finditer(lowered):
                age = int(m.group(1) or m.group(2))
                start = (
                    age + 1
                    if m.group(1) and not m.group(0).startswith(("dès", "des", "à", "a "))
                    else age
                )
                found.append((name, m.start(), m.end(), start, AGE_MAX))
        return found

    def _age_hits(
        self, texts: Mapping[str, str], fields: tuple[str, ...], dims: set[int]
    ) -> dict[tuple[int, int], list[Evidence]]:
        """Categories whose age range overlaps an age expression of the text."""
        dims = dims & self._age_dims
        if not dims:
            return {}
        hits: dict[tuple[int, int], list[Evidence]] = {}
        for name, start, end, low, high in self._ages(texts, fields):
            for d_index in dims:
                for c_index, cc in enumerate(self._categories[d_index]):
                    if cc.ages is None:
                        continue
                    overlap = min(high, cc.ages[1]) - max(low, cc.ages[0]) + 1
                    # two years in common, or the whole stated range (a boundary year is not enough)
                    if overlap >= min(2, high - low + 1):
                        text = texts[name][start:end]
                        hits.setdefault((d_index, c_index), []).append(
                            Evidence(name, start, end, text, f"âge {cc.ages[0]}-{cc.ages[1]} ans")
                        )
        return hits

    def _evaluate(
        self,
        cc: _CompiledCategory,
        term_indices: list[int],
        present: dict[int, list[tuple[str, int, int]]],
        texts: Mapping[str, str],
        age_evidence: list[Evidence] | None = None,
    ) -> Decision | None:
        score = 0.0
        evidence: list[Evidence] = []
        if age_evidence:
            score += 1.0
            evidence.extend(age_evidence)
        seen: set[int] = set()
        for t_index in sorted(term_indices):
            term = cc.include[t_index]
            if term.pattern in seen:
                continue
            if term.avec and not any(p in present for p in term.avec):
                continue
            if term.sans and any(p in present for p in term.sans):
                continue
            seen.add(term.pattern)
            score += term.weight
            for f, s, e in present[term.pattern]:
                evidence.append(Evidence(f, s, e, texts[f][s:e], term.text))
        if score + 1e-9 < cc.threshold:
            return None
        if any(p in present for p in cc.exclude):
            return None
        if len(evidence) > 1:
            evidence.sort(key=lambda ev: (self._all_fields.index(ev.field), ev.start))
        return Decision(cc.category.id, round(score, 3), ORIGIN_TEXT, evidence)

    def code(self, fields: Mapping[str, str | None], *, learned: bool = True) -> CodingResult:
        """Apply the grid to one unit given as {field: text} (``learned=False``: the rules
        alone, even when the coder has a learned layer)."""
        return self._code(fields, learned)[0]

    def _code(
        self, fields: Mapping[str, str | None], learned: bool
    ) -> tuple[CodingResult, dict[str, str], dict[str, _TokenView]]:
        """The coding of a unit, with its texts and token views (read once)."""
        texts = {k: v for k, v in fields.items() if isinstance(v, str) and v.strip()}
        dims = self._dims
        views: dict[str, _TokenView] = {}
        if not any(texts.get(f) for fs in self._dim_fields for f in fs):
            empty = CodingResult({d.id: [] for d in dims}, self._derive({}, {}), empty=True)
            return empty, texts, views
        found = self._match(texts, views)
        by_fields: dict[tuple[str, ...], dict[int, list[tuple[str, int, int]]]] = {}

        def present_in(field_names: tuple[str, ...]) -> dict[int, list[tuple[str, int, int]]]:
            cached = by_fields.get(field_names)
            if cached is None:
                cached = by_fields[field_names] = self._restrict(found, field_names)
            return cached

        # 1-2: categories reached by their own terms; a dimension with priority fields uses
        # its other fields only when the priority fields give it nothing
        labels: list[dict[str, Decision]] = [{} for _ in dims]
        settled: set[int] = set()
        passes = [(f, d, True) for f, d in self._dims_by_priority_fields]
        passes += [(f, d, False) for f, d in self._dims_by_fields]
        for field_names, dim_set, is_priority in passes:
            dim_set = dim_set if is_priority else dim_set - settled
            present = present_in(field_names)
            hits = self._hits(present, dim_set)
            ages = self._age_hits(texts, field_names, dim_set)
            for key in sorted(hits.keys() | ages.keys()):
                d_index, c_index = key
                cc = self._categories[d_index][c_index]
                decision = self._evaluate(cc, hits.get(key, []), present, texts, ages.get(key))
                if decision is not None:
                    labels[d_index][decision.category] = decision
                    if is_priority:
                        settled.add(d_index)

        # 3: implications (to a fixpoint)
        queue = [(d, c) for d, decs in enumerate(labels) for c in decs]
        while queue:
            d_index, cat_id = queue.pop(0)
            cc = self._categories[d_index][self._cat_index[d_index][cat_id]]
            for dim_id, target in cc.implies:
                t_index = self._dim_index[dim_id]
                if target in labels[t_index]:
                    continue
                tc = self._categories[t_index][self._cat_index[t_index][target]]
                target_present = present_in(self._dim_fields[t_index])
                if any(p in target_present for p in tc.exclude):
                    continue
                labels[t_index][target] = Decision(
                    target, 0.0, ORIGIN_IMPLIED, [], f"{dims[d_index].id}.{cat_id}"
                )
                queue.append((t_index, target))

        # 4: exclusions by other labels
        self._drop_excluded(labels)

        # 5: single-label, context, default
        result: dict[str, list[Decision]] = {}
        for d_index, dim in enumerate(dims):
            decs = list(labels[d_index].values())
            if not decs and dim.contexte and self._context_fields:
                present = present_in(self._context_fields)
                for (_d, c_index), term_indices in sorted(self._hits(present, {d_index}).items()):
                    cc = self._categories[d_index][c_index]
                    decision = self._evaluate(cc, term_indices, present, texts)
                    if decision is not None:
                        decision.origin = ORIGIN_CONTEXT
                        decs.append(decision)
            if not decs and dim.min >= 1 and dim.defaut:
                decs = [Decision(dim.defaut, 0.0, ORIGIN_DEFAULT)]
            result[dim.id] = decs
        if learned and self.learned is not None:
            self._apply_learned(self.learned, result, texts, views)
        self._order_and_single(result)
        coded = CodingResult(
            result, self._derive(result, present_in(tuple(self.grid.champs_texte)))
        )
        return coded, texts, views

    def _drop_excluded(self, labels: list[dict[str, Decision]]) -> None:
        """Step 4 of :meth:`_code`: remove the labels excluded by another label (evaluated on
        the labels before removal)."""
        dims = self._dims
        current = {(dims[d].id, c) for d, decs in enumerate(labels) for c in decs}
        for d_index, by_category in enumerate(labels):
            for cat_id in list(by_category):
                cc = self._categories[d_index][self._cat_index[d_index][cat_id]]
                if any(ref in current for ref in cc.exclude_if):
                    del by_category[cat_id]

    def _order_and_single(self, result: dict[str, list[Decision]]) -> None:
        """Last step of :meth:`_code`: each dimension's labels in grid order; a single-label
        dimension keeps its best one (text before the rest, then score, then grid order)."""
        for d_index, dim in enumerate(self._dims):
            decs = result[dim.id]
            order = self._cat_index[d_index]
            decs.sort(key=lambda x: order[x.category])
            if not dim.multiple and len(decs) > 1:
                best = max(
                    decs,
                    key=lambda x: (
                        x.origin == ORIGIN_TEXT,
                        x.score if x.origin != ORIGIN_MODEL else 0.0,
                        -order[x.category],
                    ),
                )
                decs = [best]
            result[dim.id] = decs

    # learned layer

    def unit_inputs(
        self, fields: Mapping[str, str | None]
    ) -> tuple[CodingResult, tuple[list[tuple[str, str, int, int]], np.ndarray | None, list[str]]]:
        """The rules' coding of a unit and what the learned layer reads of it (used in training,
        so that the inputs are the ones the layer sees at run time)."""
        result, texts, views = self._code(fields, False)
        words, rows, rules = self.layer_inputs(texts, views, result.labels)
        return result, (words, self.vector_sum(rows), rules)

    def vector_sum(self, rows: list[int]) -> np.ndarray | None:
        """Sum of the model's word vectors of the given rows (None when there is none)."""
        if not rows:
            return None
        return np.asarray(self._text.vectors()[rows].sum(axis=0), dtype=np.float32)

    def layer_inputs(
        self,
        texts: Mapping[str, str],
        views: Mapping[str, _TokenView],
        result: Mapping[str, list[Decision]],
    ) -> tuple[list[tuple[str, str, int, int]], list[int], list[str]]:
        """What the learned layer reads of a unit: its words (feature name, field, start, end),
        the rows of their word vectors (text fields only), and the rule labels (the same inputs
        in training)."""
        words: list[tuple[str, str, int, int]] = []
        text_fields = self.grid.champs_texte
        rows: list[int] = []
        vector_row = self._text.vector_row
        cache = self._layer_cache
        for name in self._all_fields:
            view = views.get(name)
            if view is None:
                continue
            prefix = "w:" if name in text_fields else "a:"
            for (_e, start, end), orth in zip(view.tokens, view.orths, strict=True):
                info = cache.get(orth)
                if info is None:
                    form = self._form(orth)
                    if _has_digit(form) or not any(c.isalpha() for c in form):
                        info = ("", -1)
                    else:
                        info = (self._lem.info(form).key, vector_row(orth, form))
                    if len(cache) < 500_000:
                        cache[orth] = info
                key, row = info
                if not key:
                    continue
                words.append((prefix + key, name, start, end))
                if prefix == "w:" and row >= 0:
                    rows.append(row)
        rules: list[str] = []
        for dim_id, decisions in result.items():
            for d in decisions:
                if d.origin in (ORIGIN_TEXT, ORIGIN_CONTEXT):
                    rules.append(f"r:{dim_id}.{d.category}")
                elif d.origin == ORIGIN_IMPLIED:
                    rules.append(f"i:{dim_id}.{d.category}")
        return words, rows, rules

    def _apply_learned(
        self,
        layer: LearnedLayer,
        result: dict[str, list[Decision]],
        texts: Mapping[str, str],
        views: Mapping[str, _TokenView],
    ) -> None:
        words, rows, rules = self.layer_inputs(texts, views, result)
        pred = layer.predict(words, self.vector_sum(rows) if layer.uses_vectors else None, rules)
        probs: list[float] = pred.probabilities.tolist()
        over: list[bool] = (pred.probabilities >= layer.add_threshold).tolist()
        index = self._layer_index(layer)
        rule_origins = (ORIGIN_TEXT, ORIGIN_CONTEXT, ORIGIN_IMPLIED)
        for d_index, dim in enumerate(self._dims):
            decs = result[dim.id]
            positions = index[d_index]
            veto = layer.veto.get(dim.id)
            if veto is not None:
                kept = []
                for d in decs:
                    c_index = positions.get(d.category, -1)
                    if c_index >= 0 and d.origin in rule_origins and probs[c_index] < veto:
                        continue
                    kept.append(d)
                if kept or dim.min < 1:
                    decs = kept
            added: list[Decision] = []
            candidates = [(c, i) for c, i in positions.items() if over[i]]
            if candidates:
                have = {d.category for d in decs}
                for cat_id, c_index in candidates:
                    if cat_id in have:
                        continue
                    if not dim.multiple and any(d.origin != ORIGIN_DEFAULT for d in decs):
                        continue
                    evidence = []
                    for f_index, weight in layer.top_words(pred, c_index):
                        fname, start, end = pred.word_spans[f_index]
                        evidence.append(
                            Evidence(
                                fname, start, end, texts[fname][start:end], f"modèle {weight:+.2f}"
                            )
                        )
                    if pred.vector is None:  # computed only when a reference is cited
                        layer.set_vector(pred, self.vector_sum(rows))
                    ref = layer.nearest(pred, c_index)
                    note = f"{ref.id} : {ref.text}" if ref is not None else ""
                    p = probs[c_index]
                    added.append(Decision(cat_id, round(p, 3), ORIGIN_MODEL, evidence, note))
            if added:
                decs = [d for d in decs if d.origin != ORIGIN_DEFAULT] + added
            if not decs and dim.min >= 1 and dim.defaut:
                decs = [Decision(dim.defaut, 0.0, ORIGIN_DEFAULT)]
            for d in decs:
                c_index = positions.get(d.category, -1)
                if c_index >= 0:
                    d.confidence = layer.confidence(d.origin, probs[c_index], dim.id)
            result[dim.id] = decs

    def _layer_index(self, layer: LearnedLayer) -> list[dict[str, int]]:
        """Per dimension: category id -> the layer's index, for the categories both know."""
        cached = self._layer_positions
        if cached is None or cached[0] is not layer:
            per_dim = [
                {
                    c.id: layer.index[f"{dim.id}.{c.id}"]
                    for c in dim.categories
                    if f"{dim.id}.{c.id}" in layer.index
                }
                for dim in self._dims
            ]
            cached = self._layer_positions = (layer, per_dim)
        return cached[1]

    def _derive(
        self, labels: dict[str, list[Decision]], found: dict[int, list[tuple[str, int, int]]]
    ) -> dict[str, str | bool | None]:
        out: dict[str, str | bool | None] = {}
        for der in self.grid.derives:
            ids = [d.category for d in labels.get(der.dimension or "", [])]
            if not labels:
                out[der.id] = None
            elif der.type == "termes":  # found: the patterns present in champs_texte
                out[der.id] = any(p in found for p in self._derived_terms[der.id])
            else:
                out[der.id] = der.from_labels(ids)
        return out

    def find(self, term: str, text: str) -> list[tuple[int, int]]:
        """Character spans where a term matches a text (for grid writers and tests)."""
        pattern = self._patterns[self.pattern_for(term)]
        tokens = self._view(text).tokens
        n = len(pattern)
        return [
            (tokens[i][1], tokens[i + n - 1][2])
            for i in range(len(tokens) - n + 1)
            if all(pattern[j] in tokens[i + j][0] for j in range(n))
        ]


def check_examples(grid: Grid, coder: Coder | None = None) -> list[str]:
    """Examples coded without their category, counter-examples coded with it (French messages)."""
    coder = coder or Coder(grid, learned=False)
    field_name = grid.champs_texte[0]
    problems: list[str] = []
    for dim in grid.dimensions:
        for cat in dim.categories:
            for example in cat.exemples:  # examples illustrate the rules alone
                got = coder.code({field_name: example}, learned=False).ids(dim.id)
                if cat.id not in got:
                    problems.append(
                        f"{dim.id}.{cat.id} : l'exemple « {example} » n'est pas codé avec cette "
                        f"catégorie (codé : {', '.join(got) or 'rien'})"
                    )
            for counter in cat.contre_exemples:
                got = coder.code({field_name: counter}, learned=False).ids(dim.id)
                if cat.id in got:
                    problems.append(
                        f"{dim.id}.{cat.id} : le contre-exemple « {counter} » est codé avec cette "
                        f"catégorie"
                    )
    return problems
