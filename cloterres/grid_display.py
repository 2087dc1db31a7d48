"""A grid as readable French text (``cloterres grille afficher``)."""

from __future__ import annotations

import textwrap

from cloterres.errors import InputError
from cloterres.grid import Grid, summarize_term


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(
        " ".join(text.split()), width=100, initial_indent=indent, subsequent_indent=indent
    )


def render_grid(grid: Grid, dimension: str | None = None) -> str:
    dims = grid.dimensions
    if dimension is not None:
        dims = [d for d in grid.dimensions if d.id == dimension]
        if not dims:
            known = ", ".join(d.id for d in grid.dimensions)
            raise InputError(f"dimension inconnue « {dimension} » (dimensions : {known})")
    lines = [f"{grid.nom} ({grid.id}, version {grid.version})"]
    if grid.description:
        lines.append(_wrap(grid.description, ""))
    context = (
        f" ; contexte (départage) : {', '.join(grid.champs_contexte)}"
        if grid.champs_contexte
        else ""
    )
    lines.append(f"Champs codés : {', '.join(grid.champs_texte)}{context}")
    for dim in dims:
        rules = ["plusieurs catégories" if dim.multiple else "une seule catégorie"]
        if dim.min:
            rules.append("au moins une")
        if dim.defaut:
            rules.append(f"par défaut : {dim.defaut}")
        if dim.contexte:
            rules.append("l'axe départage")
        lines += ["", f"{dim.id} — {dim.label}  [{' ; '.join(rules)}]"]
        if dim.definition:
            lines.append(_wrap(dim.definition, "  "))
        for cat in dim.categories:
            lines.append(f"  • {cat.id} — {cat.label}")
            if cat.definition:
                lines.append(_wrap(cat.definition, "      "))
            if cat.inclure:
                lines.append(
                    _wrap("Termes : " + ", ".join(summarize_term(t) for t in cat.inclure), "      ")
                )
            if cat.exclure:
                lines.append(
                    _wrap(
                        "Sauf si : " + ", ".join(summarize_term(t) for t in cat.exclure), "      "
                    )
                )
            if cat.exclure_si:
                lines.append(_wrap("Exclue si : " + ", ".join(cat.exclure_si), "      "))
            if cat.implique:
                lines.append(_wrap("Ajoute aussi : " + ", ".join(cat.implique), "      "))
    if dimension is None and grid.derives:
        lines += ["", "Attributs dérivés"]
        for der in grid.derives:
            lines.append(f"  • {der.id} — {der.label} ({der.type})")
    return "\n".join(lines)
