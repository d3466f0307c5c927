"""Synthetic multi-agency data for a fictional area, with the true links.

``generate(out, SynthConfig(children=5000, seed=1))`` writes ``out/extracts/`` (an Annex A
workbook and one canonical CSV per agency), ``out/truth/truth.csv`` (every row's true child),
``out/truth/children.csv`` (the children themselves) and ``out/manifest.json``.
See docs/synth.md for what is generated, the noise kinds and the deliberate faults.
"""

from __future__ import annotations

from jtai.synth.config import RATES, SynthConfig, options_for, parse_rates
from jtai.synth.faults import FAULTS
from jtai.synth.generator import AGENCY_FILES, TRUTH_COLUMNS, WORKBOOK, SynthResult, generate

__all__ = [
    "AGENCY_FILES",
    "FAULTS",
    "RATES",
    "TRUTH_COLUMNS",
    "WORKBOOK",
    "SynthConfig",
    "SynthResult",
    "generate",
    "options_for",
    "parse_rates",
]
