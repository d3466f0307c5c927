"""Generate one fictional area's extracts, its truth and a manifest (the library entry point)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from jtai.errors import ConflictError, UsageError
from jtai.synth import annex_a, annex_lists, codes, csc, faults, identity, partners, population, writer
from jtai.synth.config import SynthConfig
from jtai.synth.population import Population
from jtai.synth.table import NO_DATE, Clock, Events
from jtai.workspace import enclosing

AGENCY_FILES = {
    "csc": "csc.csv",
    "police": "police.csv",
    "health": "health.csv",
    "education": "education.csv",
    "yos": "yos.csv",
    "probation": "probation.csv",
}
WORKBOOK = "annex_a.xlsx"
DEFAULT_AREA = "Seaborough"
TRUTH_COLUMNS = ("agency", "file", "sheet", "row", "agency_person_id", "child_id", "noise", "fault")
CHILD_COLUMNS = (
    "child_id", "household", "first_name", "last_name", "dob", "sex", "ethnicity", "postcode",
    "nhs_number", "la_child_id", "upn", "age", "care_leaver", "risk_type", "twin_of", "namesake_of",
)  # fmt: skip


@dataclass
class SynthResult:
    """What was written: row counts per file (and sheet), the faults, the folders."""

    out: Path
    children: int
    rows: dict[str, int] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)

    @property
    def records(self) -> int:
        """Rows written across every extract."""
        return sum(self.rows.values())


def generate(out: Path, cfg: SynthConfig, *, force: bool = False) -> SynthResult:
    """Write ``out/extracts/`` (the agencies' files) and ``out/truth/`` (the true links).

    Files are written 0600 and the folders made 0700, as for real extracts: the files are
    fictional, but the habit should not be. ``out`` is checked before anything is generated.

    Args:
        out: a new or empty folder (any folder with ``force``), never a workspace.
        cfg: what to generate.
        force: write into a folder that is not empty, replacing files of the same names.

    Returns:
        The row counts and the deliberate faults, as also written to ``out/manifest.json``.

    Raises:
        UsageError: ``out`` is a file, or cannot be written to.
        ConflictError: ``out`` is (or is inside) a workspace, or is not empty and ``force``
            is false.
    """
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a folder.", hint="Name a folder to write the extracts into.")
    _check_target(out, force)
    try:
        return _generate(out, cfg)
    except OSError as exc:
        raise UsageError(
            f"{out}: cannot write the extracts there ({exc.strerror}).",
            hint="Choose a folder you can write to.",
        ) from exc


def _check_target(out: Path, force: bool) -> None:
    """Refuse a workspace (or a folder inside one) always, and a non-empty folder without ``force``."""
    for place in (out, out / "extracts", out / "truth"):
        folder = enclosing(place)
        if folder is not None:
            resolved = place.expanduser().resolve()
            where = "a jtai workspace" if folder == resolved else f"inside the jtai workspace {folder}"
            raise ConflictError(
                f"{out} is {where}: synth never writes fictional extracts among a workspace's files.",
                hint="Write them to a folder of their own, then load them: "
                "jtai synth DIR ... && jtai load DIR/extracts/police.csv --agency police",
            )
    if out.is_dir() and not force and any(out.iterdir()):
        raise ConflictError(
            f"{out} is not empty, and synth would replace files in it.",
            hint="Name a new or empty folder, or give --force to write into this one.",
        )


def _generate(out: Path, cfg: SynthConfig) -> SynthResult:
    rng = np.random.default_rng(cfg.seed)
    pop = population.build(rng, cfg)
    clock = Clock(population.day_number(cfg.fieldwork_start), population.day_number(cfg.window_start))
    flags = partners.cohort_flags(rng, pop, cfg.risk_types)
    events: dict[str, Events] = {"police": partners.police(rng, pop, clock, flags)}
    police_cols = events["police"].columns()
    is_missing = (police_cols["event_type"] == "missing_episode") & (
        police_cols["event_date"] >= clock.window_start
    )
    missing = (police_cols["child"][is_missing], police_cols["end_date"][is_missing])
    inv = annex_a.involvement(rng, pop, clock, np.bincount(missing[0], minlength=pop.n))
    events["csc"] = csc.csc_events(rng, pop, inv, clock, flags, missing)
    events["health"] = partners.health(rng, pop, clock, flags)
    partners.strategy_partners(rng, inv.s47, flags, events["police"], events["health"])
    police_cols = events["police"].columns()
    events["education"] = partners.education(rng, pop, clock, flags)
    events["yos"] = partners.yos(rng, pop, clock, flags)
    events["probation"], probation_hh = partners.probation(rng, pop, clock, flags)
    known = np.zeros(pop.n, dtype=bool)
    known[inv.known] = True
    sheets = {
        title: _unique_rows(cols, list(cols))
        for title, cols in annex_lists.lists(rng, pop, inv, clock).items()
    }

    extracts = out / "extracts"
    truth_dir = out / "truth"
    writer.private_folder(out)
    writer.private_folder(extracts, ours=True)
    writer.private_folder(truth_dir, ours=True)
    result = SynthResult(out=out, children=cfg.children)
    truth: list[dict[str, Any]] = []
    for agency, name in AGENCY_FILES.items():
        cols = police_cols if agency == "police" else events[agency].columns()
        hh = probation_hh if agency == "probation" else None
        table = _records(rng, pop, cfg, agency, cols, known, hh)
        _name_area(table, ("source", "team", "details"), cfg.area)
        if cfg.faults:
            result.faults += faults.inject_csv(agency, name, table)
        writer.write_csv(extracts / name, table)
        result.rows[name] = len(table["child"])
        truth.append(_truth_rows(agency, name, "", table, pop))
    for cols in sheets.values():
        _name_area(cols, [h for h in cols if h.startswith(("Organisation", "LA of"))], cfg.area)
    marks = {sheet: np.full(len(cols["Child Unique ID"]), "", dtype=object) for sheet, cols in sheets.items()}
    if cfg.faults:
        result.faults += faults.inject_workbook(WORKBOOK, sheets, marks)
    writer.write_workbook(extracts / WORKBOOK, sheets)
    for sheet, cols in sheets.items():
        result.rows[f"{WORKBOOK}:{sheet}"] = len(next(iter(cols.values())))
    truth += _sheet_truth(sheets, marks, pop)
    _write_truth(truth_dir, truth, result.faults, pop)
    manifest = {
        "area": cfg.area,
        "children": cfg.children,
        "seed": cfg.seed,
        "fieldwork_start": cfg.fieldwork_start.isoformat(),
        "window_start": cfg.window_start.isoformat(),
        "rates": cfg.rates,
        "rows": result.rows,
        "faults": result.faults,
    }
    writer.write_private(out / "manifest.json", (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    return result


def _records(
    rng: np.random.Generator,
    pop: Population,
    cfg: SynthConfig,
    agency: str,
    cols: dict[str, Any],
    known: Any,
    household: Any,
) -> dict[str, Any]:
    """Attach identities to events, drop events before birth, order rows as an export would."""
    born = (cols["event_date"] == NO_DATE) | (cols["event_date"] >= pop.dob[cols["child"]])
    cols = {k: v[born] for k, v in cols.items()}
    if household is not None:
        household = household[born]
    people, person = identity.persons(
        rng, pop, cfg, agency, cols["child"], cols["event_type"], known, household
    )
    extra = people["extra_events"]
    if extra.size:
        person = np.concatenate([person, extra])
        for key, value in cols.items():
            fill: Any = (
                NO_DATE if key in ("event_date", "end_date") else ("person" if key == "event_type" else "")
            )
            pad = people["child"][extra] if key == "child" else np.full(extra.size, fill, dtype=value.dtype)
            cols[key] = np.concatenate([value, pad])
    rank = np.argsort(np.argsort(people["agency_person_id"].astype(str), kind="stable"), kind="stable")
    order = np.lexsort((cols["event_date"], rank[person]))
    person = person[order]
    # exact repeats can only be rows of one person on one day, which the order puts side by side
    day = cols["event_date"][order]
    pair = (person[1:] == person[:-1]) & (day[1:] == day[:-1])
    candidates = np.r_[pair, False] | np.r_[False, pair]
    table: dict[str, Any] = {"child": cols["child"][order], "person": person}
    for name in writer.FIELDS:
        if name in ("event_date", "end_date"):
            table[name] = identity.dob_text(cols[name][order])
        elif name == "dob":
            table[name] = identity.dob_text(people["dob"])[person]
        elif name in people:
            table[name] = people[name][person]
        else:
            table[name] = cols[name][order]
    table["noise"] = np.array([";".join(n) for n in people["noise"]], dtype=object)[person]
    table["fault"] = np.full(person.size, "", dtype=object)
    return _unique_rows(table, writer.FIELDS, candidates)


def _name_area(table: dict[str, Any], columns: Any, area: str) -> None:
    """Put the area's own name in place of "Seaborough" in place names (in place)."""
    if area == DEFAULT_AREA:
        return
    for column in columns:
        values = table[column]
        named = np.array([str(v).replace(DEFAULT_AREA, area) if v else v for v in values], dtype=object)
        table[column] = named


def _unique_rows(table: dict[str, Any], fields: Any, candidates: Any = None) -> dict[str, Any]:
    """Drop rows that repeat an earlier row exactly (two GP visits on one day, say).

    Loading quarantines exact repeats, so only the deliberate one may remain. Only the
    ``candidates`` rows (a boolean mask; default all) can be repeats.
    """
    import pandas as pd

    n = len(table[fields[0]])
    where = np.flatnonzero(np.ones(n, dtype=bool) if candidates is None else candidates)
    repeated = np.zeros(n, dtype=bool)
    subset = pd.DataFrame({f: table[f][where] for f in fields}, dtype=object)
    repeated[where] = subset.duplicated().to_numpy()
    if not repeated.any():
        return table
    return {key: value[~repeated] for key, value in table.items()}


def _truth_rows(agency: str, name: str, sheet: str, table: dict[str, Any], pop: Population) -> Any:
    k = len(table["child"])
    return {
        "agency": np.full(k, agency, dtype=object),
        "file": np.full(k, name, dtype=object),
        "sheet": np.full(k, sheet, dtype=object),
        "row": (np.arange(k) + 2).astype(str).astype(object),
        "agency_person_id": table["agency_person_id"],
        "child_id": pop.child_id[table["child"]],
        "noise": table["noise"],
        "fault": table["fault"],
    }


def _sheet_truth(
    sheets: dict[str, dict[str, Any]], marks: dict[str, Any], pop: Population
) -> list[dict[str, Any]]:
    by_la_id = {int(v): i for i, v in enumerate(pop.la_child_id)}
    out = []
    for sheet, cols in sheets.items():
        ids = cols["Child Unique ID"]
        child = np.array([by_la_id[int(v)] for v in ids], dtype=np.int64)
        table = {
            "child": child,
            "agency_person_id": np.array([str(v) for v in ids], dtype=object),
            "noise": np.full(child.size, "", dtype=object),
            "fault": marks[sheet],
        }
        out.append(_truth_rows("csc", WORKBOOK, sheet, table, pop))
    return out


def _write_truth(
    folder: Path, parts: list[dict[str, Any]], found: list[dict[str, Any]], pop: Population
) -> None:
    columns = {name: np.concatenate([p[name] for p in parts]) for name in TRUTH_COLUMNS}
    writer.write_csv(folder / "truth.csv", columns, TRUTH_COLUMNS)
    risk = np.array([*pop.risk_names, ""], dtype=object)[
        np.where(pop.risk >= 0, pop.risk, len(pop.risk_names))
    ]
    other = np.append(pop.child_id, "")
    children = {
        "child_id": pop.child_id,
        "household": pop.household.astype(str),
        "first_name": pop.first_name,
        "last_name": pop.last_name,
        "dob": identity.dob_text(pop.dob),
        "sex": np.array(("male", "female", "unknown"), dtype=object)[pop.sex],
        "ethnicity": np.asarray(codes.ETHNICITY_CODES, dtype=object)[pop.ethnicity],
        "postcode": pop.postcode,
        "nhs_number": pop.nhs_number,
        "la_child_id": pop.la_child_id,
        "upn": pop.upn,
        "age": pop.age.astype(str),
        "care_leaver": np.where(pop.care_leaver, "yes", "no"),
        "risk_type": risk,
        "twin_of": other[pop.twin_of],
        "namesake_of": other[pop.namesake_of],
    }
    writer.write_csv(folder / "children.csv", children, CHILD_COLUMNS)
