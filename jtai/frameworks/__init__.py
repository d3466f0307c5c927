"""The JTAI frameworks as data: built-in YAML files and their schema.

Public API::

    from jtai.frameworks import load_framework, list_frameworks
    fw = load_framework("exploitation-2018")      # a built-in id, or a path to a YAML file
    fw.sections[0].criteria[0].id, fw.cohort.flags, fw.sampling.tracked.n
"""

from jtai.frameworks.loader import builtin_ids, list_frameworks, load_framework, parse_framework
from jtai.frameworks.schema import (
    ALL_AGENCIES,
    CASE_QUESTION_ID,
    Criterion,
    Framework,
    Section,
)

__all__ = [
    "ALL_AGENCIES",
    "CASE_QUESTION_ID",
    "Criterion",
    "Framework",
    "Section",
    "builtin_ids",
    "list_frameworks",
    "load_framework",
    "parse_framework",
]
