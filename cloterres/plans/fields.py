"""French field names of fiches actions and plan tables, and their variants.

A label such as « Porteur(s) de l'action : », « Public(s) cible(s) », « Obj. spécifique » or
« Calendrier / échéancier » is folded (case, accents, ``(s)``, punctuation, trailing colon) and
mapped to one standard field. Labels that map to nothing stay as extra attributes of the measure.
"""

from __future__ import annotations

import re

from cloterres.io.tables import normalize_header

# Standard fields of a measure read from a document, with their French labels. The first eight
# are the Measure record's own fields; the others are kept in ``Measure.extra`` under their label.
DOCUMENT_FIELDS: dict[str, str] = {
    "axe": "Axe",
    "objectif": "Objectif",
    "intitule": "Intitulé",
    "description": "Description",
    "porteur": "Porteur",
    "partenaires": "Partenaires",
    "public": "Public",
    "territoire": "Territoire",
    "calendrier": "Calendrier",
    "financement": "Financement",
    "indicateurs": "Indicateurs",
}
EXTRA_FIELDS = ("objectif", "territoire", "calendrier", "financement", "indicateurs")
# Fields whose value is a list of names: bullets and lines are joined with ", ".
LIST_FIELDS = frozenset({"porteur", "partenaires", "public", "territoire"})

# Whole folded labels (after dropping a leading article).
_EXACT: dict[str, str] = {
    "action": "intitule",
    "actions": "intitule",
    "mesure": "intitule",
    "fiche action": "intitule",
    "nom de l action": "intitule",
    "nom du projet": "intitule",
    "n": "id",
    "no": "id",
    "num": "id",
    "numero": "id",
    "ref": "id",
    "reference": "id",
    "code": "id",
    "id": "id",
    "identifiant": "id",
    "n fiche": "id",
    "n de fiche": "id",
    "n action": "id",
    "n de l action": "id",
    "numero de fiche": "id",
    "numero de l action": "id",
    "numero fiche": "id",
    "numero action": "id",
    "code action": "id",
    "fiche": "id",  # beside an « Intitulé » column; alone, a plan table reads it as the title
    "fiche n": "id",
    "code fiche": "id",
    "contrat": "contrat",
    "cls": "contrat",
    "nom du contrat": "contrat",
    "personnes concernees": "public",
    "moyens financiers": "financement",
    "resultats attendus": "",  # kept as an extra attribute, not an indicator
    # fiches written as questions: « Qui ? », « Avec qui ? », « Pour qui ? »...
    "qui": "porteur",
    "qui pilote": "porteur",
    "qui porte": "porteur",
    "qui porte l action": "porteur",
    "qui pilote l action": "porteur",
    "avec qui": "partenaires",
    "pour qui": "public",
    "aupres de qui": "public",
    "a qui": "public",
    "quoi": "description",
    "comment": "description",
    "quoi comment": "description",
    "quand": "calendrier",
    "ou": "territoire",
    "combien": "financement",
}
# First significant word -> field.
_HEAD: dict[str, str] = {
    "intitule": "intitule",
    "intitules": "intitule",
    "titre": "intitule",
    "libelle": "intitule",
    "axe": "axe",
    "axes": "axe",
    "orientation": "axe",
    "orientations": "axe",
    "priorite": "axe",
    "objectif": "objectif",
    "objectifs": "objectif",
    "obj": "objectif",
    "description": "description",
    "descriptif": "description",
    "contenu": "description",
    "modalite": "description",
    "modalites": "description",
    "deroulement": "description",
    "detail": "description",
    "presentation": "description",
    "porteur": "porteur",
    "porteurs": "porteur",
    "pilote": "porteur",
    "pilotes": "porteur",
    "pilotage": "porteur",
    "responsable": "porteur",
    "responsables": "porteur",
    "structure": "porteur",
    "structures": "porteur",
    "maitre": "porteur",
    "referent": "porteur",
    "referents": "porteur",
    "partenaire": "partenaires",
    "partenaires": "partenaires",
    "partenariat": "partenaires",
    "partenariats": "partenaires",
    "acteurs": "partenaires",
    "public": "public",
    "publics": "public",
    "population": "public",
    "populations": "public",
    "beneficiaire": "public",
    "beneficiaires": "public",
    "cible": "public",
    "cibles": "public",
    "territoire": "territoire",
    "territoires": "territoire",
    "lieu": "territoire",
    "lieux": "territoire",
    "zone": "territoire",
    "zones": "territoire",
    "perimetre": "territoire",
    "localisation": "territoire",
    "secteur": "territoire",
    "calendrier": "calendrier",
    "echeancier": "calendrier",
    "echeance": "calendrier",
    "echeances": "calendrier",
    "duree": "calendrier",
    "periode": "calendrier",
    "planning": "calendrier",
    "temporalite": "calendrier",
    "financement": "financement",
    "financements": "financement",
    "financeur": "financement",
    "financeurs": "financement",
    "budget": "financement",
    "budgets": "financement",
    "cout": "financement",
    "couts": "financement",
    "indicateur": "indicateurs",
    "indicateurs": "indicateurs",
    "evaluation": "indicateurs",
    "criteres": "indicateurs",
}
# A word anywhere in the label that decides the field (« Modalités d'évaluation »).
_ANYWHERE: tuple[tuple[str, str], ...] = (
    ("indicateur", "indicateurs"),
    ("evaluation", "indicateurs"),
)
_ANYWHERE += (("financement", "financement"), ("budget", "financement"))
_ARTICLES = {"le", "la", "les", "l", "un", "une", "des", "du", "de", "d"}
_MAX_LABEL_WORDS = 7
_SEGMENTS = re.compile(r"(?<!\s)\s*/\s*|(?<!\s)\s+ou\s+")  # one try per run of spaces
_ABBREVIATION = re.compile(r"^\s*([A-Za-zÀ-ÿ]{3,})\.")


def _field_of_segment(segment: str) -> str | None:
    key = normalize_header(segment)
    words = key.split()
    while words and words[0] in _ARTICLES:
        words = words[1:]
    if not words or len(words) > _MAX_LABEL_WORDS:
        return None
    key = " ".join(words)
    if key in _EXACT:
        return _EXACT[key] or None
    if words[0] in ("n", "no", "numero", "num") and len(words) <= 4:
        return "id"
    for word, name in _ANYWHERE:
        if any(w.startswith(word) for w in words):
            return name
    head = words[0]
    if head in _HEAD:
        return _HEAD[head]
    if head in ("action", "actions") and len(words) > 1:
        return "description"  # « Actions à mettre en œuvre », « Action(s) prévue(s) »
    abbreviation = _ABBREVIATION.match(segment)
    if abbreviation:  # « Obj. », « Indic. », « Part. » : a prefix of a known head word
        prefix = normalize_header(abbreviation.group(1))
        matches = {name for word, name in _HEAD.items() if word.startswith(prefix)}
        if len(matches) == 1:
            return matches.pop()
    return None


def field_of(label: str) -> str | None:
    """The standard field a label names (``intitule``, ``porteur``...), or None."""
    text = label.strip().rstrip(":：").strip()
    if not text or len(text) > 80:
        return None
    for segment in _SEGMENTS.split(text):
        name = _field_of_segment(segment)
        if name:
            return name
    return None


_LABEL_VALUE = re.compile(r"\s*+(?P<label>[^:：\n]{1,80}?)\s*+[:：]\s*+(?P<value>.*)$", re.S)
_LABEL_END = re.compile(r"[:：\n]")


def split_label(text: str) -> tuple[str, str, str] | None:
    """``(field, label, value)`` for a « Label : valeur » paragraph whose label is a known field."""
    start = len(text) - len(text.lstrip())
    # The label ends at the first colon, near the start: this bounds the regex's work.
    if not _LABEL_END.search(text, start, start + 200):
        return None
    m = _LABEL_VALUE.match(text)
    if not m:
        return None
    label = m.group("label").strip(" *_•-–")
    name = field_of(label)
    if name is None:
        return None
    return name, label, m.group("value").strip()


def extra_label(label: str) -> str:
    """How an unknown field label is kept as an extra attribute: as written, without its colon."""
    return re.sub(r"\s+", " ", label).strip().rstrip(":：").strip()
