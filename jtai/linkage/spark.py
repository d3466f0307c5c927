"""The Spark engine: the same splink model, run by splink's Spark backend.

``jtai link --engine spark`` (or ``linkage.engine: spark`` in inspection.yaml) trains and
scores on Spark instead of DuckDB, so a regional data set can be linked on a cluster. Only
the identities (names, dates of birth, sex, postcodes and the other compared fields) are
sent to Spark; the scored pairs come back for the must-not-link clustering, which runs here
as it does for DuckDB. Spark is an optional extra: ``pip install "jtai[spark]"``, with Java
17 or newer on the PATH (or ``JAVA_HOME``).

Settings (inspection.yaml)::

    linkage:
      engine: spark
      spark:
        master: local[2]              # or spark://host:7077, yarn, k8s://...
        config:                       # any Spark setting, passed as it is
          spark.driver.memory: 4g
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from jtai.errors import ConfigError
from jtai.settings import LINK_ENGINES

ENGINES = LINK_ENGINES
DEFAULT_MASTER = "local[2]"
_EXTRA_HINT = 'Install the Spark extra: pip install "jtai[spark]" (it needs Java 17 or newer).'


def check_available() -> None:
    """Raise unless pyspark imports and a Java runtime can be found.

    Raises:
        ConfigError: pyspark is not installed, or no Java runtime is found (exit code 6).
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise ConfigError(
            "The Spark engine needs pyspark, which is not installed.", hint=_EXTRA_HINT
        ) from None
    java_home = os.environ.get("JAVA_HOME")
    home_java = Path(java_home) / "bin" / "java" if java_home else None
    if shutil.which("java") is None and not (home_java is not None and home_java.is_file()):
        raise ConfigError(
            "The Spark engine needs a Java runtime, and none was found on the PATH or in JAVA_HOME.",
            hint="Install Java 17 or newer (e.g. apt-get install openjdk-17-jre-headless), or set JAVA_HOME.",
        )


@contextmanager
def spark_api(options: Mapping[str, Any]) -> Iterator[Any]:
    """A splink ``SparkAPI`` on a Spark session built from ``options`` (stopped afterwards).

    Args:
        options: ``master`` and ``config`` from the ``linkage.spark`` setting.

    Raises:
        ConfigError: Spark is not available (see :func:`check_available`).
    """
    check_available()
    with warnings.catch_warnings():
        # pyspark warns that it does not yet fully support pandas 3; the engine hands Spark
        # plain columns and takes back a pandas frame of pairs, which works
        warnings.filterwarnings(
            "ignore", message="PySpark does not yet fully support pandas", category=FutureWarning
        )
        # pandas 3 deprecates an argument that pyspark's Arrow conversion still passes
        warnings.filterwarnings(
            "ignore", message="The copy keyword is deprecated", category=DeprecationWarning
        )
        yield from _session_api(options)


def local_driver_memory() -> str:
    """The heap Spark's local mode gets unless ``spark.driver.memory`` is set: half of memory.

    In local mode the executors run inside the driver's JVM, so every step the engine keeps in
    memory shares its heap; Spark's own default of 1 GB runs out at about 100,000 records, and a
    task that runs out of heap leaves the collect of its results waiting for ever.
    """
    try:
        total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return "4g"
    return f"{max(1, total // 2 // 2**30)}g"


def session_settings(master: str, config: Mapping[str, Any]) -> dict[str, str]:
    """The user's Spark settings, with the local mode's heap added where they leave it out."""
    settings = {str(key): str(value) for key, value in dict(config).items()}
    if master.startswith("local"):
        settings.setdefault("spark.driver.memory", local_driver_memory())
    return settings


def _session_api(options: Mapping[str, Any]) -> Iterator[Any]:
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    master = str(options.get("master") or DEFAULT_MASTER)
    config = options.get("config") or {}
    with tempfile.TemporaryDirectory(prefix="jtai-spark-") as scratch:
        builder = (
            SparkSession.builder.master(master)
            .appName("jtai link")
            .config("spark.jars", similarity_jar_location())
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.sql.shuffle.partitions", "4" if master.startswith("local") else "200")
            .config("spark.local.dir", scratch)
        )
        for key, value in session_settings(master, config).items():
            builder = builder.config(key, value)
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        session.sparkContext.setCheckpointDir(str(Path(scratch) / "checkpoints"))
        try:
            # on one machine, keeping each step's result in memory beats writing it to parquet
            lineage = "persist" if master.startswith("local") else "parquet"
            yield SparkAPI(spark_session=session, break_lineage_method=lineage)  # type: ignore[no-untyped-call]
        finally:
            session.stop()
