"""The thematic overview: grades, safer children, findings, indicators and local audits across areas.

After a round of inspections on one theme, the inspectorates publish what they found across
the areas. :func:`read_areas` opens each workspace read-only (nothing in any of them
changes), :func:`summarise` computes the cross-area figures (indicators side by side in
:mod:`~jtai.report.overview.indicators`, the quality of local audits in
:mod:`~jtai.report.overview.local_audits`) and :func:`write_overview`
renders the anonymous report (areas are named, children never are) after the anonymity
guard of every area has passed it.
"""

from jtai.report.overview.areas import Area, read_areas
from jtai.report.overview.document import overview_html, write_overview
from jtai.report.overview.figures import Overview, overview_json, summarise

__all__ = ["Area", "Overview", "overview_html", "overview_json", "read_areas", "summarise", "write_overview"]
