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
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, cast

from cloterres.engine.nlp import FUNCTION_WORDS, clean, entity_spans, fold, get_nlp
from cloterres.errors import InputError
from cloterres.interviews.model import Interview, Segment, Turn
from cloterres.io.text import read_text, without_controls

if TYPE_CHECKING:  # pragma: no cover
    from spacy.pipeline import Lemmatizer

KINDS = {
    "PER": "Personne", "LOC": "Commune", "ORG": "Organisation",
    "TEL": "Téléphone", "MAIL": "Courriel",
}  # fmt: skip
# Contact details, masked whole. Both patterns run in linear time: the e-mail's local part can
# only start where a run of address characters starts (the look-behind), and every other part
# is separated by a character its neighbours cannot hold.
_EMAIL = r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
# French numbers: 06 12 34 56 78, 06.12.34.56.78, 0612345678, +33 6 12 34 56 78,
# +33 (0)1 45 67 89 01, (+33) 6 ..., 0033 6 ...; other international ones (+32 2 123 45 67).
_PHONE = (
    r"(?<![\d+])(?:\(?(?:\+|00)\s?33\)?[\s.-]?(?:\(0\)[\s.-]?)?|0)[1-9](?:[\s.-]?\d{2}){4}(?!\d)"
    r"|(?<![\d+])\+(?:\d[\s.-]?){7,13}\d(?!\d)"
)
_CONTACTS = re.compile(f"(?P<mail>{_EMAIL})|(?P<tel>{_PHONE})")
# A name's edges: not next to a letter (digits, "_", "-" and "." separate words in file names
# and ids: "entretien_Benali-2023.docx").
_BEFORE = r"(?<![^\W\d_])"
_AFTER = r"(?![^\W\d_])"
# The longest name and name word taken (longer ones are noise, e.g. a line of letters).
_MAX_NAME = 120
_MAX_NAME_WORD = 40
# Particles of surnames: never a name alone ("Marie de Villiers" -> "marie", "villiers").
_PARTICLES = {"de", "du", "des", "d", "le", "la", "les", "van", "von", "der", "den", "di", "da"}
# Columns of a units table that hold people's names ("nom_participant", "prénom").
_NAME_COLUMNS = (
    "nom", "prenom", "participant", "repondant", "enquete", "interviewe", "personne",
    "contact", "locuteur", "intervenant", "auteur", "codeur", "name",
)  # fmt: skip
# Discourse words the NER takes for a first name when probed (never names at a turn start).
_NOT_FIRST_NAMES = {"sinon", "madame", "monsieur", "mademoiselle", "bref", "voila", "enfin"}
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
# A lowercase word and a particle just before a surname the NER found ("marie de ").
_PARTICLE_BEFORE = re.compile(
    r"(?<![^\W\d_])(?P<first>[a-zà-öø-ÿ]{3,20})[ \t]+(?:de|du|des|d'|d’|van|von|le|la)[ \t]*\Z"
)
# A lowercase word just before a name that starts with its particle ("marie " + "de Villiers").
_WORD_BEFORE = re.compile(r"(?<![^\W\d_])(?P<first>[a-zà-öø-ÿ]{3,20})[ \t]+\Z")
# A capitalised word opening a line or a sentence and followed by a comma ("Karim, tu…").
_OPENING_WORD = re.compile(
    r"(?:^|(?<=[.!?…:;«\"“\]—–]))[ \t]*(?P<word>[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,20}(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ]{2,20})?),"
)
# Where a capitalised word starts a sentence rather than being a name: after these, and after
# the opening marks and spaces that may follow them.
_SENTENCE_ENDS = ".!?…:;\n"
_OPENING_MARKS = '«»"“”([]-'


def _sentence_start(before: str) -> bool:
    """Whether the text ``before`` a word ends where a sentence starts (read from its end)."""
    index = len(before)
    while index > 0 and (before[index - 1].isspace() or before[index - 1] in _OPENING_MARKS):
        index -= 1
    return index == 0 or before[index - 1] in _SENTENCE_ENDS


def name_key(name: str) -> str:
    """The key a name is known by in the correspondence table's « autres formes » column:
    "Jean-Dupont", "jean.dupont", "Jean_Dupont" and "Jean  Dupont" are one key."""
    return fold(clean(" ".join(w for w in re.split(r"[\s_.-]+", name) if w)))


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
    _contacts: dict[tuple[str, str], str] = field(default_factory=dict)

    def _key(self, name: str) -> str:
        return name_key(name)

    def _pseudonym(self, kind: str, name: str, shown: str = "") -> str:
        key = (kind, self._key(name))
        if key not in self._pseudonyms:
            self._counters[kind] = self._counters.get(kind, 0) + 1
            pseudo = f"[{KINDS[kind]} {self._counters[kind]}]"
            self._pseudonyms[key] = pseudo
            self._originals[pseudo] = shown or name
        return self._pseudonyms[key]

    def _register(self, kind: str, name: str, *, trusted: bool = False) -> None:
        """Learn a name. ``trusted``: it comes from the names list or a name column, so it is a
        name even in lower case, and each of its words stands for the person too."""
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
        if len(name) > _MAX_NAME or any(len(w) > _MAX_NAME_WORD for w in words):
            return  # "Mme Aaaa…" over a whole line: not a name, and a regex too big to compile
        if kind == "PER" and self._key(words[0]) in _NOT_NAMES:  # "Enquêteur B": a role
            return
        # "kevin martin", "jean de La Fontaine" (the NER's PER): particles aside, two words or more
        core = [w for w in name.split(" ") if self._key(w) not in _PARTICLES]
        lowercase_pair = len(core) >= 2 and all(
            w.replace("-", "").replace("'", "").isalpha() and self._key(w) not in FUNCTION_WORDS
            for w in core
        )
        if (
            kind == "PER"
            and not (core or [""])[0][:1].isupper()
            and not (trusted or lowercase_pair)
        ):
            return  # "hein", "pareil": not names
        if kind == "PER" and ("PER", self._key(name)) not in self._pseudonyms:
            last = name.split(" ")[-1]
            known = self._pseudonyms.get(("PER", self._key(last)))
            if known is not None and len(name.split(" ")) >= 2:  # "Mme Vasseur" = "Émilie Vasseur"
                self._pseudonyms[("PER", self._key(name))] = known
                return
        pseudo = self._pseudonym(kind, name, shown)
        if kind == "PER" and trusted:  # every word of a listed name: "Jean", "Lemaire", "Garnier"
            parts = [w for w in re.split(r"[\s_.-]+", name) if w]
            if len(parts) >= 2:
                for part in parts:
                    key = self._key(part)
                    if len(key) >= 2 and key not in _PARTICLES and key not in _NOT_NAMES:
                        self._pseudonyms.setdefault(("PER", key), pseudo)
        elif kind == "PER":
            words = [w for w in re.split(r"[\s]+", name) if w[:1].isupper() or lowercase_pair]
            if len(words) >= 2 and len(words[-1]) >= 3 and self._key(words[-1]) not in _NOT_NAMES:
                self._pseudonyms.setdefault(("PER", self._key(words[-1])), pseudo)
            for word in words[:-1]:  # "Émilie Vasseur": "Émilie" alone too, if a first name
                key = self._key(word)
                if (
                    len(key) >= 3
                    and key not in _NOT_NAMES
                    and key not in _PARTICLES
                    and not _common_noun(word)  # "Président Faure": the title is no name
                    and _probe_person(word.capitalize())
                ):
                    self._pseudonyms.setdefault(("PER", key), pseudo)
            last = words[-1] if words else ""
            if "-" in last and len(words) >= 2:  # "Lemaire-Garnier": each half alone too
                for half in last.split("-"):
                    if len(half) >= 3 and self._key(half) not in _NOT_NAMES:
                        self._pseudonyms.setdefault(("PER", self._key(half)), pseudo)

    def learn(self, interview: Interview) -> None:
        """Collect the names of an interview (call for every interview before ``apply``)."""
        for name in self.names:
            self._register("PER", name, trusted=True)
        self._learn_variables(interview.variables)
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
        for turn in interview.turns:  # speaker labels that are names ("Paul Giraud :", "Sylvie :")
            label = turn.speaker
            words = label.split()
            is_name = len(words) >= 2 and all(w[:1].isupper() for w in words)
            if len(words) == 1 and not turn.interviewer and len(label) >= 3:
                key = self._key(label)
                # A speaker is a person: a first name the NER calls MISC ("Nadia") counts too.
                is_name = (
                    key not in _NOT_NAMES
                    and key not in _NOT_FIRST_NAMES
                    and key not in FUNCTION_WORDS
                    and label.replace("-", "").isalpha()
                    and not _common_noun(label)  # "Médecin :", "Élue :": a role
                    and _probe_label(label[:1].upper() + label[1:]) in ("PER", "MISC")
                )
            if is_name and not self._key(label).startswith(roles):
                self._register("PER", label, trusted=len(words) == 1)  # "nadia :" too

    def _learn_text(self, text: str, wanted: set[str]) -> None:
        """Names in one line of text: the NER's entities, a capitalised word after a title
        ("docteur Henriot"), and a first name the NER calls MISC ("une salariée, Amandine, et")
        when it is not the first word of a sentence or is followed by a comma (vocative)."""
        for start, end, label in entity_spans(text):
            span = text[start:end]
            if label == "PER":  # "marie de Villiers": a lowercase first name before a particle
                starts_with_particle = self._key(span.split(" ")[0]) in _PARTICLES
                pattern = _WORD_BEFORE if starts_with_particle else _PARTICLE_BEFORE
                before = pattern.search(text, max(0, start - 40), start)
                if before and _probe_person(before.group("first").capitalize()):
                    self._register("PER", text[before.start("first") : end], trusted=True)
            if label in wanted:
                self._register(label, span)
            elif label == "MISC" and self._first_name_like(text, start, end):
                self._register("PER", span)
        for m in _TITLE_NAME.finditer(text):
            self._register("PER", m.group("name"))
        # "Fatoumata, elle fait les ateliers": a word opening a sentence and followed by a
        # comma is a name when the NER, shown it in a neutral sentence, calls it a person.
        for m in _OPENING_WORD.finditer(text):
            word = m.group("word")
            key = self._key(word)
            if (
                len(word) >= 3
                and not key.endswith("ment")
                and key not in _NOT_FIRST_NAMES
                and key not in _NOT_NAMES
                and key not in _LEADING_WORDS
                and key not in FUNCTION_WORDS
                and ("PER", key) not in self._pseudonyms
                and not _common_noun(word)  # "Président, …": a role
                and _probe_person(word)
            ):
                self._register("PER", word)

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
        return vocative or not _sentence_start(before)

    def _learn_variables(self, variables: dict[str, str]) -> None:
        """Names in metadata or extra columns: a column named like a person ("repondant",
        "nom_participant") holds a name, whatever its case; any other value may hold one."""
        for key, value in variables.items():
            folded = fold(key)
            first = value.split(",")[0]  # "M. Dubreuil, délégation de l'ARS": the name only
            named = any(word in folded for word in _NAME_COLUMNS)
            if named and not any(c.isdigit() or c == "@" for c in first):
                self._register("PER", first, trusted=True)
            else:  # a number, an address, or another column: names inside it
                for line in re.finditer(r"[^\n]+", value[:10_000]):
                    self._learn_text(line.group(0), {"PER"})

    def learn_unit(self, unit: Segment) -> None:
        """Collect the names of a unit read from a spreadsheet (its text, its speaker and every
        other column)."""
        for name in self.names:
            self._register("PER", name, trusted=True)
        wanted = (
            {"PER"}
            | ({"LOC"} if self.places else set())
            | ({"ORG"} if self.organisations else set())
        )
        for line in re.finditer(r"[^\n]+", unit.text):
            self._learn_text(line.group(0), wanted)
        self._learn_variables(unit.variables)
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

    def _pattern(self) -> re.Pattern[str]:
        """One regex for contact details and every known name, compiled again only when names
        were added. Contacts come first: an address is masked whole, names inside included."""
        if self._compiled is not None and self._compiled[0] == len(self._pseudonyms):
            return self._compiled[1]
        variants: dict[str, str] = {}
        for (_kind, key), pseudo in self._pseudonyms.items():
            variants[key] = pseudo
        self._by_key = variants
        alternatives = sorted(variants, key=len, reverse=True)
        source = f"(?P<mail>{_EMAIL})|(?P<tel>{_PHONE})"
        if alternatives:
            names = "|".join(_accent_insensitive(k) for k in alternatives)
            source += f"|{_BEFORE}(?P<name>{names}){_AFTER}"
        pattern = re.compile(source, re.I)
        self._compiled = (len(self._pseudonyms), pattern)
        return pattern

    def _contact(self, kind: str, value: str) -> str:
        """The stable pseudonym of a phone number (its last nine digits) or an address."""
        key = "".join(c for c in value if c.isdigit())[-9:] if kind == "TEL" else value.lower()
        if (kind, key) not in self._contacts:
            self._counters[kind] = self._counters.get(kind, 0) + 1
            pseudo = f"[{KINDS[kind]} {self._counters[kind]}]"
            self._contacts[(kind, key)] = pseudo
            self._originals[pseudo] = value
        return self._contacts[(kind, key)]

    def rewrite(self, text: str) -> tuple[str, list[tuple[int, int, int, int]]]:
        """The text with every phone number, e-mail address and known name replaced; and the
        replaced spans (old_start, old_end, new_start, new_end)."""
        pattern = self._pattern()
        out: list[str] = []
        spans: list[tuple[int, int, int, int]] = []
        pos = 0
        length = 0
        for m in pattern.finditer(text):
            if m.group("mail") is not None:
                pseudo = self._contact("MAIL", m.group(0))
            elif m.group("tel") is not None:
                pseudo = self._contact("TEL", m.group(0))
            else:
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
        for (kind, key), pseudo in [*self._pseudonyms.items(), *self._contacts.items()]:
            forms.setdefault(pseudo, []).append(key)
            kinds[pseudo] = KINDS[kind]
        rows = []
        for pseudo in sorted(forms, key=lambda p: (p.split()[0], int(p.split()[-1].rstrip("]")))):
            original = self._originals.get(pseudo, forms[pseudo][0])
            others = sorted(f for f in forms[pseudo] if f != self._key(original))
            if kinds[pseudo] in (KINDS["TEL"], KINDS["MAIL"]):
                others = []  # the normalised key adds nothing to the number or address
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


@lru_cache(maxsize=4096)
def _probe_label(word: str) -> str:
    """The NER's label for ``word`` alone in a neutral sentence ("" when it sees no entity)."""
    probe = f"Je travaille avec {word} depuis longtemps."
    start = len("Je travaille avec ")
    for s, e, label in entity_spans(probe):
        if (s, e) == (start, start + len(word)):
            return label
    return ""


def _probe_person(word: str) -> bool:
    """Whether the NER takes ``word`` for a person's name in a neutral sentence."""
    return _probe_label(word) == "PER"


@lru_cache(maxsize=1)
def _lemma_table() -> object:
    lookups = cast("Lemmatizer", get_nlp().get_pipe("lemmatizer")).lookups
    return lookups.get_table("lemma_lookup") if lookups.has_table("lemma_lookup") else {}


def _common_noun(word: str) -> bool:
    """Whether ``word`` is a French common word the model's lemma table knows in some form
    (« médecin(s) », « présidente », « élue »): a role, not a first name, when it labels a
    speaker or opens a sentence. First names that are common words (Rose, Pierre) are caught
    here too: they need the names list."""
    lower = word.lower()
    table = _lemma_table()
    return any(form in table for form in (lower, lower + "s", lower + "es"))  # type: ignore[operator]


def _accent_insensitive(folded: str) -> str:
    classes = {
        "a": "[aàâäáã]", "e": "[eéèêë]", "i": "[iîïí]", "o": "[oôöó]", "u": "[uùûüú]",
        "c": "[cç]", "y": "[yÿ]", "n": "[nñ]",
    }  # fmt: skip
    out = []
    for ch in folded:
        if ch in classes:
            out.append(classes[ch])
        elif ch == " ":  # "Jean Dupont", "jean-dupont", "Jean_Dupont", "jean.dupont"
            out.append(r"[\s_.-]+")
        elif ch in "'’":
            out.append("['’]")
        else:
            out.append(re.escape(ch))
    return "".join(out)
