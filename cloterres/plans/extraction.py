"""From a document's blocks to measures: a plan read as a plan, not as a stream of lines.

A plan has a cover (the contract's name), perhaps a table of contents, a preamble, then axes →
objectives → fiches; a fiche has an id, a title and fields. What counts as what:

- an **axis**: a heading (or band) that starts with « Axe », « Orientation » or « Priorité », or
  a paragraph « Axe 2 – … » with a number;
- an **objective**: the same with « Objectif » (« Objectif stratégique 1.2 : … », « 1.1
  Objectif … »);
- a **fiche** (a measure):
  - a heading, paragraph or band « Fiche action n° 2.3 : titre », « FICHE N°7 | titre »,
    « FA 1.2 – titre », « Action A1 – titre », « Mesure 3 – titre »; a marker without title
    takes the next line as its title (a band on two lines); « Fiches n° 1, 2, 3 » is a list;
  - an id alone beside a title (« A.1 » in a coloured square);
  - a heading numbered « 2.3 titre », or a heading deeper than the current axis or objective
    heading (headed sections: Axe → Objectif → Action); an unrecognised bold title followed at
    once by a fiche's fields;
  - a two-column « champ | valeur » table (or 4 columns: two pairs per row), which fills the
    fiche its heading opened or makes one of its own; a fiche table cut by a page, or continued
    under « Action 2.1 (suite) », stays one fiche;
  - each row of a plan table: a table whose header row names an « Intitulé » (or « Action »,
    « Description »…) and at least one other field; a table on the next page with the same
    columns continues it (and its first row may end the last row of the page before); a row
    that spans the whole table sets the axis (or the objective) of the rows under it; « A1 –
    titre » in the title cell gives the id;
- inside a fiche: « Libellé : valeur » paragraphs, sub-headings (named after a field, or usual
  sub-headings such as « Contexte », « Modalités », « Résultats attendus », whatever their
  style), the bullets, paragraphs or tables under them, and boxes of fields side by side
  (« Pilote(s) | Partenaires | Public(s) » over their values) fill its fields; other
  paragraphs go to the description;
- never a fiche: table-of-contents lines, and recap tables (announced as such, or whose rows are
  mostly fiches of the body): their rows complete the fiches they name (by number, else
  title); a plan table with no fiches elsewhere is the plan.

Values keep the document's own separators; items written on separate lines or as bullets are
joined with « ; ». Field labels are mapped by ``fields.field_of``; unknown labels stay as extra
attributes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.errors import InputError
from cloterres.io.sources import SourceRef
from cloterres.io.tables import normalize_header
from cloterres.plans.blocks import BOLD_LEVEL, TITLE_LEVEL, Block, Document
from cloterres.plans.fields import (
    DOCUMENT_FIELDS,
    EXTRA_FIELDS,
    LIST_FIELDS,
    extra_label,
    field_of,
    split_label,
)
from cloterres.plans.measure import Measure
from cloterres.plans.report import DocumentReport

# Possessive spaces: adjacent optional parts never share a run of spaces (linear time).
_SEP = r"\s*+(?:[:.–—)|-]\s*+)?"
_NUM = r"(?!(?:19|20)\d\d\b)(?P<num>(?:\d+|[A-Z]{1,2}\d+|[IVXL]+|[A-Z])(?:[.\-/]\d+)*[a-z]?(?:\s?bis|\s?ter)?)(?!\w)\.?"
_AXIS = re.compile(
    r"^\s*+(?:axe|orientation|priorit[ée]|"
    # other words for an axis, only when numbered (« Enjeu 2 – … »; « Enjeux » alone is a
    # fiche's sub-heading)
    r"(?:enjeu|th[ée]matique|d[ée]fi|ambition)(?=\s*n\s?°|\s+(?:\d|(?-i:[IVX]+)\b)))"
    r"s?(?:\s++(?:strat[ée]gique|prioritaire|th[ée]matique|transversale?))?"
    rf"(?:\s*+(?:(?:n\s?°|no\.?|num[ée]ro)\s*+)?{_NUM})?{_SEP}(?P<title>.*)$",
    re.I,
)
_OBJECTIVE = re.compile(
    r"^\s*+(?:objectif|obj\.)s?(?:\s++(?:strat[ée]gique|g[ée]n[ée]ral|op[ée]rationnel|sp[ée]cifique)s?)?"
    rf"(?:\s*+(?:(?:n\s?°|no\.?|num[ée]ro)\s*+)?{_NUM})?{_SEP}(?P<title>.*)$",
    re.I,
)
_FICHE = re.compile(
    r"^\s*+(?:fiches?(?:[\s-]++actions?)?|FA)(?:\s*+(?:n\s?°|no\.?|n\.|num[ée]ro|#))?\s*+"
    rf"{_NUM}{_SEP}(?P<title>.*)$",
    re.I,
)
_ACTION = re.compile(
    r"^\s*+(?:action|mesure)s?(?:\s*+(?:n\s?°|no\.?|num[ée]ro|#))?\s*+"
    rf"(?!(?:19|20)\d\d\b)(?P<num>(?:[A-Z]{{1,2}}\.?)?\d+(?:[.\-]\d+)*[a-z]?(?:\s?bis|\s?ter)?)(?!\w)\.?{_SEP}(?P<title>.*)$",
    re.I,
)
_NUMBERED = re.compile(r"^\s*+(?P<num>\d++(?:\.\d++)*+)[.)]?\s++(?P<title>\S.*)$")
# « FICHE ACTION » alone (a band's first line, in larger type): the number is on the next line.
_MARKER_WORD = re.compile(r"^\s*+fiches?(?:[\s-]*+actions?)?\s*+:?\s*+$", re.I)
_CLOSING = re.compile(
    r"^\s*(?:annexes?|glossaire|sigles|lexique|sommaire|table des mati[èe]res|signataires|"
    r"signatures|bibliographie|liste des|abr[ée]viations)\b",
    re.I,
)
# A section about the whole contract after the fiches (« Pilotage et gouvernance du contrat »,
# « Suivi et évaluation du CLS »): it ends the last fiche, its words are no fiche's fields.
_CONTRACT_SECTION = re.compile(
    r"^\s*(?:\d+[.)]?\s+)?(?:gouvernance|pilotage|suivi|[ée]valuation|animation|engagements?|"
    r"modalit[ée]s)\b.*\b(?:contrat|CLS|plan d.actions?)\b",
    re.I,
)
_GENERIC_TITLE = re.compile(
    r"^\s*(?:sommaire|table des mati[èe]res|pr[ée]ambule|introduction|plan d.actions?|"
    r"fiches? actions?|contexte)\s*$",
    re.I,
)
# Bullets, with the private-use code points of Word's Symbol and Wingdings fonts (U+F0B7...).
_BULLET = re.compile(r"^\s*+(?:[\uf000-\uf0ff]\s*+|(?:[-*•·▪◦●■□–]|\d{1,2}[.)])\s+)")
_PRIVATE = re.compile(r"[\uf000-\uf0ff]")
# An id written before a title in a table cell or a band: « A1 – titre », « 2.3 : titre ».
_LEAD_ID = re.compile(
    r"^\s*(?!(?:19|20)\d\d\b)(?P<num>(?:[A-Z]{1,3}\s?)?\d+(?:[.\-]\d+)*[a-z]?|[A-Z](?:\.\d+)+)"
    r"\s*(?:[–—:|]|-(?=\s)|\.(?=\s))\s*(?P<title>\S.*)$",
    re.S,
)
# An id alone (a numbered square beside a fiche's title): « A.1 », « 12 », « 3.2 ».
_BARE_ID = re.compile(
    r"^\s*(?:n\s?°\s*)?(?P<num>(?:[A-Z]{1,2}[.\-]?)?\d{1,3}(?:\.\d{1,3}){0,3}|[A-Z]\.\d{1,3})\s*$"
)
# A fiche marker continued: « Action 2.1 (suite) », « Fiche 4 – suite ».
_CONTINUED = re.compile(r"^\(?\s*suite\b", re.I)
# « Fiches n° 1, 2, 3 » in an axis band lists fiches, it is not one.
_LIST_OF_NUMBERS = re.compile(r"^\s*(?:[,;&]|et\b|à\b)", re.I)
# A text that ends like this goes on in the next line (« Centre hospitalier de » / « Bellerive »).
_GOES_ON = re.compile(r"(?:\b(?:de|du|des|d'|la|le|les|l'|et|à|au|aux|en)|-)$", re.I)
# Sub-headings of a fiche (folded): whatever their style, they are its fields, not fiches.
_SUBHEADING = re.compile(
    r"^(?:contexte|enjeux?|diagnostic|constats?|elements? de (?:contexte|diagnostic)|"
    r"objectifs?|descript|modalites|mise en oeuvre|deroulement|etapes|methode|moyens|ressources|"
    r"resultats? attendus?|effets? attendus?|financement|budget|cout|evaluation|indicateurs?|"
    r"suivi|calendrier|echeanc|planning|partenai|pilot|porteu|public|beneficiaires|"
    r"territoire|gouvernance|points? de vigilance|leviers?|freins?|articulation|liens? avec|"
    r"communication|perspectives|actions? (?:prevues|a mener|a mettre en oeuvre)|"
    r"observations?|commentaires?|remarques?)\b"
)
# The line of a cover that names the contract.
_COVER = re.compile(r"contrat\s+local|\bCLS\b|contrat\s+de\s+sant[ée]", re.I)
# A line that starts with an article goes on from the line above (« Centre social » / « Les
# Tilleuls »).
_ARTICLE_START = re.compile(r"^(?:le|la|les|l[’']|du|des|de|d[’'])(?:\s|(?<=[’']))", re.I)
# Recap tables: headings that announce them.
_RECAP = re.compile(
    r"r[ée]capitulatif|synth[èe]se des actions|tableau de synth[èe]se|liste des actions", re.I
)
# Titles that are a template's or a program's, not the contract's.
_TEMPLATE_TITLE = re.compile(
    r"mod[èe]le|template|trame|gabarit|^\s*fiches?[\s-]+actions?\b|^\s*document\s*\d*\s*$|"
    r"sans titre|untitled|microsoft word",
    re.I,
)


def _is_toc_line(text: str) -> bool:
    """A table-of-contents line: a leader (``....``, ``……``, ``____``) and at most four digits of
    page number at the end, or a tab and a page number. Read from the end, in linear time."""
    line = text.rstrip()
    end = len(line)
    digits = end
    while digits > 0 and line[digits - 1].isdecimal():
        digits -= 1
    if end - digits > 4:
        return False
    spaces = digits
    while spaces > 0 and line[spaces - 1].isspace():
        spaces -= 1
    if end - digits >= 1 and "\t" in line[spaces:digits]:
        return True
    return line[:spaces].endswith(("....", "……", "____"))


_ROMAN = {
    "I": 1,
    "II": 2,
    "III": 3,
    "IV": 4,
    "V": 5,
    "VI": 6,
    "VII": 7,
    "VIII": 8,
    "IX": 9,
    "X": 10,
}
_PREFIX_STOP = {
    "de", "du", "des", "la", "le", "les", "l", "d", "sur", "sous", "en", "et", "a", "au", "aux",
    "cls", "contrat", "contrats", "local", "locaux", "locale", "sante", "ville", "communaute",
    "communes", "agglomeration", "pays", "plan", "plans", "action", "actions", "fiche", "fiches",
    "pour", "territoire", "territorial", "territoriale", "fictif", "demo",
}  # fmt: skip
MAX_TITLE = 300


@dataclass
class _Draft:
    number: str
    title: str
    axis: str
    objective: str
    source: SourceRef
    level: int | None = None  # heading level that opened it
    values: dict[str, list[str]] = field(default_factory=dict)  # field or extra label -> parts
    open_field: str | None = None
    open_empty: bool = False
    from_table: bool = False
    title_from_field: bool = False
    axis_number: str = ""
    continuing: bool = False  # reopened by « (suite) »: the next fiche table fills it
    table: int | None = None  # the plan table a row came from

    @property
    def has_content(self) -> bool:
        return any(
            parts for name, parts in self.values.items() if name not in ("intitule", "axe", "id")
        )

    def add(self, name: str, value: str) -> None:
        value = value.strip()
        if value:
            self.values.setdefault(name, []).append(value)


def _clean(text: str) -> str:
    return re.sub(r"[ \t\xa0]+", " ", _PRIVATE.sub(" ", text)).strip()


def _clean_title(text: str) -> str:
    text = _clean(text.replace("\n", " ")).strip(" :–—-")
    if len(text) >= 2 and text[0] in '«"“' and text[-1] in '»"”':
        text = text[1:-1].strip()
    return text


def _marker(text: str) -> re.Match[str] | None:
    """« Fiche action n° 2.3 : titre », « Action 4 – titre »; not « Fiches n° 1, 2, 3 »."""
    m = _FICHE.match(text) or _ACTION.match(text)
    if m is None or _LIST_OF_NUMBERS.match(m.group("title")):
        return None
    return m


def _split_id(title: str) -> tuple[str, str]:
    """(id, title) of « A1 – titre », « Fiche 2.3 : titre »; ("", title) when none is written."""
    text = title.strip()
    first, _, rest = text.partition("\n")
    bare = _BARE_ID.match(first)
    if bare and rest.strip():  # « A3 » on the cell's first line, the title below
        return bare.group("num"), rest
    m = _marker(text.replace("\n", " ")) or _LEAD_ID.match(text)
    if m is None or not m.group("title").strip():
        return "", title
    return m.group("num"), m.group("title")


def _number(raw: str) -> str:
    return re.sub(r"\s+", " ", raw).strip().rstrip(".")


def _list_value(parts: list[str]) -> str:
    """Names written on separate lines or as bullets, joined with « ; »; a list written inline
    keeps the document's own separators (« A ; B », « A, B et C »)."""
    names: list[str] = []
    for part in parts:
        for line in part.split("\n"):
            line = _PRIVATE.sub("", _BULLET.sub("", line)).strip().rstrip(";,").strip()
            if line and line not in names:
                names.append(line)
    return "; ".join(names)


def _text_value(parts: list[str]) -> str:
    lines = (_clean(_BULLET.sub("", p) if _PRIVATE.match(p.lstrip()) else p) for p in parts)
    return "\n".join(line for line in lines if line)


def _axis_number(text: str) -> str:
    m = _AXIS.match(text)
    num = (m.group("num") or "") if m else ""
    return str(_ROMAN.get(num.upper(), num))


def _numbered_structure(text: str) -> bool:
    for pattern in (_AXIS, _OBJECTIVE):
        m = pattern.match(text)
        if m and m.group("num"):
            return True
    return False


def contract_prefix(name: str) -> str:
    """Short uppercase prefix of measure ids from a contract name or a file stem."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    words = [w for w in re.split(r"[^a-z0-9]+", ascii_text) if w]
    letters = [w[0] for w in words if w not in _PREFIX_STOP and not w.isdigit() and len(w) > 1]
    prefix = "".join(letters[:4]).upper()
    return prefix or "DOC"


class _Extractor:
    def __init__(self, doc: Document, report: DocumentReport) -> None:
        self.doc = doc
        self.report = report
        self.drafts: list[_Draft] = []
        self.draft: _Draft | None = None
        self.axis = ""
        self.axis_level: int | None = None
        self.objective = ""
        self.objective_level: int | None = None
        self.plan: dict[int, str] | None = None  # column index -> field of the running plan table
        self.plan_width = 0
        self.plan_header: tuple[str, ...] = ()
        self.plan_axis = ""
        self.plan_objective = ""
        self.previous_was_table = False
        self.plan_page: int | None = None  # page of the running plan table's last part
        self.plan_table: int | None = None  # number of the running plan table's first part
        self.recap_tables: set[int] = set()
        self.since_table: list[Block] = []  # blocks read since the last table
        self.outside = 0
        self.toc = 0
        self.continued = 0
        self.repeated = 0  # axis or objective lines repeated inside a fiche (page headers)
        self.headings: list[str] = []
        self.last_text = ""  # the last heading or paragraph read (a recap table's announcement)
        self.pending: tuple[Block, str] | None = None  # an unrecognised heading just read
        self.fiche_page: int | None = None  # page of the last fiche table read
        self.last_page: int | None = None  # page of the block read before this one
        self.fiche_last_field: str | None = None  # its last field

    # -- helpers ------------------------------------------------------------------------------

    def ref(self, block: Block, row: int | None = None) -> SourceRef:
        return SourceRef(
            fichier=self.doc.path,
            page=block.page,
            paragraphe=block.paragraph,
            tableau=block.table,
            ligne=row if row is not None else block.line,
        )

    def where(self, block: Block) -> str:
        return self.ref(block).describe().removeprefix(self.doc.path + ", ")

    def close(self) -> None:
        if self.draft is not None:
            self.drafts.append(self.draft)
            self.draft = None

    def reopen(self, number: str) -> _Draft | None:
        """The fiche « number » again (« Action 2.1 (suite) »): it goes on, it is not a new one."""
        number = _number(number)
        if self.draft is not None and self.draft.number == number:
            self.draft.continuing = True
            self.continued += 1
            return self.draft
        for index in range(len(self.drafts) - 1, -1, -1):
            if self.drafts[index].number == number and not self.drafts[index].from_table:
                self.close()
                self.draft = self.drafts.pop(index)
                self.draft.continuing = True
                self.continued += 1
                return self.draft
        return None

    def open_marker(self, block: Block, m: re.Match[str], level: int | None) -> _Draft:
        title = _clean_title(m.group("title"))
        if _CONTINUED.match(title) or title.lower().endswith(("(suite)", "- suite", "– suite")):
            found = self.reopen(m.group("num"))
            if found is not None:
                return found
            title = ""
        return self.open(block, m.group("num"), title, level)

    def open(self, block: Block, number: str, title: str, level: int | None) -> _Draft:
        self.close()
        self.draft = _Draft(
            number=_number(number),
            title=_clean_title(title),
            axis=self.axis,
            objective=self.objective,
            source=self.ref(block),
            level=level,
            axis_number=_axis_number(self.axis),
        )
        return self.draft

    def set_axis(self, text: str, level: int | None) -> None:
        self.axis = _clean(text)
        self.axis_level = level
        self.objective = ""
        self.objective_level = None

    def set_objective(self, text: str, level: int | None) -> None:
        self.objective = _clean(text)
        self.objective_level = level

    def structure_level(self) -> int | None:
        levels = [lv for lv in (self.axis_level, self.objective_level) if lv is not None]
        return max(levels) if levels else None

    # -- blocks ---------------------------------------------------------------------------------

    def run(self) -> list[_Draft]:
        blocks = self.doc.blocks
        index = 0
        while index < len(blocks):
            block = blocks[index]
            index += 1
            following = blocks[index] if index < len(blocks) else None
            if (
                following is not None
                and block.kind != "table"
                and following.kind != "table"
                and _MARKER_WORD.match(block.text)
                and _marker(f"{block.text.strip()} {following.text.strip()}")
            ):  # « FICHE ACTION » / « N° 2.1 – titre » on two lines: one marker
                block = Block(
                    kind=block.kind, text=f"{block.text.strip()} {following.text.strip()}",
                    level=block.level, page=block.page, paragraph=block.paragraph,
                    line=block.line,
                )  # fmt: skip
                index += 1
            pending = self.pending
            is_table = block.kind == "table"
            page_before = self.last_page
            if is_table:
                self.table(block)
                self.since_table = []
            elif block.level == -1 or _is_toc_line(block.text):
                self.toc += 1
            elif block.kind == "heading":
                self.heading(block)
            else:
                self.paragraph(block)
            if self.pending is pending:  # a pending title lasts one block
                self.pending = None
            if self.last_page is page_before:
                self.last_page = block.page
            self.previous_was_table = is_table
            if not is_table:
                self.since_table.append(block)
                self.last_text = block.text
        self.close()
        if self.toc:
            self.report.remarques.append(
                f"{self.toc} ligne(s) de sommaire ignorée(s) (titres suivis d'un numéro de page)"
            )
        if self.repeated:
            self.report.remarques.append(
                f"{self.repeated} rappel(s) de l'axe ou de l'objectif en cours (en-têtes de "
                f"page) ignoré(s)"
            )
        if self.continued:
            self.report.remarques.append(
                f"{self.continued} fiche(s) continuée(s) plus loin (« suite ») : lue(s) comme une "
                f"seule mesure chacune"
            )
        if self.outside:
            self.report.remarques.append(
                f"{self.outside} paragraphe(s) hors des fiches (introduction, contexte…) non lus "
                f"comme des mesures"
            )
        return self.drafts

    def _title_band(self, block: Block, text: str, level: int) -> bool:
        """A heading that completes the fiche being opened: an id alone beside its title (a
        numbered square), or the second line of a title band (« FICHE ACTION N° 1.1 » / its
        title). Whether it was one."""
        draft = self.draft
        bare = _BARE_ID.match(text)
        if bare:
            if draft is not None and not draft.number and not draft.values and draft.title:
                draft.number = _number(bare.group("num"))
                return True
            self.open(block, bare.group("num"), "", level)
            return True
        if (
            draft is not None
            and not draft.title
            and not draft.values
            and level != TITLE_LEVEL
            and len(text) <= MAX_TITLE
            and field_of(text) is None
            and not _marker(text)
            and not _AXIS.match(text)
            and not _OBJECTIVE.match(text)
        ):
            draft.title = _clean_title(text)
            return True
        return False

    def heading(self, block: Block) -> None:
        text = _clean(block.text).replace("\n", " ")
        level = block.level
        if level != TITLE_LEVEL and len(self.headings) < 50:
            self.headings.append(text)
        if self._title_band(block, text, level):
            return
        draft = self.draft
        numbered = _NUMBERED.match(text)
        if numbered and _OBJECTIVE.match(numbered.group("title")):  # « 1.1 Objectif : … »
            self.close()
            self.set_objective(text, level)
            return
        name = field_of(text) if len(text) <= 60 else None
        if name and (_marker(text) or _numbered_structure(text)):
            name = None
        if _CONTRACT_SECTION.match(text):
            self.close()
            return
        structure_title = any(
            (m := pattern.match(text)) is not None and m.group("title").strip()
            for pattern in (_AXIS, _OBJECTIVE)
        )
        sub_heading = (
            len(text) <= 60
            and not structure_title
            and (name is not None or _SUBHEADING.match(normalize_header(text)) is not None)
        )
        inside = (
            draft is not None
            and level != TITLE_LEVEL
            and (
                (draft.level is not None and level > draft.level)
                # a bold line after a fiche's table is a new title unless named like a field
                or (draft.level is None and level == BOLD_LEVEL and not draft.from_table)
                or (sub_heading and (draft.level is None or level >= draft.level))
            )
        )
        if inside and name:
            self.open_field(name, text, "")
            return
        if inside and split_label(text) and not _numbered_structure(text):
            self.labelled(block, *split_label(text))  # type: ignore[misc]
            return
        m = _marker(text)
        if m is not None:
            self.open_marker(block, m, level)
            return
        if draft is not None and text in (self.axis, self.objective) and not inside:
            self.repeated += 1  # the axis again atop a page of the same fiche
            return
        axis = _AXIS.match(text)
        if axis and (axis.group("num") or axis.group("title")) and name != "intitule":
            self.close()
            self.set_axis(text, level)
            return
        objective = _OBJECTIVE.match(text)
        if objective and (objective.group("num") or objective.group("title")):
            self.close()
            self.set_objective(text, level)
            return
        if _CLOSING.match(text):
            self.close()
            self.axis, self.axis_level, self.objective, self.objective_level = "", None, "", None
            return
        if inside:  # a sub-heading of the fiche with a name of its own: an extra field
            self.open_field(extra_label(text), text, "")
            return
        structure = self.structure_level()
        if structure is not None and level > structure and level != TITLE_LEVEL:
            numbered = _NUMBERED.match(text)
            if numbered:
                self.open(block, numbered.group("num"), numbered.group("title"), level)
            else:
                self.open(block, "", text, level)
            return
        self.close()
        if (
            level != TITLE_LEVEL
            and len(text) <= MAX_TITLE
            and not _GENERIC_TITLE.match(text)
            and not sub_heading
            and not _COVER.search(text)
        ):
            self.pending = (block, text)  # a fiche's title if fields follow at once

    def open_pending(self) -> _Draft | None:
        """A fiche from the unrecognised heading just before (a bold title without number),
        when the next block is a fiche's fields."""
        if self.pending is None:
            return None
        block, text = self.pending
        self.pending = None
        number, title = _split_id(text)
        return self.open(block, number, title, None)

    def open_field(self, name: str, label: str, value: str) -> None:
        draft = self.draft
        assert draft is not None
        if name == "intitule" and value:
            draft.values.pop("intitule", None)
            draft.title_from_field = True
        if name == "id":
            if value:
                draft.number = _number(value)
            draft.open_field = None
            return
        key = name if name in DOCUMENT_FIELDS or name == "contrat" else extra_label(label)
        if name in DOCUMENT_FIELDS or name == "contrat":
            key = name
        draft.add(key, value)
        draft.open_field = key
        draft.open_empty = not value

    def labelled(self, block: Block, name: str, label: str, value: str) -> None:
        draft = self.draft
        if draft is None and name not in ("intitule", "axe") and self.pending is not None:
            draft = self.open_pending()
        if draft is None or (name == "intitule" and value and draft.title_from_field):
            if name != "intitule":
                if name == "axe" and value:
                    self.set_axis(value, None)
                    return
                self.outside += 1
                return
            draft = self.open(block, "", "", None)
        self.open_field(name, label, value)

    def paragraph(self, block: Block) -> None:
        text = _clean(block.text)
        flat = text.replace("\n", " ")  # a paragraph's lines, for what is read as one line
        draft = self.draft
        if block.kind == "paragraph":
            m = _marker(flat)
            if m and len(flat) <= MAX_TITLE and split_label(text) is None:
                self.open_marker(block, m, None)
                return
            if draft is not None and _clean(flat) in (self.axis, self.objective):
                self.repeated += 1  # the axis again atop a page of the same fiche
                return
            for pattern, setter, attr in (
                (_AXIS, self.set_axis, "axis"),
                (_OBJECTIVE, self.set_objective, "objective"),
            ):
                m = pattern.match(flat)
                if m and m.group("num") and len(flat) <= MAX_TITLE:
                    if draft is not None and not draft.has_content:
                        setattr(draft, attr, flat)
                        if attr == "axis":
                            draft.axis_number = _axis_number(flat)
                        setter(flat, None)
                        return
                    self.close()
                    setter(flat, None)
                    return
        labelled = split_label(text)
        if labelled is not None and (
            draft is not None or self.pending is not None or labelled[0] in ("intitule", "axe")
        ):
            self.labelled(block, *labelled)
            return
        if draft is None:
            self.outside += 1
            return
        if (
            not draft.title
            and not draft.values
            and block.kind == "paragraph"
            and len(flat) <= MAX_TITLE
        ):
            draft.title = _clean_title(flat)
            return
        target = draft.open_field
        if (
            block.kind == "paragraph"
            and target in LIST_FIELDS
            and not draft.open_empty
            and block.page is not None
            and self.last_page is not None
            and block.page != self.last_page
            and len(flat) <= 150
            and not re.search(r"[.!?:]\s*$|[,;]", flat)
        ):  # a list of names cut by the page goes on at the top of the next one
            draft.values[target].append(text)
            return
        if block.kind == "item":
            target = target or "description"
        elif not (
            target
            and (draft.open_empty or target == "description" or target not in DOCUMENT_FIELDS)
        ):
            target = "description"
        elif (
            target in LIST_FIELDS
            and draft.values.get(target)
            and (len(flat) > 150 or flat.rstrip().endswith("."))
        ):  # a sentence after a list of names: the fiche's text, not one more name
            target = "description"
        draft.values.setdefault(target, []).append(text)
        draft.open_field = target

    # -- tables ---------------------------------------------------------------------------------

    def table(self, block: Block) -> None:
        rows = [r for r in block.rows if any(c.strip() for c in r)]
        if not rows:
            return
        width = max(len(r) for r in rows)
        header = self._plan_header(rows)
        if (
            self.plan is not None
            and self.continues_plan(block)
            and width == self.plan_width
            and (header is None or rows[header[0]] == self.plan_header)
        ):  # the plan table goes on (next page)
            self.plan_page = block.page
            self.plan_rows(block, rows, 0 if header is None else header[0] + 1, continued=True)
            return
        if header is not None:
            index, mapping = header
            self.close()
            self.plan_table = block.table
            if block.table is not None and _RECAP.search(self.last_text):
                self.recap_tables.add(block.table)
            self.plan = mapping
            self.plan_width = width
            self.plan_header = rows[index]
            self.plan_axis, self.plan_objective = self.axis, self.objective
            self.plan_page = block.page
            self.plan_rows(block, rows, index + 1)
            return
        self.plan = None
        if self.text_table(block, rows):
            return
        if self.field_columns(block, rows):
            return
        if self.fiche_table(block, rows):
            return
        where = self.where(block)
        if self.draft is not None and self.draft.open_field:
            # a table under a fiche's sub-heading (« Financement prévisionnel »: a budget) is
            # that field's value, one line per row
            lines = [
                " | ".join(c for i, c in enumerate(r) if c.strip() and (i == 0 or c != r[i - 1]))
                for r in rows
            ]
            self.draft.values.setdefault(self.draft.open_field, []).append("\n".join(lines))
            return
        if self.draft is not None:
            self.report.ignores.append(
                f"{where} ({len(rows)} ligne(s) × {width} colonne(s)) dans la mesure "
                f"« {self.draft.title or self.draft.number} » : pas de libellé de champ reconnu"
            )
            return
        self.report.ignores.append(
            f"{where} ({len(rows)} ligne(s) × {width} colonne(s)) : ni fiche action "
            f"(« champ | valeur »), ni tableau de plan (en-tête avec « Intitulé » ou « Action »)"
        )

    def text_table(self, block: Block, rows: list[tuple[str, ...]]) -> bool:
        """A table of one column (a shaded title band, an axis band): its cells are read as
        paragraphs."""
        cells: list[str] = []
        for index, row in enumerate(rows):
            distinct = [c for i, c in enumerate(row) if c.strip() and (i == 0 or c != row[i - 1])]
            if index == 0 and len(rows) <= 2 and distinct and _marker(_clean(distinct[0])):
                distinct = [" ".join(distinct)]  # a band: « FICHE ACTION N°1.1 » | title
            if cells and _MARKER_WORD.match(cells[-1]) and distinct:
                cells[-1] = f"{cells[-1]} {distinct[0]}"  # « FICHE ACTION » / « N° 1.1 – titre »
                distinct = distinct[1:]
            if len(distinct) > 1:
                return False
            cells.extend(distinct)
        if not cells or len(cells) > 4:
            return False
        for cell in cells:
            self.paragraph(
                Block(
                    kind="paragraph", text=cell.replace("\n", " "), page=block.page,
                    paragraph=block.paragraph, table=block.table, line=block.line,
                )
            )  # fmt: skip
        return True

    def field_columns(self, block: Block, rows: list[tuple[str, ...]]) -> bool:
        """A box of fields side by side: a header row of field labels (« Pilote(s) |
        Partenaires associés | Public(s) visé(s) ») with the values below, in the fiche being
        read."""
        if len(rows) < 2 or len(rows) > 4 or (self.draft is None and self.pending is None):
            return False
        names: dict[int, str] = {}
        for col, cell in enumerate(rows[0]):
            cell = _clean(cell.replace("\n", " "))
            if not cell or (col and rows[0][col - 1] == rows[0][col]):
                continue
            name = field_of(cell) if len(cell) <= 60 else None
            if name is None or name in names.values():
                return False
            names[col] = name
        if len(names) < 2 or any(
            field_of(_clean(c)) for row in rows[1:] for c in row if len(c) <= 40 and c.strip()
        ):
            return False
        draft = self.draft or self.open_pending()
        assert draft is not None
        for col, name in names.items():
            value = "\n".join(row[col] for row in rows[1:] if col < len(row) and row[col].strip())
            if name == "id":
                draft.number = draft.number or _number(value)
            elif name == "intitule":
                draft.title = draft.title or _clean_title(value.replace("\n", " "))
            else:
                draft.add(name, value)
        return True

    def continues_plan(self, block: Block) -> bool:
        """Only a table, or a page break with at most a running footer and header between."""
        if self.previous_was_table:
            return True
        return (
            block.page is not None
            and self.plan_page is not None
            and block.page == self.plan_page + 1
            and len(self.since_table) <= 3
            and all(b.kind == "paragraph" and len(b.text) <= 200 for b in self.since_table)
        )

    @staticmethod
    def _plan_header(rows: list[tuple[str, ...]]) -> tuple[int, dict[int, str]] | None:
        for index, row in enumerate(rows[:3]):
            mapping: dict[int, str] = {}
            seen: set[str] = set()
            non_empty = 0
            used: set[str] = set()
            for col, cell in enumerate(row):
                cell = _clean(cell)
                if not cell or cell in seen:
                    continue
                seen.add(cell)
                non_empty += 1
                name = field_of(cell) if len(cell) <= 60 else None
                if name and name not in used:
                    used.add(name)
                    mapping[col] = name
                elif len(cell) <= 60:
                    mapping[col] = "extra:" + extra_label(cell)
            if "intitule" not in mapping.values():  # « Fiche » holds « FA1 – titre »
                for col, name in mapping.items():
                    if name == "id" and normalize_header(row[col]) in ("fiche", "fiches"):
                        mapping[col] = "intitule"
            labelled = [n for n in mapping.values() if not n.startswith("extra:")]
            if (
                len(labelled) >= 2
                and ({"intitule", "description"} & set(labelled))
                and len(labelled) >= 0.75 * non_empty
            ):
                return index, mapping
        return None

    def continue_row(self, values: dict[str, list[str]]) -> bool:
        """The first row of a plan table continued on the next page may be the end of the last
        row of the page before (a row broken by the page): its cells complete that row."""
        last = self.drafts[-1] if self.drafts else None
        if last is None or not last.from_table:
            return False
        title = " ".join(values.get("intitule", []))
        numbered = [d for d in self.drafts if d.from_table and d.table == last.table]
        ids_in_titles = bool(numbered) and all(d.number for d in numbered)
        if values.get("id") or (title and title[0].isupper() and not ids_in_titles):
            return False
        if title and ids_in_titles and _split_id(title)[0]:
            return False
        for name, parts in values.items():
            text = "\n".join(parts)
            if name == "intitule":
                last.title = f"{last.title} {text}".strip()
            elif name not in ("axe", "objectif"):
                old = last.values.setdefault(name, [])
                if old:  # a wrapped line goes on with a space, an item of its own on a new line
                    wrapped = (
                        not _BULLET.match(text)
                        and (
                            " / " in old[-1]
                            or ";" in old[-1]  # items separated inline: the page only cut a line
                            or not text[:1].isupper()
                            or _GOES_ON.search(old[-1]) is not None
                            or _ARTICLE_START.match(text) is not None
                        )
                    )
                    old[-1] = f"{old[-1]}{' ' if wrapped else chr(10)}{text}"
                else:
                    old.append(text)
        return True

    def plan_rows(
        self, block: Block, rows: list[tuple[str, ...]], start: int, *, continued: bool = False
    ) -> None:
        mapping = self.plan or {}
        first_data = continued
        for offset, row in enumerate(rows[start:], start=start):
            number = block.first_row + offset
            if row == self.plan_header:
                continue
            first = _clean(row[0]) if row else ""
            rest = [_clean(c) for c in row[1:]]
            if len(row) > 1 and first and all(not c or c == first for c in rest):
                text = first.replace("\n", " ")
                objective_match = _OBJECTIVE.match(text)
                if objective_match and objective_match.group("num"):
                    self.plan_objective = text
                    continue
                if (
                    _AXIS.match(text)
                    or mapping.get(0) not in ("intitule", "description")
                    or all(c == first for c in rest)
                ):
                    self.plan_axis, self.plan_objective = text, ""
                    continue
            values: dict[str, list[str]] = {}
            for col, name in mapping.items():
                cell = row[col] if col < len(row) else ""
                if cell.strip():
                    values.setdefault(name.removeprefix("extra:"), []).append(cell.strip())
            continued_part = first_data and self.continue_row(values)
            first_data = False
            if continued_part:
                continue
            if not values.get("intitule") and not values.get("description"):
                self.report.ignores.append(
                    f"{self.where(block)}, ligne {number} : ligne sans intitulé ni description"
                )
                continue
            axis = " ".join(values.pop("axe", [])) or self.plan_axis
            self.plan_axis = axis
            objective = " ".join(values.pop("objectif", [])) or self.plan_objective
            self.plan_objective = objective
            title = " ".join(values.pop("intitule", []))
            ident = " ".join(values.pop("id", []))
            if not ident:
                ident, title = _split_id(title)
            draft = _Draft(
                number=_number(ident),
                title=_clean_title(title.replace("\n", " ")),
                axis=_clean(axis.replace("\n", " ")),
                objective=_clean(objective.replace("\n", " ")),
                source=self.ref(block, number),
                values=values,
                from_table=True,
                title_from_field=bool(title),
                axis_number=_axis_number(axis),
                table=self.plan_table,
            )
            self.drafts.append(draft)

    def fiche_goes_on(
        self, block: Block, known: list[tuple[str, str, str]], singles: list[str]
    ) -> bool:
        """A fiche table cut by a page: the next page starts with a table with no marker, no
        title and only fields the fiche does not have yet."""
        draft = self.draft
        if (
            draft is None
            or not draft.from_table
            or block.page is None
            or self.fiche_page is None
            or block.page != self.fiche_page + 1
            or singles
            or len(self.since_table) > 3
            or any(b.kind != "paragraph" or len(b.text) > 200 for b in self.since_table)
        ):
            return False
        names = {name for name, _, _ in known}
        return "intitule" not in names and not names & set(draft.values)

    def fiche_table(self, block: Block, rows: list[tuple[str, ...]]) -> bool:
        pairs: list[tuple[str, str, str]] = []
        singles: list[str] = []
        carry = ""  # a first row without label: the end of a value cut by the page
        name: str | None  # the standard field a label names, if any
        for index, row in enumerate(rows):
            cells: list[str] = []
            for cell in row:
                if not cells or cell != cells[-1]:
                    cells.append(cell)
            if index == 0 and len(cells) > 1 and not cells[0].strip():
                carry = "\n".join(c for c in cells[1:] if c.strip())
                continue
            if pairs and not cells[0].strip() and any(c.strip() for c in cells[1:]):
                name, label, value = pairs[-1]  # the value goes on in the next row
                more = "\n".join(c for c in cells[1:] if c.strip())
                pairs[-1] = (name, label, f"{value}\n{more}")
                continue
            cells = [c for c in cells if c.strip()]
            if len(cells) >= 2 and _marker(_clean(cells[0].replace("\n", " "))):
                # a band in a row: « FICHE ACTION N° 1.1 » | its title
                singles.append(_clean(" ".join(cells).replace("\n", " ")))
                continue
            if len(cells) == 1:
                single = _clean(cells[0].replace("\n", " "))
                if _marker(single) or not field_of(single) or _numbered_structure(single):
                    singles.append(single)
                continue
            i = 0
            while i < len(cells) - 1:
                label = _clean(cells[i].replace("\n", " "))
                name = field_of(label) if len(label) <= 60 else None
                if name:
                    pairs.append((name, label, cells[i + 1]))
                    i += 2
                else:
                    if i == 0 and len(label) <= 60:  # an unknown label: keep as extra
                        pairs.append(("", label, cells[i + 1]))
                        i += 2
                        continue
                    i += 1
        known = [p for p in pairs if p[0]]
        suite = any(
            (m := _marker(text)) is not None and _CONTINUED.match(_clean_title(m.group("title")))
            for text in singles
        )
        if len(known) < (1 if suite else 2):
            return False
        draft = self.draft
        marker = None
        for text in singles:
            m = _marker(text)
            if m and marker is None:
                marker = m
        if marker is not None:
            draft = self.open_marker(block, marker, None)
        elif draft is not None and self.fiche_goes_on(block, known, singles):
            last = self.fiche_last_field  # the fiche's table goes on over the page
            if carry and last and draft.values.get(last):
                draft.values[last][-1] += " " + carry
            carry = ""
        elif draft is None or not draft.continuing and (draft.from_table or draft.has_content):
            draft = self.open_pending() or self.open(block, "", "", None)
        draft.from_table = True
        draft.continuing = False
        self.fiche_page = block.page
        for text in singles:
            if _marker(text):
                continue
            if _AXIS.match(text) and (_AXIS.match(text).group("num") or not draft.axis):  # type: ignore[union-attr]
                draft.axis = text
                draft.axis_number = _axis_number(text)
            elif _OBJECTIVE.match(text) and _OBJECTIVE.match(text).group("num"):  # type: ignore[union-attr]
                draft.objective = text
            elif not draft.title:
                draft.title = _clean_title(text)
        if carry:
            draft.add("description", carry)
        for name, label, value in pairs:
            self.fiche_last_field = name or extra_label(label)
            if not name:
                draft.add(extra_label(label), value)
            elif name == "id":
                draft.number = _number(value)
            elif name == "intitule":
                draft.values.pop("intitule", None)
                draft.add("intitule", value.replace("\n", " "))
                draft.title_from_field = True
            else:
                draft.add(name, value)
        return True


def _measure_values(draft: _Draft) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, parts in draft.values.items():
        if name in LIST_FIELDS:
            values[name] = _list_value(parts)
        elif name == "objectif":  # several objectives (bullets, lines) stay apart
            values[name] = "; ".join(_clean(p.replace("\n", " ")) for p in parts if p.strip())
        elif name in ("axe", "intitule", "contrat"):
            values[name] = _clean(" ".join(p.replace("\n", " ") for p in parts))
        else:
            values[name] = _text_value(parts)
    return values


def _title_key(title: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", ascii_text))


def _merge_recaps(
    drafts: list[_Draft], announced: set[int], report: DocumentReport
) -> list[_Draft]:
    """Rows of a recap table (« tableau récapitulatif des actions ») are not fiches: each row
    completes the fiche of the body with its number or title, and none makes a record. A plan
    table is a recap when the body has fiches and the table is announced as one, or when most of
    its rows are fiches of the body; a recap table with no fiches elsewhere is the plan."""
    body = [d for d in drafts if d.table is None]
    if not body:
        return drafts
    by_number = {d.number: d for d in body if d.number}
    by_title = {_title_key(d.title): d for d in body if d.title}
    tables: dict[int, list[_Draft]] = {}
    for draft in drafts:
        if draft.table is not None:
            tables.setdefault(draft.table, []).append(draft)
    dropped: set[int] = set()
    for table, rows in tables.items():
        pairs = [
            (row, by_number.get(row.number) or by_title.get(_title_key(row.title))) for row in rows
        ]
        matched = [(row, fiche) for row, fiche in pairs if fiche is not None]
        announced_recap = table in announced and matched and len(body) >= 0.5 * len(rows)
        if not announced_recap and len(matched) < 0.5 * len(rows):
            continue  # a plan table: its rows are the fiches
        for row, fiche in matched:
            _merge(fiche, row)
        dropped.update(id(row) for row in rows)
        alone = [row.number or row.title[:40] for row, fiche in pairs if fiche is None]
        message = (
            f"tableau récapitulatif (tableau {table}, {len(rows)} ligne(s)) : fusionné avec "
            f"{len(matched)} fiche(s) du document, aucune mesure créée"
        )
        if alone:
            message += f" ; sans fiche correspondante : {', '.join(alone[:10])}"
        report.ignores.append(message)
    return [d for d in drafts if id(d) not in dropped]


def _has_fields(draft: _Draft) -> bool:
    """Whether a draft has a field besides its title and text (a porteur, a public, any
    labelled value)."""
    return any(
        parts for name, parts in draft.values.items()
        if name not in ("description", "intitule", "axe", "contrat")
    )  # fmt: skip


def _drop_sections(drafts: list[_Draft], report: DocumentReport) -> list[_Draft]:
    """In a plan whose fiches have fields, an unnumbered heading with only text under it (« Le
    territoire », « Présentation des fiches ») is a section of the document, not a fiche."""
    with_fields = [d for d in drafts if _has_fields(d)]
    if len(with_fields) < 3 or len(with_fields) < 0.7 * len(drafts):
        return drafts
    kept: list[_Draft] = []
    for draft in drafts:
        if draft.number or draft.from_table or _has_fields(draft):
            kept.append(draft)
        else:
            report.ignores.append(
                f"{draft.source.describe().removeprefix(draft.source.fichier + ', ')} : section "
                f"« {draft.title[:60]} » sans porteur, partenaires ni public, lue comme un texte "
                f"du document et non comme une fiche"
            )
    return kept


def _merge_title_only(drafts: list[_Draft], merged: list[str]) -> list[_Draft]:
    """An unnumbered entry with a title and nothing else (a line of a table of contents) whose
    title is a fiche's is that fiche, not another one."""
    with_content = {_title_key(d.title): d for d in drafts if d.has_content and d.title}
    kept: list[_Draft] = []
    for draft in drafts:
        key = re.sub(r"\s\d{1,4}$", "", _title_key(draft.title))
        fiche = with_content.get(key) if not draft.has_content and not draft.number else None
        if fiche is not None and fiche is not draft:
            merged.append(draft.title[:40])
            continue
        kept.append(draft)
    return kept


def _merge(into: _Draft, other: _Draft) -> None:
    """Two drafts with the same number (a summary line and its fiche): keep one."""
    if not into.has_content and other.has_content:
        into.source = other.source
    for name, parts in other.values.items():
        if name not in into.values:
            into.values[name] = parts
    into.title = into.title or other.title
    into.axis = into.axis or other.axis
    into.objective = into.objective or other.objective
    if not into.number and other.number:  # a recap table numbers fiches whose headings do not
        into.number = other.number


def extract_measures(
    doc: Document, report: DocumentReport, used_prefixes: set[str] | None = None
) -> list[Measure]:
    """The measures of one document; raise InputError when none is recognised.

    Ids are the document's own numbers prefixed with the initials of the contract (« VA-2.3 »),
    the prefix made unique among ``used_prefixes`` (which it joins)."""
    extractor = _Extractor(doc, report)
    drafts = [d for d in extractor.run() if d.title or d.values]
    report.remarques[:0] = doc.notes
    drafts = _merge_recaps(drafts, extractor.recap_tables, report)
    kept: list[_Draft] = []
    by_number: dict[str, _Draft] = {}
    qualify: set[str] = set()
    merged: list[str] = []
    for draft in drafts:
        first = by_number.get(draft.number) if draft.number else None
        if first is None:
            if draft.number:
                by_number[draft.number] = draft
            kept.append(draft)
            continue
        if not first.has_content or not draft.has_content:
            if not first.has_content and draft.has_content:  # the fiche comes after its entry
                kept[kept.index(first)] = by_number[draft.number] = draft
                first, draft = draft, first
            _merge(first, draft)
            merged.append(draft.number)
            continue
        if first.axis_number != draft.axis_number:
            qualify.add(draft.number)  # numbering restarts at each axis
        kept.append(draft)
    kept = _merge_title_only(kept, merged)
    kept = _drop_sections(kept, report)
    if merged:
        shown = ", ".join(merged[:10]) + (" …" if len(merged) > 10 else "")
        report.remarques.append(
            f"{len(merged)} entrée(s) présente(s) deux fois, une fois sans contenu (sommaire, "
            f"liste des fiches) : fusionnée(s) avec leur fiche ({shown})"
        )
    if not kept:
        where = [f"{doc.paragraphs} paragraphe(s)", f"{doc.tables} tableau(x)"]
        if doc.pages is not None:
            where.insert(0, f"{doc.pages} page(s)")
        titles = ", ".join(f"« {t[:60]} »" for t in extractor.headings[:8]) or "aucun"
        raise InputError(
            f"aucune mesure reconnue dans {doc.path} : {', '.join(where)}, titres trouvés : "
            f"{titles} ; vérifiez que les actions sont présentées comme « Fiche action n° … », "
            f"« Action … : » ou dans un tableau, ou recopiez-les dans un tableau .xlsx"
        )
    contract = _contract(doc, extractor)
    report.contrat = contract
    prefix = _unique_prefix(contract, used_prefixes if used_prefixes is not None else set())
    measures: list[Measure] = []
    used: set[str] = set()
    for index, draft in enumerate(kept, start=1):
        values = _measure_values(draft)
        if draft.number and draft.number in qualify:
            ident = f"{prefix}-axe{draft.axis_number or '0'}-{draft.number}"
        elif draft.number:
            ident = f"{prefix}-{draft.number}"
        else:
            ident = f"{prefix}-M{index}"
        base, suffix = ident, 2
        while ident in used:
            ident = f"{base}-{suffix}"
            suffix += 1
        if ident != base:
            report.remarques.append(
                f"numéro de mesure « {draft.number} » utilisé deux fois : la seconde devient {ident}"
            )
        used.add(ident)
        extra = _extra_fields(values, draft)
        title = values.get("intitule") or draft.title
        measures.append(
            Measure(
                id=ident,
                contrat=values.get("contrat") or contract,
                axe=values.get("axe") or draft.axis,
                intitule=_clean_title(title)[:2000],
                description=values.get("description", ""),
                porteur=values.get("porteur", ""),
                partenaires=values.get("partenaires", ""),
                public=values.get("public", ""),
                extra=extra,
                source=draft.source,
            )
        )
    return measures


def _unique_prefix(contract: str, used_prefixes: set[str]) -> str:
    """The id prefix of a contract (its initials), numbered when another document of the run
    already has it; it joins ``used_prefixes``."""
    prefix = base_prefix = contract_prefix(contract)
    n = 2
    while prefix in used_prefixes:
        prefix = f"{base_prefix}{n}"
        n += 1
    used_prefixes.add(prefix)
    return prefix


def _extra_fields(values: dict[str, str], draft: _Draft) -> dict[str, str]:
    """The fields of a measure beyond the standard ones (objective first, then the document's
    known fields, then the others by name); the known ones are taken out of ``values``."""
    extra: dict[str, str] = {}
    objective = values.pop("objectif", "") or draft.objective
    if objective:
        extra[DOCUMENT_FIELDS["objectif"]] = objective
    for name in EXTRA_FIELDS[1:]:
        value = values.pop(name, "")
        if value:
            extra[DOCUMENT_FIELDS[name]] = value
    standard = {"axe", "intitule", "description", "porteur", "partenaires", "public", "contrat"}
    for name, value in values.items():
        if name not in standard and value:
            extra[name] = value
    return extra


def _contract(doc: Document, extractor: _Extractor) -> str:
    """The contract name: the document's title (unless it is a template's, « Modèle fiche
    action », or says no more than « Contrat local de santé »), else its first heading, else the
    cover's line naming a contract (with the next line when it names nothing more: « CONTRAT
    LOCAL DE SANTÉ » / « Olonne-sur-Brède »), else the file stem."""
    title = _clean(doc.title.replace("\n", " "))
    if (
        title
        and not _GENERIC_TITLE.match(title)
        and not _TEMPLATE_TITLE.search(title)
        and contract_prefix(title) != "DOC"
    ):
        return title
    for block in doc.blocks[:60]:
        if block.kind != "heading" or block.level > 1:
            continue
        text = _clean(block.text.replace("\n", " "))
        if (
            text
            and not _GENERIC_TITLE.match(text)
            and not _CLOSING.match(text)
            and not _AXIS.match(text)
            and not _FICHE.match(text)
            and not _ACTION.match(text)
            and not _OBJECTIVE.match(text)
            and contract_prefix(text) != "DOC"
            and len(text) <= 150
        ):
            return text
    blocks = doc.blocks[:15]
    for index, block in enumerate(blocks):  # a cover in bold or large type, no heading style
        text = _clean(block.text.replace("\n", " "))
        if block.kind == "table" or len(text) > 150 or not _COVER.search(text):
            continue
        if _AXIS.match(text) or _marker(text):
            continue
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        if contract_prefix(text) == "DOC" and following is not None and following.kind != "table":
            more = _clean(following.text.replace("\n", " "))
            if more and len(more) <= 100 and not _marker(more) and not _AXIS.match(more):
                text = f"{text} {more}"
        return text
    return Path(doc.path).stem


__all__ = ["contract_prefix", "extract_measures"]
