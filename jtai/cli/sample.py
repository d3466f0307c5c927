"""`jtai sample tracked | front-door | size | replace | show | export`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jtai.cli._common import JsonOption, cli
from jtai.cli._output import LegacyFile, Output, output_path

if TYPE_CHECKING:
    from jtai.sampling import Sample

sample_app = typer.Typer(
    help="Choose children to track and a front-door sample, reproducibly and with reasons.\n\n"
    "Example: jtai sample tracked --seed 2018",
    no_args_is_help=True,
)


class Kind(StrEnum):
    """Which kind of sample a command reads."""

    tracked = "tracked"
    front_door = "front-door"


SeedOption = Annotated[
    int | None,
    typer.Option(
        "--seed",
        min=0,
        help="Random seed, a whole number: the same seed and records give the same sample "
        "(default: a new one, stored with the sample).",
        show_default=False,
    ),
]
SampleOption = Annotated[
    int | None, typer.Option("--sample", min=1, help="Sample number (default: the newest of its kind).")
]
KindOption = Annotated[Kind, typer.Option("--kind", help="Which sample: tracked or front-door.")]


@sample_app.command("tracked")
def tracked(
    n: Annotated[
        int | None, typer.Option("--n", min=1, help="Children to track (default: framework's).")
    ] = None,
    reserves: Annotated[
        int | None, typer.Option("--reserves", min=0, help="Reserves per stratum (default: framework's).")
    ] = None,
    seed: SeedOption = None,
    exclude: Annotated[
        Path | None,
        typer.Option(
            "--exclude",
            exists=True,
            dir_okay=False,
            help="File of children to leave out: one pseudonym or child id per line.",
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Draw the children to track from the theme cohort, stratified by the framework's strata.

    Example: jtai sample tracked --n 6 --reserves 2 --seed 2018
    """
    from jtai.sampling import draw_tracked

    sample = draw_tracked(cli().open_workspace(), n=n, reserves=reserves, seed=seed, exclude=exclude)
    _print(sample, as_json)
    _warn_if_short(sample)


@sample_app.command("front-door")
def front_door(
    n: Annotated[
        int | None,
        typer.Option("--n", min=1, help="Contacts and referrals to sample (default: the framework's)."),
    ] = None,
    months: Annotated[
        int | None,
        typer.Option(
            "--months", min=1, help="Window before fieldwork, in months (default: the framework's)."
        ),
    ] = None,
    reserves: Annotated[int, typer.Option("--reserves", min=0, help="Reserves per stratum.")] = 0,
    seed: SeedOption = None,
    as_json: JsonOption = False,
) -> None:
    """Sample contacts and referrals in the window, by source and outcome, proportionally.

    Example: jtai sample front-door --n 40 --months 6 --seed 2018
    """
    from jtai.sampling import draw_front_door

    sample = draw_front_door(cli().open_workspace(), n=n, months=months, seed=seed, reserves=reserves)
    _print(sample, as_json)
    _warn_if_short(sample)


@sample_app.command("size")
def size(
    confidence: Annotated[float, typer.Option("--confidence", help="Confidence level, e.g. 0.95.")] = 0.95,
    tolerable_rate: Annotated[
        float, typer.Option("--tolerable-rate", help="Highest acceptable deviation rate, e.g. 0.05.")
    ] = 0.05,
    expected_rate: Annotated[
        float, typer.Option("--expected-rate", help="Deviation rate you expect, e.g. 0.01.")
    ] = 0.0,
    population: Annotated[
        int | None,
        typer.Option("--population", help="Cases in the population (exact hypergeometric size)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """The attribute-sampling sample size (binomial, or hypergeometric with --population).

    Example: jtai sample size --confidence 0.95 --tolerable-rate 0.05
    """
    from jtai.sampling import sample_size

    result = sample_size(confidence, tolerable_rate, expected_rate, population)
    if as_json:
        cli().print_json(result.to_dict())
        return
    of = f" of a population of {population:,}" if population is not None else ""
    cli().out.print(f"Sample size: [bold]{result.n:,}[/] cases{of} ({result.method}).", highlight=False)
    cli().out.print(
        f"At {confidence:.0%} confidence the deviation rate is below {tolerable_rate:.1%} if the sample "
        f"shows at most {result.deviations_allowed} deviations (expected rate {expected_rate:.2%}).",
        highlight=False,
    )


@sample_app.command("replace")
def replace(
    ref: Annotated[
        str, typer.Argument(help="The child's pseudonym (C-...), or R<id> for a front-door record.")
    ],
    reason: Annotated[str, typer.Option("--reason", help="Why, e.g. 'family declined'.")],
    sample_id: SampleOption = None,
    as_json: JsonOption = False,
) -> None:
    """Swap one case for a reserve of the same stratum; the rest of the sample is unchanged.

    Example: jtai sample replace C-7KQ3-XM9D --reason "family declined"
    """
    from jtai.sampling import replace as do_replace

    out, into = do_replace(cli().open_workspace(), ref, reason, sample_id=sample_id)
    if as_json:
        cli().print_json({"withdrawn": out.to_dict(), "promoted": into.to_dict(), "reason": reason})
        return
    cli().out.print(
        f"Replaced {out.record_ref or out.pseudonym} ({out.reason}) with reserve "
        f"{into.record_ref or into.pseudonym} ({into.reason}). Reason recorded: {reason}",
        highlight=False,
    )


@sample_app.command("show")
def show(
    kind: KindOption = Kind.tracked,
    sample_id: SampleOption = None,
    list_all: Annotated[bool, typer.Option("--list", help="List every sample drawn, oldest first.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show a sample: its allocation, members, reasons, seed and replacements.

    Example: jtai sample show --kind front-door
    """
    if list_all:
        from jtai.cli.sample_tables import sample_list
        from jtai.sampling import all_samples

        samples = all_samples(cli().open_workspace())
        if as_json:
            cli().print_json([{k: v for k, v in s.to_dict().items() if k != "members"} for s in samples])
        else:
            cli().show(sample_list(samples))
        return
    _print(_sample(kind, sample_id), as_json)


@sample_app.command("verify")
def verify(
    kind: KindOption = Kind.tracked, sample_id: SampleOption = None, as_json: JsonOption = False
) -> None:
    """Draw a stored sample again from the records now loaded and check it comes out the same.

    Also checks every member, role and replacement against the audit log. Exits 8 when the
    sample does not reproduce from today's records, 9 when it was changed behind the tool's back.

    Example: jtai sample verify --kind tracked
    """
    from jtai.errors import ConflictError, TamperedError
    from jtai.sampling import verify_sample

    result = verify_sample(cli().open_workspace(), _sample(kind, sample_id))
    if as_json:
        cli().print_json(result.to_dict())
    elif result.reproduced:
        cli().out.print(result.message(), highlight=False)
    if result.tampered:
        raise TamperedError(
            result.message(),
            hint="Restore jtai.db from a backup, or draw a new sample and record why.",
        )
    if not result.reproduced:
        raise ConflictError(
            result.message(),
            hint="Were extracts loaded or linkage run again since? Draw a new sample, or keep this one "
            "and say why.",
        )


@sample_app.command("export")
def export(
    file: LegacyFile = None,
    output: Output = None,
    kind: KindOption = Kind.tracked,
    sample_id: SampleOption = None,
    with_identifiers: Annotated[
        bool,
        typer.Option(
            "--with-identifiers",
            help="Add names, dates of birth and ids: the list the area needs to prepare case files. "
            "Never publish it.",
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Export a sample as CSV or XLSX (pseudonyms only unless --with-identifiers).

    Example: jtai sample export -o tracked.xlsx --with-identifiers
    """
    from jtai.sampling import export_sample

    file = output_path(output, file, example="jtai sample export -o tracked.xlsx")
    ws = cli().open_workspace()
    sample = _sample(kind, sample_id)
    rows = export_sample(ws, sample, file, with_identifiers=with_identifiers, force=force)
    cli().out.print(f"Wrote {rows:,} rows of sample {sample.id} to {file}.", highlight=False)
    if with_identifiers:
        cli().err.print("This file identifies children: keep it on this machine and never publish it.")


def _sample(kind: Kind, sample_id: int | None) -> Sample:
    from jtai.errors import NotFoundError
    from jtai.sampling import FRONT_DOOR, TRACKED, latest_sample, load_sample

    ws = cli().open_workspace()
    if sample_id is not None:
        return load_sample(ws, sample_id)
    found = latest_sample(ws, TRACKED if kind is Kind.tracked else FRONT_DOOR)
    if found is None:
        raise NotFoundError(
            f"No {kind.value} sample has been drawn in this workspace.",
            hint=f"Draw one with `jtai sample {kind.value}`.",
        )
    return found


def _print(sample: Sample, as_json: bool) -> None:
    from jtai.cli.sample_tables import renderables

    if as_json:
        cli().print_json(sample.to_dict())
        return
    for item in renderables(sample):
        cli().show(item)


def _warn_if_short(sample: Sample) -> None:
    """Say on stderr, after the sample (and with --json too), when it is smaller than asked."""
    from jtai.cli.sample_tables import shortfall

    warning = shortfall(sample)
    if warning:
        cli().err.print(f"Warning: {warning}", highlight=False)


def register(app: typer.Typer) -> None:
    """Add `jtai sample` to ``app``."""
    app.add_typer(sample_app, name="sample")
