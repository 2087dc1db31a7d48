"""The model of a REFI-QDA project as cloterres reads and writes it: codes, text sources and
codings (offsets are Python ``str`` indices, end exclusive), and a project as loaded for a
lossless rewrite (:class:`LoadedProject`).

See :mod:`cloterres.io.qdpx` for the choices made where the standard is silent.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field

from lxml import etree

from cloterres.io.qdpx.offsets import tool_position

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"

#: Coder name of codings whose creating user is unknown.
UNKNOWN_CODER = "inconnu"

#: Name of the project note that maps code GUIDs to cloterres code paths.
CODE_KEYS_NOTE = "cloterres : identifiants des codes"

#: A source name written by cloterres: the interview id, an em dash, the file name.
ID_SEPARATOR = " — "


@dataclass(frozen=True)
class QdaCode:
    """A code of the codebook."""

    path: str  # "theme.code" or "theme" (a parent)
    name: str  # French label
    description: str = ""
    parent: str | None = None  # path of the parent code


@dataclass(frozen=True)
class QdaSource:
    """A transcript: ``text`` is exactly the coded text, offsets refer to it."""

    id: str  # interview id, e.g. "E01"
    name: str  # e.g. "E01-coordinatrice"
    text: str
    variables: dict[str, str] = field(default_factory=dict)  # case variables


@dataclass(frozen=True)
class QdaCoding:
    """A coded span: ``text[start:end]`` of the source (Python str indices, end exclusive)."""

    source_id: str
    start: int
    end: int
    code: str  # code path "theme.code"
    coder: str = "cloterres"


@dataclass(frozen=True)
class QdaProject:
    name: str
    codes: list[QdaCode]
    sources: list[QdaSource]
    codings: list[QdaCoding]
    # What a project read from a file holds besides (for warnings): sources that are not text,
    # as (type, name), and how many users, cases, notes and sets it has.
    skipped_sources: list[tuple[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def inventory(self) -> str:
        """What the project holds, in French, for messages."""
        kinds: dict[str, int] = {}
        for kind, _name in self.skipped_sources:
            kinds[kind] = kinds.get(kind, 0) + 1
        parts = [
            f"{len(self.sources)} source(s) texte",
            *(f"{n} {kind}" for kind, n in kinds.items()),
            f"{len(self.codes)} code(s)",
            f"{len(self.codings)} codage(s)",
            *(f"{n} {what}" for what, n in self.counts.items()),
        ]
        return ", ".join(parts)


@dataclass
class LoadedProject:
    """A project as read, with what a lossless rewrite needs: the ``.qde`` member, its parsed
    XML, every archive member in order (bytes as stored once decompressed) and the GUID of the
    source behind each source id."""

    project: QdaProject
    qde_name: str
    root: etree._Element
    members: list[tuple[zipfile.ZipInfo, bytes]]
    source_guids: dict[str, str]  # source id -> GUID as written in the project
    code_guids: dict[str, str]  # code path -> GUID as written in the project
    users: dict[str, str]  # user GUID (normalised) -> name
    # Source id -> (index, width) of the characters the project's tool does not count as one
    # (CRLF as one, LF as two, UTF-16 units), read from its selections; absent: the standard.
    widths: dict[str, list[tuple[int, int]]] = field(default_factory=dict)

    def position(self, source_id: str, index: int) -> int:
        """A str index as the project's tool counts it, for a selection added to the source."""
        return tool_position(self.widths.get(source_id, []), index)
