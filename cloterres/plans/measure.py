"""A measure of a CLS action plan, the unit of the measures front end."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from cloterres.io.sources import SourceRef

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
