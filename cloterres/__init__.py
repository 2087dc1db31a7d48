"""cloterres — catégorisation des mesures et codage des entretiens des contrats locaux de santé."""

from __future__ import annotations

__version__ = "0.1.0"
