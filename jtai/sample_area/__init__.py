"""The fictional areas `jtai demo` runs on.

The first is the area shipped in ``sample_data/``; its judgements and findings name cases by
their place in the samples and are written with each workspace's own pseudonyms. The second
is built beside it from `jtai synth`, for the overview of two areas.

Public API::

    from jtai.sample_area import sample_data_dir, positions, second_area_root
    data = sample_data_dir()                       # the shipped sample data folder
    positions(ws)["tracked 3"]                     # that case's pseudonym in this workspace
"""

from jtai.sample_area.audit_returns import fill_return
from jtai.sample_area.positions import DemoJudgements, positions, with_pseudonyms, write_judgements
from jtai.sample_area.second_area import (
    SECOND_AREA,
    SECOND_CHILDREN,
    SECOND_SEED,
    load_synth_extracts,
    second_area_root,
    write_candidate_findings,
)
from jtai.sample_area.shipped import read_yaml, sample_data_dir

__all__ = [
    "SECOND_AREA",
    "SECOND_CHILDREN",
    "SECOND_SEED",
    "DemoJudgements",
    "fill_return",
    "load_synth_extracts",
    "positions",
    "read_yaml",
    "sample_data_dir",
    "second_area_root",
    "with_pseudonyms",
    "write_candidate_findings",
    "write_judgements",
]
