"""Read actor tables, tie tables and roster survey workbooks (CSV or XLSX).

Headers are recognised case- and accent-insensitively under their usual French names (English
ones too). Every error names the file, the sheet and the line, and says what to do.

- Actor table: ``id``, ``nom``, the grouping attribute (``milieu`` by default) and any other
  attribute; optional ``alias`` (``;``-separated other names) and ``entretien`` (the id of the
  interview this actor gave).
- Tie table: ``source``, ``cible``, ``type`` (echange_information, conseil, collaboration,
  connaissance...), optional ``poids``. One row per reported tie.
- Roster survey, wide form: one row per respondent (first recognised column ``repondant``), one
  column per listed actor and tie type, headed ``type | acteur`` (or only ``acteur`` on a sheet
  named after the tie type). A cell with ``x``, ``oui`` or a positive number is a tie (the number
  is its weight); empty, ``0``, ``non`` is no tie.
"""

from __future__ import annotations

import re
from pathlib import Path

from cloterres.engine.nlp import fold
from cloterres.errors import InputError
from cloterres.io.tables import normalize_header
from cloterres.network.comention import co_mention_ties, read_units
from cloterres.network.model import Actor, ReadWarning, Tie, TieRead
from cloterres.network.tables import Sheet, cell, read_sheets

_ACTOR_FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "identifiant", "code", "ref", "reference", "numero", "n", "id acteur",
           "code acteur", "identifiant acteur"),
    "nom": ("nom", "name", "acteur", "structure", "organisation", "libelle", "nom de l acteur",
            "nom acteur", "intitule", "denomination"),
    "alias": ("alias", "aliases", "variantes", "autres noms", "synonymes", "sigle", "sigles"),
    "entretien": ("entretien", "id entretien", "interview", "entretien id", "code entretien"),
}  # fmt: skip
_TIE_FIELDS: dict[str, tuple[str, ...]] = {
    "source": ("source", "de", "origine", "emetteur", "ego", "repondant", "acteur source",
               "id source", "from", "declarant"),
    "cible": ("cible", "target", "vers", "destinataire", "alter", "acteur cible", "id cible",
              "to", "partenaire"),
    "type": ("type", "type de lien", "type lien", "relation", "lien", "nature", "nature du lien",
             "tie type"),
    "poids": ("poids", "weight", "valeur", "intensite", "frequence", "force"),
}  # fmt: skip
_RESPONDENT = ("repondant", "respondent", "id", "identifiant", "acteur", "ego", "code", "nom")
_UNIT_TEXT = ("texte", "text", "verbatim", "enonce", "extrait", "citation", "contenu", "segment")

_YES = {"x", "oui", "o", "yes", "y", "vrai", "true", "1"}
_NO = {"", "0", "non", "n", "no", "faux", "false", "-"}
_SLUG = re.compile(r"[^a-z0-9]+")
DEFAULT_TIE_TYPE = "lien"


def type_id(text: str) -> str:
    """A tie type as an ascii snake_case id: « Échange d'information » -> echange_d_information."""
    return _SLUG.sub("_", fold(text.strip())).strip("_")


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    return {alias: name for name, names in aliases.items() for alias in names}


_ACTOR_HEADER = _lookup(_ACTOR_FIELDS)
_TIE_HEADER = _lookup(_TIE_FIELDS)


def _map(headers: list[str], lookup: dict[str, str]) -> dict[str, int]:
    """Standard field -> column index (first matching column wins)."""
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = lookup.get(normalize_header(header)) if header else None
        if name and name not in found:
            found[name] = index
    return found


# --- actors ----------------------------------------------------------------------------------


def read_actors(path: Path) -> list[Actor]:
    """The actor table: one actor per row, unique ids."""
    sheet = read_sheets(path)[0]
    columns = _map(sheet.headers, _ACTOR_HEADER)
    if "id" not in columns and "nom" not in columns:
        raise InputError(
            f"{sheet.where(sheet.header_line)} : colonne « id » manquante (colonnes trouvées : "
            f"{', '.join(h for h in sheet.headers if h)[:200]}) ; le tableau des acteurs doit "
            f"avoir une colonne « id » (ou « nom »)"
        )
    special = set(columns.values())
    attribute_columns = [
        (i, h.strip()) for i, h in enumerate(sheet.headers) if h.strip() and i not in special
    ]
    actors: list[Actor] = []
    seen: dict[str, int] = {}
    for line, texts in sheet.rows:
        actor_id = cell(texts, columns.get("id")) or cell(texts, columns.get("nom"))
        if not actor_id:
            raise InputError(
                f"{sheet.where(line)} : acteur sans identifiant ; remplissez la colonne « id »"
            )
        if actor_id in seen:
            raise InputError(
                f"{sheet.where(line)} : identifiant « {actor_id} » en double (déjà ligne "
                f"{seen[actor_id]}) ; chaque acteur doit avoir un identifiant unique"
            )
        seen[actor_id] = line
        aliases = tuple(a.strip() for a in cell(texts, columns.get("alias")).split(";"))
        actors.append(
            Actor(
                id=actor_id,
                nom=cell(texts, columns.get("nom")) or actor_id,
                attributs={h: cell(texts, i) for i, h in attribute_columns},
                alias=tuple(a for a in aliases if a),
                entretien=cell(texts, columns.get("entretien")),
                source=sheet.ref(line),
            )
        )
    if not actors:
        raise InputError(f"{sheet.where()} : aucun acteur ; ajoutez une ligne par acteur")
    return actors


def attribute_values(
    actors: list[Actor], attribute: str, path: Path
) -> tuple[list[str], list[ReadWarning]]:
    """Each actor's value of the grouping attribute (``milieu``); the column must exist."""
    wanted = normalize_header(attribute)
    warnings: list[ReadWarning] = []
    header = next((h for h in actors[0].attributs if normalize_header(h) == wanted), None)
    if header is None:
        known = ", ".join(actors[0].attributs) or "aucune"
        raise InputError(
            f"{path} : colonne « {attribute} » manquante (attributs trouvés : {known}) ; "
            f"ajoutez-la ou choisissez un autre attribut avec --attribut"
        )
    values: list[str] = []
    for actor in actors:
        value = actor.attributs.get(header, "").strip()
        if not value:
            value = "(non renseigné)"
            warnings.append(
                ReadWarning(
                    source=actor.source,
                    message=f"acteur « {actor.id} » sans valeur pour « {attribute} » : "
                    f"classé « (non renseigné) »",
                )
            )
        values.append(value)
    return values, warnings


class ActorIndex:
    """Find an actor by id, then by name or alias (case- and accent-insensitive)."""

    def __init__(self, actors: list[Actor]) -> None:
        self.ids = {a.id: a.id for a in actors}
        self.names: dict[str, str | None] = {}
        for actor in actors:
            for name in (actor.nom, *actor.alias):
                key = _key(name)
                if key in self.names and self.names[key] != actor.id:
                    self.names[key] = None  # ambiguous: ids only
                else:
                    self.names[key] = actor.id

    def find(self, text: str) -> str | None:
        if text in self.ids:
            return text
        return self.names.get(_key(text)) or self.ids.get(text.strip())


def _key(text: str) -> str:
    return " ".join(_SLUG.sub(" ", fold(text)).split())


# --- tie tables --------------------------------------------------------------------------------


def _weight(text: str, where: str) -> float:
    folded = fold(text.strip())
    if folded in _NO:
        return 0.0
    if folded in _YES:
        return 1.0
    try:
        value = float(folded.replace(",", ".").replace(" ", ""))
    except ValueError:
        raise InputError(
            f"{where} : valeur « {text} » illisible ; mettez x / oui (lien), un nombre positif "
            f"(poids du lien) ou laissez vide"
        ) from None
    if value < 0 or value != value:
        raise InputError(f"{where} : poids négatif ou invalide « {text} » ; mettez un nombre ≥ 0")
    return value


def _unknown_actor(where: str, column: str, name: str) -> InputError:
    return InputError(
        f"{where} : acteur inconnu « {name} » (colonne {column}) ; ajoutez-le au tableau des "
        f"acteurs ou corrigez son identifiant"
    )


def read_tie_table(sheet: Sheet, index: ActorIndex, result: TieRead) -> None:
    columns = _map(sheet.headers, _TIE_HEADER)
    for needed in ("source", "cible"):
        if needed not in columns:
            raise InputError(
                f"{sheet.where(sheet.header_line)} : colonne « {needed} » manquante ; un tableau "
                f"de liens a les colonnes source, cible, type et éventuellement poids"
            )
    for line, texts in sheet.rows:
        where = sheet.where(line)
        ends: list[str] = []
        for column in ("source", "cible"):
            name = cell(texts, columns[column])
            if not name:
                raise InputError(f"{where} : colonne « {column} » vide ; indiquez un acteur")
            actor = index.find(name)
            if actor is None:
                raise _unknown_actor(where, column, name)
            ends.append(actor)
        raw_type = cell(texts, columns.get("type")) if "type" in columns else DEFAULT_TIE_TYPE
        tie_type = type_id(raw_type)
        if not tie_type:
            raise InputError(f"{where} : type de lien vide ; indiquez par exemple collaboration")
        weight = 1.0
        if "poids" in columns and cell(texts, columns["poids"]):
            weight = _weight(cell(texts, columns["poids"]), where)
        if weight == 0:
            continue
        if ends[0] == ends[1]:
            result.warnings.append(
                ReadWarning(
                    source=sheet.ref(line), message=f"lien de « {ends[0]} » vers lui-même ignoré"
                )
            )
            continue
        result.ties.append(
            Tie(
                source=ends[0],
                cible=ends[1],
                type=tie_type,
                libelle=raw_type.strip(),
                poids=weight,
                origine=sheet.ref(line),
            )
        )


# --- roster surveys ----------------------------------------------------------------------------


def _respondent_column(headers: list[str]) -> int | None:
    for index, header in enumerate(headers):
        if normalize_header(header) in _RESPONDENT:
            return index
    return None


def read_roster(sheet: Sheet, index: ActorIndex, result: TieRead) -> bool:
    """A wide roster sheet; False when the sheet is not one (an instructions sheet)."""
    respondent_col = _respondent_column(sheet.headers)
    if respondent_col is None:
        return False
    targets: dict[int, tuple[str, str, str]] = {}  # column -> (tie type, as written, actor id)
    for col, header in enumerate(sheet.headers):
        if col == respondent_col or not header.strip():
            continue
        if "|" in header:
            raw_type, name = (part.strip() for part in header.split("|", 1))
        elif sheet.feuille:
            raw_type, name = sheet.feuille, header.strip()
        else:
            raise InputError(
                f"{sheet.where(sheet.header_line)} : en-tête « {header} » sans type de lien ; "
                f"écrivez « type | acteur » (par exemple « collaboration | {header} »)"
            )
        actor = index.find(name)
        if actor is None:
            raise InputError(
                f"{sheet.where(sheet.header_line)} : acteur inconnu « {name} » dans l'en-tête "
                f"« {header} » ; ajoutez-le au tableau des acteurs ou corrigez l'en-tête"
            )
        targets[col] = (type_id(raw_type), raw_type.strip(), actor)
    for line, texts in sheet.rows:
        name = cell(texts, respondent_col)
        if not name:
            continue
        respondent = index.find(name)
        if respondent is None:
            raise _unknown_actor(sheet.where(line), "répondant", name)
        result.respondents.add(respondent)
        for col, (tie_type, written, actor) in targets.items():
            value = cell(texts, col)
            if not value:
                continue
            weight = _weight(value, f"{sheet.where(line)}, colonne « {sheet.headers[col]} »")
            if weight == 0 or actor == respondent:
                continue
            result.ties.append(
                Tie(source=respondent, cible=actor, type=tie_type, libelle=written, poids=weight,
                    origine=sheet.ref(line))
            )  # fmt: skip
    return True


def read_ties(path: Path, actors: list[Actor]) -> TieRead:
    """Ties from a tie table, a roster survey workbook, or coded interview units (co-mentions)."""
    if path.suffix.lower() == ".jsonl":
        result = co_mention_ties(read_units(path), actors)
        result.kind = "co_mention"
        return result
    sheets = read_sheets(path)
    index = ActorIndex(actors)
    result = TieRead()
    first = sheets[0]
    folded = {normalize_header(h) for h in first.headers}
    mapped = {_TIE_HEADER.get(h) for h in folded}
    respondent = _respondent_column(first.headers) is not None
    if "cible" in mapped or ("source" in mapped and not respondent):
        result.kind = "table"
        read_tie_table(first, index, result)
        return result
    if folded & set(_UNIT_TEXT):
        result = co_mention_ties(read_units(path), actors)
        result.kind = "co_mention"
        return result
    result.kind = "enquete"
    if not any([read_roster(sheet, index, result) for sheet in sheets]):
        raise InputError(
            f"{path} : ni tableau de liens (colonnes source, cible, type), ni questionnaire "
            f"(colonne répondant), ni unités d'entretien (colonne texte) ; colonnes trouvées : "
            f"{', '.join(h for h in first.headers if h)[:200]}"
        )
    return result
