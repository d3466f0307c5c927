"""Sampling: the theme cohort, stratified reproducible draws, reserves and sample sizes.

Public API::

    from jtai.sampling import latest_sample, tracked_cases, draw_tracked, sample_size
    sample = latest_sample(ws, "tracked")      # or "front_door"; None if none drawn
    for m in sample.picks: m.pseudonym, m.reason, m.stratum
    sample.seed, sample.frame_size, sample.frame_hash, sample.allocation
    tracked_cases(ws)                          # picks of the newest tracked sample
    sample_size(0.95, 0.05).n                  # 59

The pure functions (:func:`build_frame`, :func:`build_front_door`,
:func:`draw_stratified`, :func:`allocate`) work on pandas DataFrames and need no workspace.
"""

from jtai.sampling.draw import Draw, Drawn, allocate, draw_stratified, frame_hash
from jtai.sampling.export import export_sample, sample_table
from jtai.sampling.frame import CohortCount, build_frame, tracked_reason
from jtai.sampling.frontdoor import build_front_door, outcome_group, source_group
from jtai.sampling.read import all_samples, latest_sample, load_sample, tracked_cases
from jtai.sampling.replace import replace
from jtai.sampling.samples import draw_front_door, draw_tracked
from jtai.sampling.sizes import SampleSize, sample_size
from jtai.sampling.spec import CohortRule, FrontDoorSpec, TrackedSpec
from jtai.sampling.stored_sample import FRONT_DOOR, KINDS, TRACKED, Member, Replacement, Sample
from jtai.sampling.verify import Verification, verify_sample

__all__ = [
    "FRONT_DOOR",
    "KINDS",
    "TRACKED",
    "CohortCount",
    "CohortRule",
    "Draw",
    "Drawn",
    "FrontDoorSpec",
    "Member",
    "Replacement",
    "Sample",
    "SampleSize",
    "TrackedSpec",
    "Verification",
    "all_samples",
    "allocate",
    "build_frame",
    "build_front_door",
    "draw_front_door",
    "draw_stratified",
    "draw_tracked",
    "export_sample",
    "frame_hash",
    "latest_sample",
    "load_sample",
    "outcome_group",
    "replace",
    "sample_size",
    "sample_table",
    "source_group",
    "tracked_cases",
    "tracked_reason",
    "verify_sample",
]
