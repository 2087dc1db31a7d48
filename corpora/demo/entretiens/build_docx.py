"""Rebuild the three .docx interviews of the demo corpus from their text sources.

Usage (needs python-docx):

    python corpora/demo/entretiens/build_docx.py

Source format (``sources/*.txt``, UTF-8):

- one line gives one Word paragraph; an empty line gives an empty paragraph;
- a line that starts with ``**Label :**`` becomes a paragraph whose first run is
  ``Label :`` in bold, followed by the rest of the line in a normal run
  (used by E03 for the speaker names);
- every other line is written as plain text (E05 and E08 use plain
  ``I1 :`` / ``R :`` and ``Claire Martin :`` / ``Paul Giraud :`` labels).

The output is deterministic except for the zip timestamps that python-docx
writes, so a rebuilt file can differ byte-wise but not in content.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
SOURCES = HERE / "sources"

# source file -> (output file, document title)
TARGETS = {
    "E03-ars.txt": ("E03-ars.docx", "Entretien E03 - ARS, délégation départementale"),
    "E05-hopital.txt": ("E05-hopital.docx", "Entretien E05 - centre hospitalier"),
    "E08-mutuelle.txt": ("E08-mutuelle.docx", "Entretien E08 - mutuelle"),
}

BOLD_LABEL = re.compile(r"^\*\*(?P<label>[^*]+?)\*\*(?P<rest>.*)$")


def build(source: Path, target: Path, title: str) -> int:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    props = doc.core_properties
    props.author = "cloterres team"
    props.title = title
    props.comments = "Fictional interview written for the cloterres demo corpus."
    props.created = dt.datetime(2025, 6, 1, 12, 0, 0)
    props.modified = dt.datetime(2025, 6, 1, 12, 0, 0)
    props.last_modified_by = "cloterres team"
    props.revision = 1

    count = 0
    for line in source.read_text(encoding="utf-8").splitlines():
        line = line.rstrip()
        para = doc.add_paragraph()
        count += 1
        if not line:
            continue
        match = BOLD_LABEL.match(line)
        if match:
            para.add_run(match.group("label")).bold = True
            para.add_run(match.group("rest"))
        else:
            para.add_run(line)
    doc.save(target)
    return count


def main() -> None:
    for src_name, (out_name, title) in TARGETS.items():
        n = build(SOURCES / src_name, HERE / out_name, title)
        print(f"{out_name}: {n} paragraphs")


if __name__ == "__main__":
    main()
