"""Columns of text as the normalisers handle them: factorized once, edited in pyarrow.

A column of a million rows often holds far fewer distinct values, so the normalisers work on
those and spread the results back (:func:`by_distinct`); each column's factorization is kept
for the length of one table's checks (:func:`factor_cache`) and carried over when a column is
emptied or filled in places (:func:`blanked`, :func:`filled`), so the records' codes cost no
second pass over the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Factorizations of the Series being checked (see factor_cache), by id of the Series; the
# Series is kept in the entry so its id cannot be reused while the cache lives.
_FACTORS: ContextVar[dict[int, tuple[pd.Series, np.ndarray, pd.Index]] | None] = ContextVar(
    "_FACTORS", default=None
)


@contextmanager
def factor_cache() -> Iterator[None]:
    """Within the block, each Series is factorized once by :func:`factorize` and the normalisers.

    A column that normalising leaves as it came (the usual case) is the same Series object
    afterwards, so the codes found while normalising it are reused for the records.
    """
    token = _FACTORS.set({})
    try:
        yield
    finally:
        _FACTORS.reset(token)


def factorize(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """:func:`pandas.factorize` (code -1 for a missing value), reusing :func:`factor_cache`."""
    import pandas as pd

    codes, uniques = cached_factors(values)
    if uniques.hasnans:  # cached with missing values as a value of their own: not the same
        return pd.factorize(values)
    return codes, uniques


def cached_factors(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and distinct values, a missing value being one of them (cached in factor_cache)."""
    import pandas as pd

    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        return codes, uniques
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if cache is not None:
        cache[id(values)] = (values, codes, uniques)
    return codes, uniques


def by_distinct(
    values: pd.Series, normalise: Callable[[pd.Series], tuple[pd.Series, np.ndarray]]
) -> tuple[pd.Series, np.ndarray]:
    """``normalise`` applied to the distinct values only, its results spread back to the rows.

    Hashing a column is several times faster than a regular expression over it, and a
    column of a million rows often holds far fewer values (a few thousand days or
    postcodes, a person id per person). Unchanged values are returned as they came.
    """
    import pandas as pd
    import pyarrow as pa

    codes, uniques = cached_factors(values)
    if not len(values) or 2 * len(uniques) > len(values):
        return normalise(values)
    distinct = pd.Series(uniques)
    out, bad = normalise(distinct)
    if out is distinct or _same_text(out, distinct):  # already normal (ISO dates): as they came
        return values, bad[codes]
    result = text_series(arrow(out).take(pa.array(codes)), values.index)
    seed(result, codes, out)
    return result, bad[codes]


def _same_text(left: pd.Series, right: pd.Series) -> bool:
    """Whether two text Series hold the same values, in order (a missing value equals none)."""
    import pyarrow.compute as pc

    if len(left) != len(right):
        return False
    equal = pc.fill_null(pc.equal(arrow(left), arrow(right)), False)
    return bool(pc.all(equal).as_py())


def seed(result: pd.Series, codes: np.ndarray, distinct: pd.Series) -> None:
    """Cache the factorization of ``result``, the values ``distinct`` spread by ``codes``.

    Normalising may make two distinct values equal (or empty), so the distinct results are
    factorized again (few) and the codes composed: no pass over the whole column.
    """
    import pandas as pd

    cache = _FACTORS.get()
    if cache is None:
        return
    inner, uniques = pd.factorize(distinct, use_na_sentinel=False)
    cache[id(result)] = (result, inner[codes], uniques)


def arrow(values: pd.Series) -> Any:
    """The pyarrow array behind a text Series."""
    import pyarrow as pa

    return pa.chunked_array(values.array.__arrow_array__())


def text_series(array: Any, index: pd.Index) -> pd.Series:
    """A text Series over a pyarrow array (no copy of the strings)."""
    import numpy as np
    import pandas as pd

    series = array.to_pandas(types_mapper=lambda _: pd.StringDtype("pyarrow", na_value=np.nan))
    return series.set_axis(index)  # type: ignore[no-any-return]


def replaced(values: pd.Series, rows: np.ndarray, new: pd.Series | str) -> pd.Series:
    """``values`` with the ``rows`` replaced, by the values of ``new`` in order or by one text.

    In pyarrow: many times faster than :meth:`pandas.Series.where` with ``new`` spread over
    the whole index, which a few bad values among many would cost.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = arrow(values)
    mask = pa.array(rows, type=pa.bool_())
    if isinstance(new, str):
        out = pc.if_else(mask, pa.scalar(new, cells.type), cells)
    else:
        out = pc.replace_with_mask(cells, mask, arrow(new).combine_chunks().cast(cells.type))
    return text_series(out, values.index)


def blanked(values: pd.Series, rows: np.ndarray) -> pd.Series:
    """``values`` with the ``rows`` emptied, its factorization carried over when it is cached.

    Each distinct value keeps its code and the emptied rows take the code of ``""``, so the
    column is not factorized again (a pass over every row) for a few bad cells.
    """
    import numpy as np
    import pandas as pd

    out = replaced(values, rows, "")
    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        empty = np.flatnonzero(np.asarray(uniques == "", dtype=bool))
        if not len(empty):
            uniques = uniques.append(pd.Index([""], dtype=uniques.dtype))
        codes = codes.copy()
        codes[rows] = empty[0] if len(empty) else len(uniques) - 1
        cache[id(out)] = (out, codes, uniques)
    return out


def filled(values: pd.Series, text: str) -> pd.Series:
    """``values`` with every empty cell set to ``text``, its factorization carried over when cached."""
    import numpy as np

    empty = (values == "").to_numpy(dtype=bool, na_value=False)
    if not empty.any():
        return values
    out = replaced(values, empty, text)
    cache = _FACTORS.get()
    if cache is not None and id(values) in cache:
        _, codes, uniques = cache[id(values)]
        names = uniques.tolist()
        if text in names:  # the empty cells join the cells holding it
            codes = np.where(codes == names.index(""), names.index(text), codes)
        else:
            uniques = uniques.where(uniques != "", text)
        cache[id(out)] = (out, codes, uniques)
    return out
