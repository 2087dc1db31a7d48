"""Command modules of the ``cloterres`` CLI, each exposing ``register(app)``."""
