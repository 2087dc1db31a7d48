"""From a document's blocks to measures: axes, objectives, fiches actions, plan tables.

What counts as what:

- an **axis**: a heading that starts with « Axe », « Orientation » or « Priorité », or a
  paragraph « Axe 2 – … » with a number;
- an **objective**: the same with « Objectif » (« Objectif stratégique 1.2 : … »);
- a **measure**:
  - a heading or paragraph « Fiche action n° 2.3 : titre », « Fiche 4 », « Action 4 : titre »,
    « Mesure 3 – titre »;
  - a heading numbered « 2.3 titre », or any heading deeper than the current axis or objective
    heading (headed sections: Axe → Objectif → Action);
  - a two-column table « champ | valeur » (a fiche table), which fills the measure its heading
    opened or makes one of its own;
  - each row of a plan table: a table whose header row names an « Intitulé » (or « Action »,
    « Description »…) and at least one other field; a table on the next page with the same
    columns and no header continues it; a row that spans the whole table sets the axis (or the
    objective) of the rows under it.
- inside a measure, « Libellé : valeur » paragraphs, sub-headings named after a field, and the
  bullets or paragraphs under them fill its fields; other paragraphs go to the description.

Field labels are mapped by ``fields.field_of``; unknown labels stay as extra attributes.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from cloterres.errors import InputError
from cloterres.plans.blocks import BOLD_LEVEL, TITLE_LEVEL, Block, Document
from cloterres.plans.fields import (
    DOCUMENT_FIELDS,
    EXTRA_FIELDS,
    LIST_FIELDS,
    extra_label,
    field_of,
    split_label,
)
from cloterres.plans.report import DocumentReport
from cloterres.units import Measure, SourceRef

# Possessive spaces: adjacent optional parts never share a run of spaces (linear time).
_SEP = r"\s*+(?:[:.–—)-]\s*+)?"
_NUM = r"(?!(?:19|20)\d\d\b)(?P<num>(?:\d+|[IVXL]+|[A-Z])(?:[.\-/]\d+)*[a-z]?(?:\s?bis|\s?ter)?)(?!\w)\.?"
_AXIS = re.compile(
    r"^\s*+(?:axe|orientation|priorit[ée])s?(?:\s++(?:strat[ée]gique|prioritaire|th[ée]matique|transversale?))?"
    rf"(?:\s*+(?:(?:n\s?°|no\.?|num[ée]ro)\s*+)?{_NUM})?{_SEP}(?P<title>.*)$",
    re.I,
)
_OBJECTIVE = re.compile(
    r"^\s*+(?:objectif|obj\.)s?(?:\s++(?:strat[ée]gique|g[ée]n[ée]ral|op[ée]rationnel|sp[ée]cifique)s?)?"
    rf"(?:\s*+(?:(?:n\s?°|no\.?|num[ée]ro)\s*+)?{_NUM})?{_SEP}(?P<title>.*)$",
    re.I,
)
_FICHE = re.compile(
    r"^\s*+fiches?(?:[\s-]++actions?)?(?:\s*+(?:n\s?°|no\.?|n\.|num[ée]ro|#))?\s*+"
    rf"{_NUM}{_SEP}(?P<title>.*)$",
    re.I,
)
_ACTION = re.compile(
    r"^\s*+(?:action|mesure)s?(?:\s*+(?:n\s?°|no\.?|num[ée]ro|#))?\s*+"
    rf"(?!(?:19|20)\d\d\b)(?P<num>\d+(?:[.\-]\d+)*[a-z]?(?:\s?bis|\s?ter)?)(?!\w)\.?{_SEP}(?P<title>.*)$",
    re.I,
)
_NUMBERED = re.compile(r"^\s*+(?P<num>\d++(?:\.\d++)*+)[.)]?\s++(?P<title>\S.*)$")
_CLOSING = re.compile(
    r"^\s*(?:annexes?|glossaire|sigles|lexique|sommaire|table des mati[èe]res|signataires|"
    r"signatures|bibliographie|liste des|abr[ée]viations)\b",
    re.I,
)
_GENERIC_TITLE = re.compile(
    r"^\s*(?:sommaire|table des mati[èe]res|pr[ée]ambule|introduction|plan d.actions?|"
    r"fiches? actions?|contexte)\s*$",
    re.I,
)
_BULLET = re.compile(r"^\s*+(?:[-*•·▪◦●■–]|\d{1,2}[.)])\s+")


def _is_toc_line(text: str) -> bool:
    """A table-of-contents line: a leader (``....``, ``……``, ``____`` or a tab) and a page
    number of at most four digits at the end. Read from the end, in linear time."""
    line = text.rstrip()
    end = len(line)
    digits = end
    while digits > 0 and line[digits - 1].isdecimal():
        digits -= 1
    if not 1 <= end - digits <= 4:
        return False
    spaces = digits
    while spaces > 0 and line[spaces - 1].isspace():
        spaces -= 1
    if "\t" in line[spaces:digits]:
        return True
    before = line[:spaces]
    return before.endswith(("....", "……", "____"))


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
    return re.sub(r"[ \t\xa0]+", " ", text).strip()


def _clean_title(text: str) -> str:
    text = _clean(text).strip(" :–—-")
    if len(text) >= 2 and text[0] in '«"“' and text[-1] in '»"”':
        text = text[1:-1].strip()
    return text


def _number(raw: str) -> str:
    return re.sub(r"\s+", " ", raw).strip().rstrip(".")


def _list_value(parts: list[str]) -> str:
    """Names from bullets, lines or ; lists, joined with ", "."""
    names: list[str] = []
    for part in parts:
        for line in re.split(r"\n|;\s", part):
            line = _BULLET.sub("", line).strip().rstrip(";,.").strip()
            if line and line not in names:
                names.append(line)
    return ", ".join(names)


def _text_value(parts: list[str]) -> str:
    return "\n".join(_clean(p) for p in parts if p.strip())


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
        self.since_table: list[Block] = []  # blocks read since the last table
        self.outside = 0
        self.toc = 0
        self.headings: list[str] = []

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
        for block in self.doc.blocks:
            is_table = block.kind == "table"
            if is_table:
                self.table(block)
                self.since_table = []
            elif block.level == -1 or _is_toc_line(block.text):
                self.toc += 1
            elif block.kind == "heading":
                self.heading(block)
            else:
                self.paragraph(block)
            self.previous_was_table = is_table
            if not is_table:
                self.since_table.append(block)
        self.close()
        if self.toc:
            self.report.remarques.append(
                f"{self.toc} ligne(s) de sommaire ignorée(s) (titres suivis d'un numéro de page)"
            )
        if self.outside:
            self.report.remarques.append(
                f"{self.outside} paragraphe(s) hors des fiches (introduction, contexte…) non lus "
                f"comme des mesures"
            )
        return self.drafts

    def heading(self, block: Block) -> None:
        text = _clean(block.text)
        level = block.level
        if level != TITLE_LEVEL and len(self.headings) < 50:
            self.headings.append(text)
        draft = self.draft
        inside = draft is not None and (
            (draft.level is not None and level > draft.level)
            or (draft.level is None and level == BOLD_LEVEL)
        )
        name = field_of(text) if len(text) <= 60 else None
        if name and (_FICHE.match(text) or _ACTION.match(text) or _numbered_structure(text)):
            name = None
        if inside and name:
            self.open_field(name, text, "")
            return
        if inside and split_label(text):
            self.labelled(block, *split_label(text))  # type: ignore[misc]
            return
        if _FICHE.match(text) or _ACTION.match(text):
            m = _FICHE.match(text) or _ACTION.match(text)
            assert m is not None
            self.open(block, m.group("num"), m.group("title"), level)
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
        draft = self.draft
        if block.kind == "paragraph":
            m = _FICHE.match(text) or _ACTION.match(text)
            if m and len(text) <= MAX_TITLE and split_label(text) is None:
                self.open(block, m.group("num"), m.group("title"), None)
                return
            for pattern, setter, attr in (
                (_AXIS, self.set_axis, "axis"),
                (_OBJECTIVE, self.set_objective, "objective"),
            ):
                m = pattern.match(text)
                if m and m.group("num") and len(text) <= MAX_TITLE:
                    if draft is not None and not draft.has_content:
                        setattr(draft, attr, text)
                        if attr == "axis":
                            draft.axis_number = _axis_number(text)
                        setter(text, None)
                        return
                    self.close()
                    setter(text, None)
                    return
        labelled = split_label(text)
        if labelled is not None and (draft is not None or labelled[0] in ("intitule", "axe")):
            self.labelled(block, *labelled)
            return
        if draft is None:
            self.outside += 1
            return
        if (
            not draft.title
            and not draft.values
            and block.kind == "paragraph"
            and len(text) <= MAX_TITLE
        ):
            draft.title = _clean_title(text)
            return
        target = draft.open_field
        if block.kind == "item":
            target = target or "description"
        elif not (
            target
            and (draft.open_empty or target == "description" or target not in DOCUMENT_FIELDS)
        ):
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
            self.plan_rows(block, rows, 0 if header is None else header[0] + 1)
            return
        if header is not None:
            index, mapping = header
            self.close()
            self.plan = mapping
            self.plan_width = width
            self.plan_header = rows[index]
            self.plan_axis, self.plan_objective = self.axis, self.objective
            self.plan_page = block.page
            self.plan_rows(block, rows, index + 1)
            return
        self.plan = None
        if self.fiche_table(block, rows):
            return
        where = self.where(block)
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
            labelled = [n for n in mapping.values() if not n.startswith("extra:")]
            if (
                len(labelled) >= 2
                and ({"intitule", "description"} & set(labelled))
                and len(labelled) >= 0.75 * non_empty
            ):
                return index, mapping
        return None

    def plan_rows(self, block: Block, rows: list[tuple[str, ...]], start: int) -> None:
        mapping = self.plan or {}
        for offset, row in enumerate(rows[start:], start=start):
            number = block.first_row + offset
            if row == self.plan_header:
                continue
            first = _clean(row[0]) if row else ""
            rest = [_clean(c) for c in row[1:]]
            if len(row) > 1 and first and all(not c or c == first for c in rest):
                text = first.replace("\n", " ")
                objective = _OBJECTIVE.match(text)
                if objective and objective.group("num"):
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
            draft = _Draft(
                number=_number(" ".join(values.pop("id", []))),
                title=_clean_title(title.replace("\n", " ")),
                axis=_clean(axis.replace("\n", " ")),
                objective=_clean(objective.replace("\n", " ")),
                source=self.ref(block, number),
                values=values,
                from_table=True,
                title_from_field=bool(title),
                axis_number=_axis_number(axis),
            )
            self.drafts.append(draft)

    def fiche_table(self, block: Block, rows: list[tuple[str, ...]]) -> bool:
        pairs: list[tuple[str, str, str]] = []
        singles: list[str] = []
        for row in rows:
            cells: list[str] = []
            for cell in row:
                if not cells or cell != cells[-1]:
                    cells.append(cell)
            if pairs and not cells[0].strip() and any(c.strip() for c in cells[1:]):
                name, label, value = pairs[-1]  # the value goes on in the next row
                more = "\n".join(c for c in cells[1:] if c.strip())
                pairs[-1] = (name, label, f"{value}\n{more}")
                continue
            cells = [c for c in cells if c.strip()]
            if len(cells) == 1:
                single = _clean(cells[0].replace("\n", " "))
                if _FICHE.match(single) or _ACTION.match(single) or not field_of(single):
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
        if len(known) < 2:
            return False
        draft = self.draft
        marker = None
        for text in singles:
            m = _FICHE.match(text) or _ACTION.match(text)
            if m and marker is None:
                marker = m
        if draft is None or draft.from_table or draft.has_content or marker is not None:
            if marker is not None:
                draft = self.open(block, marker.group("num"), marker.group("title"), None)
            else:
                draft = self.open(block, "", "", None)
        draft.from_table = True
        for text in singles:
            if _FICHE.match(text) or _ACTION.match(text):
                continue
            if _AXIS.match(text) and (_AXIS.match(text).group("num") or not draft.axis):  # type: ignore[union-attr]
                draft.axis = text
                draft.axis_number = _axis_number(text)
            elif _OBJECTIVE.match(text) and _OBJECTIVE.match(text).group("num"):  # type: ignore[union-attr]
                draft.objective = text
            elif not draft.title:
                draft.title = _clean_title(text)
        for name, label, value in pairs:
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
        self.close()
        return True


def _measure_values(draft: _Draft) -> dict[str, str]:
    values: dict[str, str] = {}
    for name, parts in draft.values.items():
        if name in LIST_FIELDS:
            values[name] = _list_value(parts)
        elif name in ("axe", "objectif", "intitule", "contrat"):
            values[name] = _clean(" ".join(p.replace("\n", " ") for p in parts))
        else:
            values[name] = _text_value(parts)
    return values


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


def extract_measures(
    doc: Document, report: DocumentReport, used_prefixes: set[str] | None = None
) -> list[Measure]:
    """The measures of one document; raise InputError when none is recognised.

    Ids are the document's own numbers prefixed with the initials of the contract (« VA-2.3 »),
    the prefix made unique among ``used_prefixes`` (which it joins)."""
    extractor = _Extractor(doc, report)
    drafts = [d for d in extractor.run() if d.title or d.values]
    report.remarques[:0] = doc.notes
    kept: list[_Draft] = []
    by_number: dict[str, _Draft] = {}
    qualify: set[str] = set()
    for draft in drafts:
        first = by_number.get(draft.number) if draft.number else None
        if first is None:
            if draft.number:
                by_number[draft.number] = draft
            kept.append(draft)
            continue
        if not first.has_content or not draft.has_content:
            _merge(first, draft)
            report.remarques.append(
                f"mesure n° {draft.number} présente deux fois ({first.source.describe()} et "
                f"{draft.source.describe()}), sans doute un sommaire : fusionnée"
            )
            continue
        if first.axis_number != draft.axis_number:
            qualify.add(draft.number)  # numbering restarts at each axis
        kept.append(draft)
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
    used_prefixes = used_prefixes if used_prefixes is not None else set()
    prefix = base_prefix = contract_prefix(contract)
    n = 2
    while prefix in used_prefixes:
        prefix = f"{base_prefix}{n}"
        n += 1
    used_prefixes.add(prefix)
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


def _contract(doc: Document, extractor: _Extractor) -> str:
    """The contract name: the document's title, else its first heading, else the file stem."""
    if doc.title.strip() and not _GENERIC_TITLE.match(doc.title):
        return _clean(doc.title)
    for block in doc.blocks[:60]:
        if block.kind != "heading" or block.level > 1:
            continue
        text = _clean(block.text)
        if (
            text
            and not _GENERIC_TITLE.match(text)
            and not _AXIS.match(text)
            and not _FICHE.match(text)
            and not _ACTION.match(text)
            and not _OBJECTIVE.match(text)
            and len(text) <= 150
        ):
            return text
    return Path(doc.path).stem


__all__ = ["contract_prefix", "extract_measures"]
