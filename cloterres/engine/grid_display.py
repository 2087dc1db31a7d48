"""A grid as readable French text (``cloterres grille afficher``)."""

from __future__ import annotations

import textwrap
from typing import cast

from cloterres.engine.grid import Grid, summarize_term
from cloterres.engine.learned.layer import LearnedLayer, layer_for
from cloterres.errors import InputError


def measured_text(layer: LearnedLayer | None, dim_id: str, cat_id: str) -> str:
    """« précision 0,82 ; rappel 0,64 (sur 31) » measured on the real-sourced test split, or ""."""
    if layer is None:
        return ""
    # ``measured["categories"]`` maps "dim.cat" to its figures, one level deeper than
    # LearnedLayer.measured's annotation says.
    categories = cast(dict[str, dict[str, float]], layer.measured.get("categories", {}))
    m = categories.get(f"{dim_id}.{cat_id}")
    if not m:
        return ""
    if not m["support"] and not m["given"]:
        return "non mesurée (absente du jeu de test)"
    precision = f"{m['precision']:.2f}".replace(".", ",") if m["given"] else "—"
    recall = f"{m['recall']:.2f}".replace(".", ",") if m["support"] else "—"
    given, support = m["given"], m["support"]
    return (
        f"précision {precision} (sur {given} étiquette{'s' if given > 1 else ''} "
        f"donnée{'s' if given > 1 else ''}), rappel {recall} (sur {support} "
        f"attendue{'s' if support > 1 else ''})"
    )


def expected_reliability(
    layer: LearnedLayer | None, dim_id: str, cat_id: str
) -> tuple[float | None, float | None]:
    """A category's precision and recall measured on the real test split (None when it was not
    measured: no layer, or the category never given / never expected in the test split)."""
    if layer is None:
        return None, None
    categories = cast(dict[str, dict[str, float]], layer.measured.get("categories", {}))
    m = categories.get(f"{dim_id}.{cat_id}")
    if not m:
        return None, None
    precision = float(m["precision"]) if m["given"] else None
    recall = float(m["recall"]) if m["support"] else None
    return precision, recall


def reliability_note(layer: LearnedLayer | None) -> str:
    """What the « Précision attendue » and « Rappel attendu » columns mean (French), or ""."""
    if layer is None or not layer.measured:
        return ""
    n_test = layer.measured.get("n_test", 0)
    return (
        f"Précision attendue : part des étiquettes données par l'outil qui sont justes ; rappel "
        f"attendu : part des étiquettes attendues que l'outil donne. Mesurés sur le jeu de test "
        f"réel ({n_test} éléments tirés de documents publics, codés deux fois à l'aveugle puis "
        f"arbitrés, jamais utilisés pour écrire les règles ni entraîner le modèle) ; vide : "
        f"catégorie absente du jeu de test."
    )


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
    layer = layer_for(grid.id)
    if layer is not None and layer.measured:
        n_test = layer.measured.get("n_test", 0)
        threshold = f"{layer.review_threshold:.1f}".replace(".", ",")
        lines.append(
            _wrap(
                f"Fiabilité mesurée sur le jeu de test réel ({n_test} éléments tirés de documents "
                f"publics, codés deux fois à l'aveugle puis arbitrés ; jamais utilisés pour écrire "
                f"les règles ni entraîner le modèle) : voir « Fiabilité » sous chaque catégorie. "
                f"Les étiquettes de confiance inférieure à {threshold} et celles données par "
                f"défaut sont marquées « à vérifier ».",
                "",
            )
        )
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
            reliability = measured_text(layer, dim.id, cat.id)
            if reliability:
                lines.append(_wrap("Fiabilité : " + reliability, "      "))
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
