"""REFI-QDA (QDA-XML 1.0) exchange: ``.qdpx`` projects and ``.qdc`` codebooks.

A ``.qdpx`` file is a ZIP archive holding ``project.qde`` (XML in the namespace
``urn:QDA-XML:project:1.0``, see ``shared/refi-qda/Project.xsd``) and a ``sources/`` folder with
the plain text of each transcript. NVivo, MAXQDA, ATLAS.ti and QualCoder read and write it.

Choices made where the standard is silent or where tools disagree:

- Positions (``startPosition`` / ``endPosition``) are counted in Unicode code points of the source
  text exactly as stored in ``sources/<guid>.txt``, i.e. Python ``str`` indices (end exclusive).
- QDA-XML 1.0 has no identifier for a code besides its GUID, so the code paths of cloterres
  ("theme.code") are kept in one project note (``Notes/Note`` named :data:`CODE_KEYS_NOTE`,
  "guid<TAB>path" per line); the reader uses it when present and otherwise builds the path from
  the chain of code names joined by ".".
- Each source gets one case named after the interview id, holding its variables (all of type
  ``Text``); the reader takes the source id from the case that references only this source.
- On import, the offsets of other tools are checked against the text: tools disagree on whether
  a CRLF line break counts as one or two characters (and NVivo counts characters outside the BMP
  as two UTF-16 units). Every reading that keeps all selections inside the text is scored (the
  selection name, when it repeats the coded text, then word boundaries); the raw code-point
  reading of the standard wins ties. A project last written by cloterres (its code-keys note is
  by the user named in ``Project@origin``) is read as written, without any guessing.
- Empty codings (start == end) code nothing and are not exported.

The package: :mod:`.model` (what a project holds), :mod:`.writer` (export), :mod:`.reader`
(import), :mod:`.offsets` (positions counted by other tools), :mod:`.merge` (lossless merge of
the machine's codings into another tool's project), :mod:`.xmltools` (safe XML, GUIDs) and
:mod:`.zipguard` (bounded reads from the archive).
"""

from cloterres.io.qdpx.merge import PARENT_CODE, MergeReport, merge_qdpx
from cloterres.io.qdpx.model import (
    CODE_KEYS_NOTE,
    CODEBOOK_NS,
    ID_SEPARATOR,
    PROJECT_NS,
    UNKNOWN_CODER,
    LoadedProject,
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSource,
)
from cloterres.io.qdpx.reader import TextId, load_qdpx, read_qdpx
from cloterres.io.qdpx.writer import write_qdc, write_qdpx
from cloterres.io.qdpx.xmltools import validate

__all__ = [
    "CODEBOOK_NS",
    "CODE_KEYS_NOTE",
    "ID_SEPARATOR",
    "PARENT_CODE",
    "PROJECT_NS",
    "UNKNOWN_CODER",
    "LoadedProject",
    "MergeReport",
    "QdaCode",
    "QdaCoding",
    "QdaProject",
    "QdaSource",
    "TextId",
    "load_qdpx",
    "merge_qdpx",
    "read_qdpx",
    "validate",
    "write_qdc",
    "write_qdpx",
]
