"""Codebooks of QDA tools as grids: a REFI-QDA ``.qdc`` codebook, or the codebook of a ``.qdpx``
project, becomes a :class:`~cloterres.engine.grid.Grid`.

- Ids come from names (lower case ASCII, ``_``), labels are the names, descriptions become
  definitions.
- Hierarchy: each top-level code that has children is a theme (dimension) and its descendants
  its codes (a deeper code's label keeps its path below the theme, « Parent / Enfant »); the
  top-level codes without children go to one theme « Codes ».
- The grid has no rules (terms): it serves agreement and review as it is; automatic coding
  needs terms written into it (``cloterres grille importer``, then ``inclure``).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:  # pragma: no cover
    from lxml import etree

from cloterres.engine.grid import Grid, identifier
from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.io.files import atomic_path
from cloterres.io.qdpx.model import QdaCode
from cloterres.io.qdpx.reader import read_qdpx
from cloterres.io.qdpx.xmltools import kid, kids, parse_xml

CODEBOOK_SUFFIXES = (".qdc", ".qdpx")
MAX_CODEBOOK_BYTES = 20 * 1024 * 1024
FLAT_THEME = "Codes"
_SLUG = re.compile(r"[^a-z0-9]+")


def is_codebook(path: Path) -> bool:
    return Path(path).suffix.lower() in CODEBOOK_SUFFIXES


def read_codebook(path: Path) -> list[QdaCode]:
    """The codes of a ``.qdc`` codebook or of a ``.qdpx`` project's codebook, in order."""
    path = Path(path)
    if path.suffix.lower() == ".qdpx":
        return read_qdpx(path).codes
    label = str(path)
    if not path.is_file():
        raise InputError(f"{label} : livre de codes introuvable ; vérifiez le chemin")
    if path.stat().st_size > MAX_CODEBOOK_BYTES:
        raise InputError(f"{label} : livre de codes de plus de 20 Mo, refusé par prudence")
    root = parse_xml(path.read_bytes(), label)
    if not isinstance(root.tag, str) or not root.tag.endswith("CodeBook"):
        raise InputError(
            f"{label} : l'élément racine n'est pas <CodeBook> : ce n'est pas un livre de codes "
            "REFI-QDA ; exportez-le à nouveau (.qdc) depuis votre logiciel"
        )
    codes: list[QdaCode] = []

    def visit(el: etree._Element, parent: str | None) -> None:
        name = (el.get("name") or "").strip()
        if not name:
            raise InputError(f"{label} : un code sans nom ; nommez-le dans votre logiciel")
        path_ = name if parent is None else f"{parent}.{name}"
        description = kid(el, "Description")
        text = (description.text or "").strip() if description is not None else ""
        codes.append(QdaCode(path=path_, name=name, description=text, parent=parent))
        for child in kids(el, "Code"):
            visit(child, path_)

    for code in kids(kid(root, "Codes"), "Code"):
        visit(code, None)
    return codes


def grid_from_codebook(codes: list[QdaCode], path: Path) -> Grid:
    """A grid (themes -> codes) from a codebook; raises InputError when it has no code."""
    label = str(path)
    if not codes:
        raise InputError(
            f"{label} : le livre de codes ne contient aucun code ; rien à importer comme grille"
        )
    children: dict[str | None, list[QdaCode]] = {}
    for code in codes:
        children.setdefault(code.parent, []).append(code)

    def descendants(code: QdaCode, prefix: str) -> list[tuple[str, QdaCode]]:
        out = []
        for child in children.get(code.path, []):
            name = f"{prefix}{child.name}"
            out.append((name, child))
            out += descendants(child, f"{name} / ")
        return out

    dims: list[dict[str, object]] = []
    used_dims: set[str] = set()
    flat: list[QdaCode] = []
    for root in children.get(None, []):
        below = descendants(root, "")
        if not below:
            flat.append(root)
            continue
        used: set[str] = set()
        dims.append(
            {
                "id": identifier(root.name, used_dims, "theme"),
                "label": root.name,
                "definition": root.description,
                "categories": [
                    {"id": identifier(name, used), "label": name, "definition": code.description}
                    for name, code in below
                ],
            }
        )
    if flat:
        used = set()
        dims.append(
            {
                "id": identifier(FLAT_THEME, used_dims, "theme"),
                "label": FLAT_THEME,
                "categories": [
                    {"id": identifier(c.name, used), "label": c.name, "definition": c.description}
                    for c in flat
                ],
            }
        )
    stem = path.stem
    grid_id = _SLUG.sub("-", fold(stem)).strip("-") or "livre-de-codes"
    if not grid_id[0].isalpha():
        grid_id = f"livre-{grid_id}"
    return Grid.model_validate(
        {
            "id": grid_id,
            "version": "1",
            "nom": f"Livre de codes {path.name}",
            "description": f"Importée de {path.name} par cloterres grille importer.",
            "dimensions": dims,
        }
    )


def load_codebook_grid(path: Path) -> Grid:
    return grid_from_codebook(read_codebook(path), Path(path))


def write_grid_yaml(path: Path, grid: Grid) -> None:
    """The grid as a YAML file that ``load_grid`` reads back (atomic)."""
    data = grid.model_dump(exclude_defaults=True)
    for dim in data.get("dimensions", []):
        for cat in dim.get("categories", []):
            cat.setdefault("inclure", [])  # where the terms of automatic coding go
    header = (
        "# Grille importée d'un livre de codes REFI-QDA par « cloterres grille importer ».\n"
        "# Elle sert telle quelle à l'accord et à la revue ; pour le codage automatique,\n"
        "# écrivez des termes sous « inclure » (voir le README, « Writing or changing a grid »).\n"
    )
    text = header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    try:
        with atomic_path(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path} : écriture impossible ({exc.strerror or exc})") from None
