"""Inter-coder agreement: statistics (``stats``), label sources (``readers``), category and
dimension levels (``levels``), the comparison (``compare``), its result (``report``) and its
outputs (``outputs``)."""

from __future__ import annotations

from cloterres.agreement.stats import (
    Agreement,
    Estimate,
    Ratings,
    agreement,
    agreements,
    cohen_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
)

__all__ = [
    "Agreement",
    "Estimate",
    "Ratings",
    "agreement",
    "agreements",
    "cohen_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
]
