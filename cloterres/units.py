"""The records that flow through the tool: measures, their sources, their labels."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

# Standard measure fields, in the order exports show them, with their French headers.
MEASURE_FIELDS: dict[str, str] = {
    "id": "Identifiant",
    "contrat": "Contrat",
    "axe": "Axe",
    "intitule": "Intitulé",
    "description": "Description",
    "porteur": "Porteur",
    "partenaires": "Partenaires",
    "public": "Public",
}


class SourceRef(BaseModel):
    """Where a unit came from, so that a reader can go back to it."""

    model_config = ConfigDict(frozen=True)

    fichier: str
    feuille: str | None = None
    ligne: int | None = None  # line of a CSV/text file, row of a sheet or of a document table
    page: int | None = None  # page of a PDF
    paragraphe: int | None = None  # paragraph of a Word document (body paragraphs, from 1)
    tableau: int | None = None  # table of a document (from 1)

    def describe(self) -> str:
        parts = [self.fichier]
        if self.feuille:
            parts.append(f"feuille « {self.feuille} »")
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.paragraphe is not None:
            parts.append(f"paragraphe {self.paragraphe}")
        if self.tableau is not None:
            parts.append(f"tableau {self.tableau}")
        if self.ligne is not None:
            parts.append(f"ligne {self.ligne}")
        return ", ".join(parts)


class Measure(BaseModel):
    """One measure (mesure, action, fiche action) of a CLS action plan."""

    model_config = ConfigDict(frozen=True)

    id: str
    contrat: str = ""
    axe: str = ""
    intitule: str = ""
    description: str = ""
    porteur: str = ""
    partenaires: str = ""
    public: str = ""
    extra: dict[str, str] = Field(default_factory=dict)
    source: SourceRef

    @property
    def has_text(self) -> bool:
        return bool(self.intitule.strip() or self.description.strip())

    def fields(self) -> dict[str, str]:
        """All text fields by name (standard ones, then extra columns)."""
        out = {name: getattr(self, name) for name in MEASURE_FIELDS}
        out.update(self.extra)
        return out


class Warning_(BaseModel):
    """Something the user should know about their input (not fatal)."""

    model_config = ConfigDict(frozen=True)

    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source.describe()} : {self.message}"
