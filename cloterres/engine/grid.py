"""Typed grids (grilles): pydantic models, YAML loading with precise French error messages."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_core import ErrorDetails

from cloterres.errors import InputError
from cloterres.io.yaml_safe import YamlBombError, compose_and_construct

IDENT = r"^[a-z][a-z0-9_]*$"
_NOT_IDENT = re.compile(r"[^a-z0-9]+")
MAX_GRID_BYTES = 5_000_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Model):
    """A word or expression to look for (see grids/README.md)."""

    terme: str = Field(min_length=1)
    poids: float = Field(default=1.0, gt=0, le=100)
    avec: list[str] = Field(default_factory=list)
    sans: list[str] = Field(default_factory=list)

    @field_validator("terme")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip(" =*"):
            raise ValueError("terme vide")
        return v.strip()

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, data: Any) -> Any:
        if isinstance(data, str):
            return {"terme": data}
        return data


class Category(_Model):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    definition: str = ""
    inclure: list[Term] = Field(default_factory=list)
    exclure: list[Term] = Field(default_factory=list)
    exclure_si: list[str] = Field(default_factory=list)
    implique: list[str] = Field(default_factory=list)
    seuil: float | None = Field(default=None, gt=0)
    ages: tuple[int, int] | None = None
    exemples: list[str] = Field(default_factory=list)
    contre_exemples: list[str] = Field(default_factory=list)

    @field_validator("ages")
    @classmethod
    def _age_range(cls, v: tuple[int, int] | None) -> tuple[int, int] | None:
        if v is not None and not (0 <= v[0] <= v[1] <= 130):
            raise ValueError(
                "tranche d'âge invalide : écrivez [âge minimum, âge maximum], par exemple [0, 6]"
            )
        return v


class Dimension(_Model):
    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    definition: str = ""
    multiple: bool = True
    min: int = Field(default=0, ge=0, le=1)
    defaut: str | None = None
    seuil: float = Field(default=1.0, gt=0)
    contexte: bool = False
    champs: list[str] | None = None
    champs_prioritaires: list[str] = Field(default_factory=list)
    categories: list[Category] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Dimension:
        ids = [c.id for c in self.categories]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"catégorie en double : {', '.join(dup)}")
        if self.defaut is not None and self.defaut not in ids:
            raise ValueError(
                f"catégorie par défaut inconnue « {self.defaut} » (catégories : {', '.join(ids)})"
            )
        return self

    def category(self, cat_id: str) -> Category:
        for c in self.categories:
            if c.id == cat_id:
                return c
        raise KeyError(cat_id)

    def threshold(self, cat: Category) -> float:
        return cat.seuil if cat.seuil is not None else self.seuil


class Derived(_Model):
    """An attribute computed from a unit's labels or text."""

    id: str = Field(pattern=IDENT)
    label: str = Field(min_length=1)
    type: Literal["partition", "nombre_min", "autre_que", "termes"]
    dimension: str | None = None
    groupes: dict[str, list[str]] = Field(default_factory=dict)
    min: int = Field(default=1, ge=1)
    categories: list[str] = Field(default_factory=list)
    inclure: list[Term] = Field(default_factory=list)
    definition: str = ""

    @model_validator(mode="after")
    def _check(self) -> Derived:
        if self.type != "termes" and not self.dimension:
            raise ValueError(f"le type « {self.type} » demande une « dimension »")
        if self.type == "partition" and len(self.groupes) < 2:
            raise ValueError("le type « partition » demande au moins deux « groupes »")
        if self.type == "autre_que" and not self.categories:
            raise ValueError("le type « autre_que » demande une liste « categories »")
        if self.type == "termes" and not self.inclure:
            raise ValueError("le type « termes » demande une liste « inclure »")
        return self

    def from_labels(self, ids: list[str]) -> str | bool | None:
        """The attribute's value computed from a unit's category ids in ``dimension``.

        ``None`` for a ``termes`` attribute (it needs the text) and for a partition with no
        category of any group.
        """
        if self.type == "partition":
            groups = [g for g, cats in self.groupes.items() if any(c in cats for c in ids)]
            return groups[0] if len(groups) == 1 else ("mixte" if groups else None)
        if self.type == "nombre_min":
            return len(set(ids)) >= self.min
        if self.type == "autre_que":
            return any(c not in self.categories for c in ids)
        return None


class Grid(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_-]*$")
    version: str = "1"
    nom: str = Field(min_length=1)
    description: str = ""
    champs_texte: list[str] = Field(default_factory=lambda: ["texte"], min_length=1)
    champs_contexte: list[str] = Field(default_factory=list)
    dimensions: list[Dimension] = Field(min_length=1)
    derives: list[Derived] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_references(self) -> Grid:
        ids = [d.id for d in self.dimensions]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"dimension en double : {', '.join(dup)}")
        dims = {d.id: d for d in self.dimensions}
        for d_index, dim in enumerate(self.dimensions):
            for c_index, cat in enumerate(dim.categories):
                for key in ("exclure_si", "implique"):
                    for r_index, ref in enumerate(getattr(cat, key)):
                        problem = _reference_problem(ref, dims)
                        if problem:
                            raise _LocatedError(
                                ("dimensions", d_index, "categories", c_index, key, r_index),
                                problem,
                            )
        for x_index, der in enumerate(self.derives):
            if der.dimension is None:
                continue
            if der.dimension not in dims:
                raise _LocatedError(
                    ("derives", x_index, "dimension"),
                    f"dimension inconnue « {der.dimension} » (dimensions : {', '.join(dims)})",
                )
            known = {c.id for c in dims[der.dimension].categories}
            listed = list(der.categories) + [c for g in der.groupes.values() for c in g]
            for cat_id in listed:
                if cat_id not in known:
                    raise _LocatedError(
                        ("derives", x_index),
                        f"catégorie inconnue « {cat_id} » dans la dimension « {der.dimension} »",
                    )
        return self

    def dimension(self, dim_id: str) -> Dimension:
        for d in self.dimensions:
            if d.id == dim_id:
                return d
        raise KeyError(dim_id)

    def label_of(self, dim_id: str, cat_id: str) -> str:
        return self.dimension(dim_id).category(cat_id).label

    def fields_of(self, dim: Dimension) -> list[str]:
        return list(dim.champs) if dim.champs else list(self.champs_texte)


def _reference_problem(ref: str, dims: dict[str, Dimension]) -> str | None:
    if ref.count(".") != 1:
        return f"référence « {ref} » invalide : écrivez « dimension.categorie »"
    dim_id, cat_id = ref.split(".")
    if dim_id not in dims:
        return f"dimension inconnue « {dim_id} » (dimensions : {', '.join(dims)})"
    if cat_id not in {c.id for c in dims[dim_id].categories}:
        return f"catégorie inconnue « {cat_id} » dans la dimension « {dim_id} »"
    return None


class _LocatedError(ValueError):
    """A validation problem that knows where it is in the document."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc
        self.message = message


class GridError(InputError):
    """A grid file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        first = problems[0]
        more = len(problems) - 1
        text = first if not more else f"{first} (et {more} autre(s) problème(s))"
        super().__init__(text)
        self.problems = problems


# --- loading ---------------------------------------------------------------------------------


class _UniqueKeyLoader(yaml.SafeLoader):
    """Safe loader that refuses duplicate keys (a silent overwrite in plain YAML)."""


# libyaml's parser when PyYAML has it: the shipped grids parse five times faster. A document it
# refuses is parsed again by the Python loader, whose errors are the ones translated to French.
_FastLoader: Any = type("_FastLoader", (getattr(yaml, "CSafeLoader", yaml.SafeLoader),), {})


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"clé en double « {key} »", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_FastLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _compose(text: str) -> tuple[Any, yaml.Node | None]:
    """The checked document and its node tree: libyaml first, the Python loader for errors."""
    if _FastLoader.__mro__[1] is not yaml.SafeLoader:
        try:
            return compose_and_construct(_FastLoader(text))
        except (yaml.YAMLError, RecursionError):
            pass  # the Python loader says where and what, in the words translated below
    return compose_and_construct(_UniqueKeyLoader(text))


def _line_index(node: yaml.Node | None) -> dict[tuple[str | int, ...], int]:
    """Map every path of the document (keys and list indices) to its 1-based line."""
    index: dict[tuple[str | int, ...], int] = {}
    if node is None:
        return index
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(node, ())]
    seen = 0
    while stack:
        current, path = stack.pop()
        seen += 1
        if seen > 200_000:  # pathological document (anchors): stop indexing, keep what we have
            break
        index.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node)
                index[path + (key,)] = key_node.start_mark.line + 1
                stack.append((value_node, path + (key,)))
        elif isinstance(current, yaml.SequenceNode):
            for i, item in enumerate(current.value):
                stack.append((item, path + (i,)))
    return index


def _line_for(index: dict[tuple[str | int, ...], int], loc: tuple[str | int, ...]) -> int | None:
    path = tuple(loc)
    while path:
        if path in index:
            return index[path]
        path = path[:-1]
    return index.get(())


def _loc_text(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(racine)"


_PYDANTIC_FR = {
    "missing": "champ obligatoire manquant",
    "extra_forbidden": "champ inconnu",
    "string_type": "texte attendu",
    "bool_type": "valeur oui/non attendue (true ou false)",
    "bool_parsing": "valeur oui/non attendue (true ou false)",
    "int_type": "nombre entier attendu",
    "int_parsing": "nombre entier attendu",
    "float_type": "nombre attendu",
    "float_parsing": "nombre attendu",
    "list_type": "liste attendue",
    "dict_type": "dictionnaire attendu",
    "model_type": "dictionnaire attendu",
    "string_pattern_mismatch": "identifiant invalide : lettres minuscules ASCII, chiffres et _",
    "string_too_short": "texte vide",
    "too_short": "liste vide",
    "greater_than": "doit être supérieur à {gt}",
    "greater_than_equal": "doit être au moins {ge}",
    "less_than_equal": "doit être au plus {le}",
    "literal_error": "valeur invalide (valeurs possibles : {expected})",
}


def _model_at(loc: tuple[str | int, ...]) -> type[BaseModel]:
    """Which model sits at a location (to list the allowed fields of an unknown one)."""
    names = [p for p in loc if isinstance(p, str)]
    if "derives" in names:
        return Term if "inclure" in names[names.index("derives") :] else Derived
    if any(n in ("inclure", "exclure") for n in names):
        return Term
    if "categories" in names:
        return Category
    if "dimensions" in names:
        return Dimension
    return Grid


def _describe(err: ErrorDetails) -> str:
    kind = err.get("type", "")
    ctx = err.get("ctx") or {}
    if kind in ("value_error", "assertion_error"):
        exc = ctx.get("error")
        return str(exc) if exc is not None else err.get("msg", "")
    if kind == "extra_forbidden":
        model = _model_at(tuple(err["loc"][:-1]))
        allowed = ", ".join(model.model_fields)
        return f"champ inconnu « {err['loc'][-1]} » (champs possibles : {allowed})"
    template = _PYDANTIC_FR.get(kind)
    if template:
        try:
            return template.format(**{k: v for k, v in ctx.items()})
        except (KeyError, IndexError):
            return template
    return str(err.get("msg", "valeur invalide"))


def identifier(name: str, used: set[str], fallback: str = "code") -> str:
    """A grid id (ASCII snake_case, unique among ``used``, which it joins) made from a name:
    « Santé mentale » -> ``sante_mentale``, then ``sante_mentale_2``..."""
    from cloterres.engine.nlp import fold

    base = _NOT_IDENT.sub("_", fold(name)).strip("_") or fallback
    if not base[0].isalpha():
        base = f"{fallback}_{base}"
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}_{n}"
    used.add(candidate)
    return candidate


def grid_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_grid(path: str | Path) -> Grid:
    """Load and validate a grid file; raise GridError listing every problem (file, line, field)."""
    path = Path(path)
    name = str(path)
    if path.suffix.lower() in (".qdc", ".qdpx"):  # a QDA tool's codebook: themes -> codes
        from cloterres.engine.codebook_import import load_codebook_grid

        try:
            return load_codebook_grid(path)
        except GridError:
            raise
        except InputError as exc:
            raise GridError([str(exc)]) from None
    if not path.exists():
        raise GridError([f"{name} : fichier de grille introuvable"])
    if path.is_dir():
        raise GridError([f"{name} : est un dossier, pas un fichier de grille YAML"])
    if path.stat().st_size > MAX_GRID_BYTES:
        raise GridError([f"{name} : fichier trop volumineux pour une grille (plus de 5 Mo)"])
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise GridError(
            [f"{name} : la grille n'est pas en UTF-8 ; enregistrez-la en UTF-8"]
        ) from None
    try:
        data, node = _compose(text)
    except YamlBombError as exc:
        raise GridError([f"{name} : YAML refusé : {exc}"]) from None
    except RecursionError:
        raise GridError(
            [f"{name} : YAML refusé : imbrication trop profonde ; simplifiez la structure"]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f", ligne {mark.line + 1}" if mark else ""
        problem = " ".join(_yaml_problem_fr(exc.problem or str(exc)).split())
        raise GridError([f"{name}{where} : YAML invalide : {problem}"]) from None
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (NUL, control...)
        raise GridError(
            [
                f"{name} : YAML invalide : caractère interdit (U+{exc.character:04X}) en position "
                f"{exc.position} ; retirez-le"
                if isinstance(exc.character, int)
                else f"{name} : YAML invalide : octet illisible ; enregistrez la grille en UTF-8"
            ]
        ) from None
    except yaml.YAMLError as exc:
        problem = " ".join(str(exc).split())
        raise GridError([f"{name} : YAML invalide : {problem}"]) from None
    if not isinstance(data, dict):
        raise GridError(
            [
                f"{name} : une grille est un dictionnaire YAML (id, nom, dimensions...), pas {type(data).__name__}"
            ]
        )
    try:
        return Grid.model_validate(data)
    except ValidationError as exc:
        index = _line_index(node)  # lines of the problems (a valid grid never needs them)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            inner = (err.get("ctx") or {}).get("error")
            if isinstance(inner, _LocatedError):
                loc = inner.loc
            line = _line_for(index, loc)
            where = f", ligne {line}" if line else ""
            problems.append(f"{name}{where}, {_loc_text(loc)} : {_describe(err)}")
        raise GridError(problems) from None


def _yaml_problem_fr(problem: str) -> str:
    replacements = {
        "found character '\\t' that cannot start any token": "tabulation interdite (indentez avec des espaces)",
        "mapping values are not allowed here": "« : » inattendu (mettez le texte entre guillemets)",
        "could not find expected ':'": "« : » attendu",
        "found undefined alias": "alias (*) non défini",
    }
    for en, fr in replacements.items():
        if problem.startswith(en):
            return fr
    return problem


# The grid each kind of unit is coded with by default, shipped as package data of
# ``cloterres.grids`` (the ``grids/`` folder of the repository).
DEFAULT_GRIDS = {"mesures": "cloterres-mesures.yaml", "entretiens": "entretiens-cls.yaml"}


def shipped_grid_path(name: str) -> Path:
    """A grid file shipped with the tool, found as package data of ``cloterres.grids`` with
    :mod:`importlib.resources`: the only way the shipped grids are found."""
    from importlib.resources import files

    resource = files("cloterres.grids").joinpath(name)
    # Installed or not, cloterres is a folder on disk: the resource is a file there.
    return Path(str(resource)).resolve()


def default_grid_path(kind: str = "mesures") -> Path:
    """The grid shipped with the tool for ``kind`` (``mesures``: ``cloterres-mesures.yaml``,
    ``entretiens``: ``entretiens-cls.yaml``)."""
    return shipped_grid_path(DEFAULT_GRIDS[kind])


def summarize_term(term: Term) -> str:
    text = term.terme
    extras = []
    if term.poids != 1.0:
        extras.append(f"poids {term.poids:g}")
    if term.avec:
        extras.append("avec " + " | ".join(term.avec))
    if term.sans:
        extras.append("sans " + " | ".join(term.sans))
    return f"{text} ({'; '.join(extras)})" if extras else text


def require_rules(grid: Grid, path: str | Path) -> None:
    """Automatic coding needs terms: refuse a grid without any (a codebook imported from a QDA
    tool), with what to do."""
    if any(c.inclure for d in grid.dimensions for c in d.categories):
        return
    path = Path(path)
    if path.suffix.lower() in (".qdc", ".qdpx"):
        raise InputError(
            f"{path} : ce livre de codes n'a pas de règles (termes) pour le codage automatique ; "
            f"importez-le avec « cloterres grille importer {path.name} --sortie grille.yaml », "
            "écrivez des termes sous « inclure », puis relancez avec --grille grille.yaml "
            "(l'accord et la revue l'acceptent tel quel)"
        )
    raise InputError(
        f"{path} : la grille n'a aucun terme (« inclure ») : le codage automatique ne trouverait "
        "rien ; écrivez des termes pour ses catégories"
    )
