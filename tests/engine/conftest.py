"""Engine fixtures: DuckDB always; Spark local mode when PySpark and Java are present.

Spark tests are marked ``spark`` and kept few and small (a JVM start costs seconds).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tmec.engine import Engine, connect, spark_available


@pytest.fixture
def duck() -> Iterator[Engine]:
    e = connect("duckdb", threads=2)
    yield e
    e.close()


@pytest.fixture(scope="session")
def spark_engine() -> Iterator[Engine]:
    why = spark_available()
    if why:
        if os.environ.get("TMEC_REQUIRE_SPARK"):
            pytest.fail(f"TMEC_REQUIRE_SPARK is set but Spark cannot run: {why}")
        pytest.skip(f"Spark tests skipped: {why}")
    e = connect("spark", spark_conf={"spark.driver.memory": "1g"})
    yield e
    e.close()


@pytest.fixture(autouse=True)
def own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test its own ``$TMEC_HOME``: the exposure keeps the keys it prices there
    (``tmec.engine.pricing_cache``), and a test must not read another's (nor the user's)."""
    monkeypatch.setenv("TMEC_HOME", str(tmp_path_factory.mktemp("home")))
