"""The normalised identities a run read, kept in the store for the next run to read only new records.

Reading and normalising every record is most of what a run does outside the model at a
million records. A run keeps its atoms and which atom each record belongs to (as Arrow
bytes, in the same transaction as its child ids); an incremental run reads those, then
reads and normalises only the records added since and places each in its atom: an existing
one when its identity is one already seen, else a new one numbered after the others. The
atoms come out exactly as :func:`jtai.linkage.steps.read_identities` would give them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from jtai.linkage.normalise import identity_frame
from jtai.linkage.steps import Identities, atom_keys
from jtai.store import link_basis
from jtai.store import linkage as store

if TYPE_CHECKING:
    import sqlite3

    import pandas as pd


@dataclass(frozen=True)
class Read:
    """A run's identities, and what it read afresh.

    Attributes:
        data: every record's identity.
        first_new_atom: the first atom it found afresh (0 when it read every record).
        newer_than: it read the records with ids above this afresh (0: every record).
    """

    data: Identities
    first_new_atom: int = 0
    newer_than: int = 0


def read_since(conn: sqlite3.Connection, newer_than: int) -> Read | None:
    """The identities of every record, reading only records with ids above ``newer_than``.

    Returns:
        None when the kept identities do not cover exactly the records up to ``newer_than``
        (read them all instead).
    """
    import numpy as np
    import pandas as pd

    chunks = link_basis.identity_chunks(conn)
    if not chunks or chunks[-1][0] != newer_than:
        return None
    atoms = pd.concat([_frame(a) for _, a, _ in chunks], ignore_index=True)
    atoms.index.name = "atom"
    records = pd.concat([_frame(r) for _, _, r in chunks], ignore_index=True)
    if len(records) != link_basis.records_upto(conn, newer_than):
        return None
    groups, record_ids, record_group = store.identity_groups(conn, newer_than)
    kept = len(atoms)
    if len(record_ids):
        ident = identity_frame(groups)
        keys = atom_keys(atoms, ident)
        # only atoms of these agencies and person ids can be an identity seen before
        held = atoms["agency_person_id"]
        near = atoms["agency"].isin(ident["agency"].unique()) & (
            held.isna() | held.isin(ident["agency_person_id"].dropna())
        )
        known = atoms.loc[near, keys].assign(atom=np.flatnonzero(near.to_numpy()))
        found = ident[keys].merge(known, on=keys, how="left")["atom"].to_numpy(dtype=float, copy=True)
        unseen = np.isnan(found)
        fresh = ident[unseen]
        numbers = fresh.groupby(keys, dropna=False, sort=False).ngroup().to_numpy() + kept
        found[unseen] = numbers
        ident["atom"] = found.astype(np.int64)
        added = ident[unseen].assign(atom=numbers).groupby("atom", sort=True).first()
        atoms = pd.concat([atoms, added])
        adult = (ident["subject"].to_numpy() == "adult")[record_group]
        records = pd.concat(
            [
                records,
                pd.DataFrame(
                    {"id": record_ids, "atom": ident["atom"].to_numpy()[record_group], "adult": adult}
                ),
            ],
            ignore_index=True,
        )
    data = Identities(
        atoms,
        records["id"].to_numpy(dtype=np.int64),
        records["atom"].to_numpy(dtype=np.int64),
        records["adult"].to_numpy(dtype=bool),
    )
    return Read(data, kept, newer_than)


def chunk(read: Read, upto: int) -> link_basis.IdentityChunk | None:
    """What to keep of a run's identities (records up to ``upto``).

    Returns:
        All of them after a full read, what it read afresh after an incremental one, or None
        when it read no record afresh (the kept chunks already cover them all).
    """
    import pandas as pd

    if read.newer_than and read.newer_than >= upto:
        return None
    data = read.data
    new = data.record_ids > read.newer_than
    records = pd.DataFrame(
        {"id": data.record_ids[new], "atom": data.record_atom[new], "adult": data.adult[new]}
    )
    return link_basis.IdentityChunk(
        upto,
        _bytes(data.atoms.iloc[read.first_new_atom :].reset_index(drop=True)),
        _bytes(records),
        replace=read.newer_than == 0,
    )


def _bytes(frame: pd.DataFrame) -> bytes:
    """A frame as Arrow IPC bytes (LZ4-compressed: a third smaller at no cost in time)."""
    import pyarrow as pa

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="lz4")) as writer:
        writer.write_table(table)
    return bytes(sink.getvalue().to_pybytes())


def _frame(data: bytes) -> pd.DataFrame:
    """The frame :func:`_bytes` wrote, with the types :func:`.normalise.identity_frame` gives.

    Ids and flags come back as numbers, every other column as objects with None for missing,
    laid out in one block of objects (a frame built column by column is several times slower
    to copy, and the atoms are copied and sliced many times in a run).
    """
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    table = pa.ipc.open_stream(data).read_all()
    names = table.column_names
    numbers = {"id": np.int64, "atom": np.int64, "adult": bool}
    objects = [name for name in names if name not in numbers]
    block = np.full((table.num_rows, len(objects)), None, dtype=object)
    for j, name in enumerate(objects):
        column = table.column(name)
        if pa.types.is_null(column.type):  # a field no identity fills
            continue
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            block[:, j] = column.to_numpy(zero_copy_only=False)
        else:  # numbers with gaps (days since 1900)
            block[:, j] = column.to_pylist()
    frame = pd.DataFrame(block, columns=objects, dtype=object, copy=False)
    for at, name in enumerate(names):
        if name in numbers:
            values = table.column(name).to_numpy(zero_copy_only=False).astype(numbers[name], copy=False)
            frame.insert(at, name, values)
    return frame
