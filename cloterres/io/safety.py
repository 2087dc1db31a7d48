"""Protection of exported text against formula injection (CSV and Excel)."""

from __future__ import annotations

DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def looks_like_formula(text: str) -> bool:
    return text.startswith(DANGEROUS_PREFIXES)


def csv_safe(value: object) -> object:
    """A CSV cell that spreadsheet programs will not evaluate: a leading quote on formula-like text."""
    if isinstance(value, str) and looks_like_formula(value):
        return "'" + value
    return value
