"""Replace person names (and optionally places and organisations) by stable pseudonyms.

Names come from spaCy's French NER and from a list the user gives; a person's surname alone is
mapped to the same pseudonym as the full name. Every occurrence of every known name is then
replaced in the whole corpus, so the same person is ``[Personne 3]`` in every interview. The
interview text is rewritten before segmentation, so every offset of every export refers to the
pseudonymised text. The correspondence table is kept by the caller in a separate file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.errors import InputError
from cloterres.interviews.model import Interview, Segment, Turn
from cloterres.io.text import read_text, without_controls
from cloterres.nlp import FUNCTION_WORDS, clean, entity_spans, fold

KINDS = {"PER": "Personne", "LOC": "Commune", "ORG": "Organisation"}
# Words the NER takes for names in CLS interviews but that are institutions or roles.
_NOT_NAMES = {
    "ars", "cls", "ccas", "cpam", "clsm", "mss", "ireps", "ors", "pmi", "msp", "cpts", "ehpad",
    "madame", "monsieur", "docteur", "maire", "elu", "elue", "voila", "bon", "bah", "ben", "euh",
    "enqueteur", "enquetrice", "coordinatrice", "coordinateur", "region", "mme", "m", "mr",
    "covid", "hein", "pareil", "d'accord", "merci", "bonjour",
}  # fmt: skip
_LEADING_WORDS = {"bonjour", "merci", "oui", "non", "alors", "bon", "et", "avec", "voila", "donc"}
# Titles before a surname: dropped from a name, and what follows them is a name.
_TITLES = {
    "m", "mr", "mme", "mlle", "mm", "dr", "pr", "me", "monsieur", "madame", "mademoiselle",
    "docteur", "professeur", "maitre", "le docteur", "la docteure", "docteure", "le professeur",
}  # fmt: skip
_TITLE_NAME = re.compile(
    r"(?<!\w)(?:M\.|MM\.|Mr\.?|Mme|Mlle|Dr\.?|Pr\.?|Me|[Mm]onsieur|[Mm]adame|[Mm]ademoiselle"
    r"|[Dd]octeur|[Dd]octeure|[Pp]rofesseur|[Mm]aître)"
    r"(?:\s+et\s+(?:Mme|M\.|[Mm]adame|[Mm]onsieur))?"
    r"\s+(?P<name>[A-ZÀ-ÖØ-Þ][\w'’-]*[a-zà-öø-ÿ][\w'’-]*(?:[ \t]+[A-ZÀ-ÖØ-Þ][\w'’-]*[a-zà-öø-ÿ][\w'’-]*)?)"
)
# Where a capitalised word starts a sentence rather than being a name.
_SENTENCE_START = re.compile(r"(?:^|[.!?…:;\n])[\s«»\"“”(\[\]-]*$")


def read_name_list(path: Path) -> list[str]:
    """One name per line (blank lines and lines starting with # ignored)."""
    if not path.exists():
        raise InputError(f"{path} : liste de noms introuvable ; vérifiez le chemin")
    if path.is_dir():
        raise InputError(f"{path} : est un dossier ; donnez le fichier de la liste de noms")
    lines = without_controls(read_text(path)).splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


@dataclass
class Pseudonymiser:
    names: list[str] = field(default_factory=list)
    places: bool = False
    organisations: bool = False
    _pseudonyms: dict[tuple[str, str], str] = field(default_factory=dict)
    _counters: dict[str, int] = field(default_factory=dict)
    _occurrences: dict[str, int] = field(default_factory=dict)
    _originals: dict[str, str] = field(default_factory=dict)
    _compiled: tuple[int, re.Pattern[str]] | None = None
    _by_key: dict[str, str] = field(default_factory=dict)

    def _key(self, name: str) -> str:
        return fold(clean(" ".join(name.split())))

    def _pseudonym(self, kind: str, name: str, shown: str = "") -> str:
        key = (kind, self._key(name))
        if key not in self._pseudonyms:
            self._counters[kind] = self._counters.get(kind, 0) + 1
            pseudo = f"[{KINDS[kind]} {self._counters[kind]}]"
            self._pseudonyms[key] = pseudo
            self._originals[pseudo] = shown or name
        return self._pseudonyms[key]

    def _register(self, kind: str, name: str) -> None:
        words = " ".join(name.split()).strip(" .,;:'’\"«»()[]=+@-").split(" ")
        while words and self._key(words[0]) in _LEADING_WORDS:  # "Bonjour Monsieur Coutant"
            words = words[1:]
        shown = " ".join(words)  # "Mme Benali" in the correspondence table
        if kind == "PER":  # "le docteur Henriot", "Mme Benali": the name is what follows
            while len(words) >= 2 and (
                self._key(words[0]).rstrip(".") in _TITLES
                or self._key(" ".join(words[:2])) in _TITLES
                or self._key(words[0]) in ("le", "la")
            ):
                words = words[1:]
        name = " ".join(words)
        if len(name) < 2 or self._key(name) in _NOT_NAMES:
            return
        if kind == "PER" and not name[:1].isupper():  # "hein", "pareil": not names
            return
        if kind == "PER" and ("PER", self._key(name)) not in self._pseudonyms:
            last = name.split(" ")[-1]
            known = self._pseudonyms.get(("PER", self._key(last)))
            if known is not None and len(name.split(" ")) >= 2:  # "Mme Vasseur" = "Émilie Vasseur"
                self._pseudonyms[("PER", self._key(name))] = known
                return
        pseudo = self._pseudonym(kind, name, shown)
        if kind == "PER":
            words = [w for w in re.split(r"[\s]+", name) if w[:1].isupper()]
            if len(words) >= 2 and len(words[-1]) >= 3 and self._key(words[-1]) not in _NOT_NAMES:
                self._pseudonyms.setdefault(("PER", self._key(words[-1])), pseudo)

    def learn(self, interview: Interview) -> None:
        """Collect the names of an interview (call for every interview before ``apply``)."""
        for name in self.names:
            self._register("PER", name)
        for key in ("enqueteur", "repondant"):
            if interview.variables.get(key):  # "M. Dubreuil, délégation de l'ARS": the name only
                self._register("PER", interview.variables[key].split(",")[0])
        wanted = (
            {"PER"}
            | ({"LOC"} if self.places else set())
            | ({"ORG"} if self.organisations else set())
        )
        text = interview.text
        for turn in interview.turns:  # line by line: an entity never spans two lines
            for line in re.finditer(r"[^\n]+", text[turn.start : turn.end]):
                self._learn_text(line.group(0), wanted)
        if self.places:
            for key in ("territoire", "lieu"):
                for _s, _e, label in entity_spans(interview.variables.get(key, "")):
                    if label == "LOC":
                        value = interview.variables[key]
                        self._register("LOC", value[_s:_e])
        roles = ("directeur", "directrice", "responsable", "coordinat", "enquet", "charge")
        for turn in interview.turns:  # speaker labels that are names ("Paul Giraud :")
            label = turn.speaker
            is_name = len(label.split()) >= 2 and all(w[:1].isupper() for w in label.split())
            if is_name and not self._key(label).startswith(roles):
                self._register("PER", label)

    def _learn_text(self, text: str, wanted: set[str]) -> None:
        """Names in one line of text: the NER's entities, a capitalised word after a title
        ("docteur Henriot"), and a first name the NER calls MISC ("une salariée, Amandine, et")
        when it is not the first word of a sentence or is followed by a comma (vocative)."""
        for start, end, label in entity_spans(text):
            span = text[start:end]
            if label in wanted:
                self._register(label, span)
            elif label == "MISC" and self._first_name_like(text, start, end):
                self._register("PER", span)
        for m in _TITLE_NAME.finditer(text):
            self._register("PER", m.group("name"))

    def _first_name_like(self, text: str, start: int, end: int) -> bool:
        span = text[start:end]
        if " " in span or not span[:1].isupper() or span.isupper() or len(span) < 3:
            return False
        if not span.replace("-", "").isalpha() or self._key(span) in _NOT_NAMES:
            return False
        if self._key(span) in FUNCTION_WORDS or self._key(span) in _LEADING_WORDS:
            return False
        before = text[:start]
        # « Nadia, j'ai une dame qui sort » : a name called at the start of a quotation
        vocative = text[end : end + 1] == "," and before.rstrip().endswith(("«", '"', "“"))
        return vocative or not _SENTENCE_START.search(before)

    def learn_unit(self, unit: Segment) -> None:
        """Collect the names of a unit read from a spreadsheet (its text and its speaker)."""
        for name in self.names:
            self._register("PER", name)
        wanted = (
            {"PER"}
            | ({"LOC"} if self.places else set())
            | ({"ORG"} if self.organisations else set())
        )
        for line in re.finditer(r"[^\n]+", unit.text):
            self._learn_text(line.group(0), wanted)
        label = unit.speaker
        if len(label.split()) >= 2 and all(w[:1].isupper() for w in label.split()):
            self._register("PER", label)

    def apply_unit(self, unit: Segment) -> Segment:
        """A spreadsheet unit with every known name replaced (text, speaker, ids, attributes)."""
        text = self.rewrite(unit.text)[0]
        return unit.model_copy(
            update={
                "text": text,
                "end": len(text),
                "id": self.rewrite(unit.id)[0],
                "interview": self.rewrite(unit.interview)[0],
                "speaker": self.rewrite(unit.speaker)[0],
                "variables": {k: self.rewrite(v)[0] for k, v in unit.variables.items()},
                "source": unit.source.model_copy(
                    update={"fichier": self.rewrite(unit.source.fichier)[0]}
                ),
            }
        )

    def _pattern(self) -> re.Pattern[str] | None:
        """One regex for every known name, compiled again only when names were added."""
        if self._compiled is not None and self._compiled[0] == len(self._pseudonyms):
            return self._compiled[1]
        variants: dict[str, str] = {}
        for (_kind, key), pseudo in self._pseudonyms.items():
            variants[key] = pseudo
        if not variants:
            return None
        self._by_key = variants
        alternatives = sorted(variants, key=len, reverse=True)
        pattern = re.compile(
            r"(?<!\w)(" + "|".join(_accent_insensitive(k) for k in alternatives) + r")(?!\w)", re.I
        )
        self._compiled = (len(self._pseudonyms), pattern)
        return pattern

    def rewrite(self, text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
        """The text with every known name replaced; and the replaced spans (old_start, old_end,
        new_start, new_end)."""
        pattern = self._pattern()
        if pattern is None:
            return text, []
        out: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        pos = 0
        length = 0
        for m in pattern.finditer(text):
            pseudo = self._by_key[self._key(m.group(0))]
            out.append(text[pos : m.start()])
            length += m.start() - pos
            out.append(pseudo)
            spans.append((m.start(), m.end(), length, length + len(pseudo)))
            self._occurrences[pseudo] = self._occurrences.get(pseudo, 0) + 1
            length += len(pseudo)
            pos = m.end()
        out.append(text[pos:])
        return "".join(out), spans

    def apply(self, interview: Interview) -> Interview:
        return self.apply_with_map(interview)[0]

    def apply_with_map(self, interview: Interview) -> tuple[Interview, Callable[[int], int]]:
        """The pseudonymised interview, and the function moving an old offset to the new text."""
        new_text, spans = self.rewrite(interview.text)

        def move(offset: int) -> int:
            shift = 0
            for old_start, old_end, new_start, new_end in spans:
                if offset < old_start:
                    break
                if offset < old_end:  # inside a replaced name: snap to its edge
                    return new_start if offset == old_start else new_end
                shift = new_end - old_end
            return offset + shift

        turns = [
            Turn(
                number=t.number,
                speaker=self.rewrite(t.speaker)[0],
                interviewer=t.interviewer,
                start=move(t.start),
                end=move(t.end),
            )
            for t in interview.turns
        ]
        variables = {k: self.rewrite(v)[0] for k, v in interview.variables.items()}
        # File names and ids can hold a name too ("entretien-benali.docx")
        updated = interview.model_copy(
            update={
                "text": new_text,
                "turns": turns,
                "variables": variables,
                "id": self.rewrite(interview.id)[0],
                "name": self.rewrite(interview.name)[0],
                "source": interview.source.model_copy(
                    update={"fichier": self.rewrite(interview.source.fichier)[0]}
                ),
                "warnings": [self.rewrite(w)[0] for w in interview.warnings],
            }
        )
        return updated, move

    def table(self) -> list[tuple[str, str, str, str, int]]:
        """(type, pseudonym, name, other forms replaced, occurrences), for the correspondence file."""
        forms: dict[str, list[str]] = {}
        kinds: dict[str, str] = {}
        for (kind, key), pseudo in self._pseudonyms.items():
            forms.setdefault(pseudo, []).append(key)
            kinds[pseudo] = KINDS[kind]
        rows = []
        for pseudo in sorted(forms, key=lambda p: (p.split()[0], int(p.split()[-1].rstrip("]")))):
            original = self._originals.get(pseudo, forms[pseudo][0])
            others = sorted(f for f in forms[pseudo] if f != self._key(original))
            rows.append(
                (
                    kinds[pseudo],
                    pseudo,
                    original,
                    ", ".join(others),
                    self._occurrences.get(pseudo, 0),
                )
            )
        return rows


def _accent_insensitive(folded: str) -> str:
    classes = {
        "a": "[aàâäáã]", "e": "[eéèêë]", "i": "[iîïí]", "o": "[oôöó]", "u": "[uùûüú]",
        "c": "[cç]", "y": "[yÿ]", "n": "[nñ]",
    }  # fmt: skip
    out = []
    for ch in folded:
        if ch in classes:
            out.append(classes[ch])
        elif ch == " ":
            out.append(r"\s+")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
