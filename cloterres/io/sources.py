"""Where a unit came from in its file, and the non-fatal warnings about an input."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


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


class Warning_(BaseModel):
    """Something the user should know about their input (not fatal)."""

    model_config = ConfigDict(frozen=True)

    source: SourceRef
    message: str

    def __str__(self) -> str:
        return f"{self.source.describe()} : {self.message}"
