"""Multi-agency performance indicators: rates with counts and 95% intervals, defined as data.

Public API::

    from jtai.indicators import workspace_indicators
    found = workspace_indicators(ws, cohort="theme", by_agency=True)
    found.get("rhi_72h").overall.text()   # "41% (20 of 49; 95% CI 28% to 55%)"

Definitions live in ``jtai/frameworks/indicators/standard.yaml`` and a workspace's own
``indicators.yaml`` (see docs/indicators.md). This area reads the store only: it imports no
other area.
"""

from jtai.indicators.definitions import Comparator, Indicator, builtin_indicators, indicators_for
from jtai.indicators.results import IndicatorResult, Indicators, Rate, compute, workspace_indicators

__all__ = [
    "Comparator",
    "Indicator",
    "IndicatorResult",
    "Indicators",
    "Rate",
    "builtin_indicators",
    "compute",
    "indicators_for",
    "workspace_indicators",
]
