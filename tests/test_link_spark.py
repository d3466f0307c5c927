"""The Spark engine in Spark's local mode: the same clusters as DuckDB, must-not-link rules kept.

One fictional area of 2,000 children is generated and loaded into two workspaces; one is
linked on DuckDB, the other with ``jtai link --engine spark`` (pyspark comes with the dev
extra, and Java 17 with the machine). The Spark workspace's inspection.yaml gives Spark the
settings a small area on one machine runs quickest with (see SMALL_AREA_SPARK): they change
how fast Spark plans and runs, never what it computes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from jtai import workspace
from jtai.ingest import load_files
from jtai.linkage import link
from jtai.synth import AGENCY_FILES, WORKBOOK, SynthConfig, generate

CHILDREN = 2_000
# linkage.spark for a few thousand identities in local mode: the JVM's quick compiler only
# (the run is too short for the optimising one to pay back), no re-planning of each query
# while it runs, and one shuffle partition per core.
SMALL_AREA_SPARK = """\
  spark:
    config:
      spark.driver.extraJavaOptions: -XX:TieredStopAtLevel=1 -XX:+UseSerialGC
      spark.sql.adaptive.enabled: "false"
      spark.sql.shuffle.partitions: 2
"""


def _loaded(base, name):  # type: ignore[no-untyped-def]
    ws = workspace.create(base / name, area="Seaborough", framework="exploitation-2018",
                          fieldwork_start=dt.date(2018, 3, 19))  # fmt: skip
    if name == "spark":
        text = ws.config_path.read_text(encoding="utf-8")
        assert "\n  lower: 0.50\n" in text
        ws.config_path.write_text(text.replace("\n  lower: 0.50\n", "\n  lower: 0.50\n" + SMALL_AREA_SPARK))
        ws = workspace.Workspace(ws.root)
        assert ws.config["linkage"]["spark"]["config"]["spark.sql.shuffle.partitions"] == 2
    extracts = base / "synth" / "extracts"
    for agency, file in AGENCY_FILES.items():
        load_files(ws, [extracts / file], agency=agency, today=dt.date(2018, 3, 19))
    load_files(ws, [extracts / WORKBOOK], agency="csc", today=dt.date(2018, 3, 19))
    return ws


@pytest.fixture(scope="module")
def both(tmp_path_factory):  # type: ignore[no-untyped-def]
    """The same 2,000 children linked by each engine: (duckdb links, spark links, spark store)."""
    base = tmp_path_factory.mktemp("spark")
    generate(base / "synth", SynthConfig(children=CHILDREN, seed=7))
    duck, spark = _loaded(base, "duck"), _loaded(base, "spark")
    out = []
    for ws, engine in ((duck, "duckdb"), (spark, "spark")):
        conn = ws.connect()
        summary = link(ws, conn, engine=engine)
        assert summary.model_links > 0, engine  # the model ran and linked, not only identifiers
        out.append(
            dict(conn.execute("SELECT source_row || '/' || file_id || '/' || sheet, child_id FROM records"))
        )
        if engine == "spark":
            out.append(conn)
        else:
            conn.close()
    return out


def _pairs(counter: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in counter.values())


def test_spark_clusters_agree_with_duckdb(both) -> None:  # type: ignore[no-untyped-def]
    """Pairwise F1 between the Spark engine's clusters and the DuckDB engine's is at least 0.999."""
    duck, spark, _conn = both
    assert duck.keys() == spark.keys()
    common = _pairs(Counter((duck[r], spark[r]) for r in duck))
    precision = common / _pairs(Counter(spark.values()))
    recall = common / _pairs(Counter(duck.values()))
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.999, (precision, recall)


def test_spark_keeps_must_not_link_rules(both) -> None:  # type: ignore[no-untyped-def]
    """No child linked on Spark holds two NHS numbers or two recorded sexes."""
    _duck, _spark, conn = both
    held: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for child, nhs, sex in conn.execute(
        "SELECT child_id, nhs_number, sex FROM records WHERE child_id IS NOT NULL"
    ):
        if nhs:
            held[child]["nhs"].add(nhs)
        if sex in ("M", "F", "male", "female"):
            held[child]["sex"].add(sex)
    assert held  # the test is not empty
    assert all(len(v["nhs"]) <= 1 and len(v["sex"]) <= 1 for v in held.values())


def test_missing_pyspark_is_a_clear_config_error(ws, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    """Without pyspark, --engine spark is exit 6 naming the extra, before anything is read."""
    import builtins

    real = builtins.__import__

    def no_pyspark(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "pyspark" or name.startswith("pyspark."):
            raise ImportError(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    from jtai.errors import ConfigError
    from jtai.linkage.spark import check_available

    with pytest.raises(ConfigError, match=r"jtai\[spark\]") as caught:
        check_available()
    assert caught.value.exit_code == 6


def test_missing_java_is_a_clear_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without Java on the PATH or in JAVA_HOME, the Spark engine is exit 6 saying so."""
    from jtai.errors import ConfigError
    from jtai.linkage import spark

    monkeypatch.setattr(spark.shutil, "which", lambda _name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(ConfigError, match="Java runtime") as caught:
        spark.check_available()
    assert caught.value.exit_code == 6


def test_unknown_engine_is_refused(run, ws) -> None:  # type: ignore[no-untyped-def]
    """`jtai link --engine sqlite` is exit 6 naming the engines."""
    result = run("--workspace", str(ws.root), "link", "--engine", "sqlite")
    assert result.exit_code == 6, result.output
    assert "duckdb, spark" in result.stderr


def test_local_mode_gets_half_the_memory_unless_set(monkeypatch: pytest.MonkeyPatch) -> None:
    """Spark's own 1 GB heap runs out at about 100,000 records in local mode, where the
    executors share the driver's JVM: the engine asks for half the machine unless told."""
    from jtai.linkage import spark

    pages = {"SC_PAGE_SIZE": 4096, "SC_PHYS_PAGES": 24 * 2**30 // 4096}
    monkeypatch.setattr(spark.os, "sysconf", lambda name: pages[name])
    assert spark.session_settings("local[*]", {}) == {"spark.driver.memory": "12g"}
    assert spark.session_settings("local[2]", {"spark.driver.memory": "3g", "a": 1}) == {
        "spark.driver.memory": "3g",
        "a": "1",
    }
    # on a cluster the driver's heap is the cluster's business
    assert spark.session_settings("spark://host:7077", {}) == {}
    pages["SC_PHYS_PAGES"] = 2**30 // 4096  # a 1 GB machine still gets a heap
    assert spark.session_settings("local", {}) == {"spark.driver.memory": "1g"}
