"""Study summaries: contract profiles, comparison of contracts, interview codes by actor type,
and their outputs (summary workbook with native charts, one-page HTML reports).

The summary functions take plain records (:class:`MeasureRecord`, :class:`InterviewUnit`), so
any source of labels (files written by ``categoriser`` / ``coder``, a study store) can feed them.
"""

from __future__ import annotations

from cloterres.synthesis.interviews import InterviewSummary, summarize_interviews
from cloterres.synthesis.profiles import ContractProfile, contract_profiles
from cloterres.synthesis.readers import SynthesisData, read_inputs, resolve_measures
from cloterres.synthesis.records import InterviewUnit, MeasureRecord
from cloterres.synthesis.run import SynthesisReport, synthesize

__all__ = [
    "ContractProfile",
    "InterviewSummary",
    "InterviewUnit",
    "MeasureRecord",
    "SynthesisData",
    "SynthesisReport",
    "contract_profiles",
    "read_inputs",
    "resolve_measures",
    "summarize_interviews",
    "synthesize",
]
