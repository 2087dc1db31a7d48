"""The two JSONL row formats of the coded outputs, one pydantic model each.

- :class:`MeasureRow`: a categorised measure, one line of ``cloterres categoriser … --sortie
  x.jsonl`` (also the shape of hand labels: ``id`` and ``labels``);
- :class:`UnitRow`: a coded interview unit, one line of ``cloterres coder … --sortie y.jsonl``.

The writer of a format builds each line through its model (``Model.model_construct(...)
.to_json()``: the fields in the order declared here, which is the order of the file; the writer's
values come from typed objects and are not validated again on this hot path, a test checks that
written rows validate). Every reader validates the fields it
uses through the same model with :meth:`Row.read`: a reader of hand labels or of older files
(without ``decisions``, say) only asks for what it needs, and each field has a default so that a
partial row validates. A field a reader cannot use raises :class:`RowFieldError`, which names the
field so that the reader gives its own French message.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, BeforeValidator, Field, StrictStr, ValidationError

from cloterres.io.sources import SourceRef


def _identifier(value: object) -> object:
    """Identifiers are texts; numbers (never booleans) are read as their text."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return value


def _not_false(value: object) -> bool:
    """``code``: a unit is coded unless its row says ``false`` (older files say nothing)."""
    return value is not False


def _is_true(value: object) -> bool:
    """``enqueteur``: an interviewer's turn only when its row says ``true``."""
    return value is True


def _truthy(value: object) -> bool:
    """``sans_texte``: any true JSON value."""
    return bool(value)


def _object_or_empty(value: object) -> object:
    """An empty or null value stands for an empty object."""
    return value or {}


#: A text identifier (a JSON number is read as its text).
RowId = Annotated[str | None, BeforeValidator(_identifier)]
#: A list of texts (labels of a dimension, codes ``theme.code``).
Texts = list[StrictStr]


class RowFieldError(ValueError):
    """A field of a row that its reader cannot use: ``path`` is the field, then the keys or
    positions within it (``("labels", "champ", "0")``)."""

    def __init__(self, path: tuple[str, ...], message: str) -> None:
        super().__init__(message)
        self.path = path

    @property
    def field(self) -> str:
        return self.path[0]


class Row(BaseModel):
    """A JSONL row: written whole by its writer, read field by field by its readers. Every
    row starts with its identifier."""

    id: RowId = None

    @classmethod
    def read(
        cls,
        obj: Mapping[str, Any],
        fields: Sequence[str],
        *,
        required: Iterable[str] = (),
        lenient: Iterable[str] = (),
    ) -> Self:
        """The row's ``fields`` (those present in ``obj``) validated with their types, the
        others left at their defaults. A ``required`` field that is absent is read as null; a
        ``lenient`` field that does not validate is left at its default. Any other failure
        raises :class:`RowFieldError`, naming the first failing field in the order of
        ``fields`` (the order in which the reader checks them)."""
        must = set(required)
        data = {name: obj.get(name) for name in fields if name in obj or name in must}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            errors = exc.errors()
        tolerated = set(lenient)
        failed = {str(e["loc"][0]) for e in errors}
        if failed <= tolerated:
            return cls.model_validate({k: v for k, v in data.items() if k not in failed})
        order = list(data)
        first = min(
            (e for e in errors if str(e["loc"][0]) not in tolerated),
            key=lambda e: order.index(str(e["loc"][0])),
        )
        raise RowFieldError(tuple(str(p) for p in first["loc"]), first["msg"])

    def to_json(self) -> dict[str, Any]:
        """The row as written: every field, in the declared order (the values as they are: the
        same objects as :meth:`model_dump` would give, some ten times faster)."""
        out = {name: getattr(self, name) for name in type(self).model_fields}
        source = out.get("source")
        if isinstance(source, BaseModel):
            out["source"] = source.model_dump()
        return out


RowT = TypeVar("RowT", bound=Row)


class MeasureRow(Row):
    """A categorised measure (format documented in the README)."""

    contrat: RowId = None
    axe: str = ""
    intitule: str = ""
    description: str = ""
    porteur: str = ""
    partenaires: str = ""
    public: str = ""
    autres_colonnes: dict[str, Any] = Field(default_factory=dict)
    labels: dict[str, Texts] = Field(default_factory=dict)  # dimension -> category ids
    evidence: dict[str, dict[str, list[dict[str, Any]]]] = Field(default_factory=dict)
    decisions: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)
    derives: Annotated[dict[str, Any], BeforeValidator(_object_or_empty)] = Field(
        default_factory=dict
    )
    sans_texte: Annotated[bool, BeforeValidator(_truthy)] = False
    source: SourceRef | None = None
    grille: str = ""


class UnitRow(Row):
    """A coded interview unit (format documented in the README). ``codes_importes`` is written
    only when a .qdpx project gave codes of its own."""

    entretien: RowId = None
    locuteur: str = ""
    enqueteur: Annotated[bool, BeforeValidator(_is_true)] = False
    tour: int | None = None
    debut: int = 0
    fin: int = 0
    ligne_debut: int | None = None
    ligne_fin: int | None = None
    texte: str | None = None
    variables: Annotated[dict[str, Any], BeforeValidator(_object_or_empty)] = Field(
        default_factory=dict
    )
    code: Annotated[bool, BeforeValidator(_not_false)] = True
    codes: Texts = Field(default_factory=list)  # "theme.code"
    evidence: dict[str, list[dict[str, Any]]] = Field(default_factory=dict)
    decisions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    codes_importes: dict[str, list[str]] | None = None  # coder -> codes
    source: SourceRef | None = None

    def to_json(self) -> dict[str, Any]:
        """The row as written (``codes_importes`` left out when there are none)."""
        out = super().to_json()
        if not self.codes_importes:
            del out["codes_importes"]
        return out
