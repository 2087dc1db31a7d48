"""The learned layer beside the grid rules (runtime) and its training (``train``, dev only)."""

from cloterres.engine.learned.layer import ORIGIN_MODEL, REVIEW_THRESHOLD, LearnedLayer, layer_for

__all__ = ["ORIGIN_MODEL", "REVIEW_THRESHOLD", "LearnedLayer", "layer_for"]
