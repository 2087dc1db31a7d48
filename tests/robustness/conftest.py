"""The robustness suite: a fixed hypothesis profile (derandomised, bounded, no deadline), so
that it finds the same thing on every machine and runs in CI in well under three minutes."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "robustesse",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=int(os.environ.get("CLOTERRES_ROBUSTESSE_EXEMPLES", "12")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.load_profile("robustesse")
