"""The analytical store: declared schemas on disk, UTC, partitions, portable Ibis expressions."""

from __future__ import annotations

from pathlib import Path

import ibis
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from accord.analytics.datasets import DATASETS, TS, load_dataset
from accord.analytics.store import AnalyticsStore
from accord.ingest.base import IngestOptions
from accord.ingest.kinds import get_kind
from accord.ingest.pipeline import ingest
from accord.settings import Settings
from tests.conftest import require_shared, shared_dir


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> AnalyticsStore:
    """A store with AIS, payments and vessels from the shared data."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("data"), shared_dir=shared_dir())
    options = IngestOptions(assume_timezone="UTC")
    for kind, rel in [("ais", "ais/nmea_tagblock_20211101.nm4"),
                      ("ais", "ais/suez_evergiven_boat_positions_202103.csv"),
                      ("payments", "payments/pacs.008.001.08_sample.xml"),
                      ("vessels", "vessels/gur_shadow_fleet_imo_names.csv")]:  # fmt: skip
        ingest(get_kind(kind), [require_shared(rel)], settings=settings, options=options)
    return AnalyticsStore(settings.data_dir / "analytics")


def test_files_have_the_declared_schema(filled: AnalyticsStore) -> None:
    written = [name for name in DATASETS if filled.files(name)]
    assert {"positions", "ais_messages", "vessel_static", "payments", "parties"} <= set(written)
    for name in written:
        for path in filled.files(name):
            assert pq.read_schema(path).remove_metadata() == DATASETS[name].schema, path


def test_every_timestamp_is_utc() -> None:
    for ds in DATASETS.values():
        for field in ds.schema:
            if pa.types.is_timestamp(field.type):
                assert field.type == TS, (ds.name, field.name)


def test_partitions_by_date(filled: AnalyticsStore) -> None:
    pos = filled.table("positions")
    folders = {p.parent.name for p in filled.files("positions")}
    days = pos.ts.date().cast("string").name("d")
    assert folders == {f"date={d}" for d in pos.select(days).distinct().d.execute()}
    mismatched = pos.filter(pos.ts.date() != pos.date).count().execute()
    assert mismatched == 0


def test_empty_dataset_has_its_columns(filled: AnalyticsStore) -> None:
    t = filled.table("denials")
    assert t.count().execute() == 0
    assert list(t.columns) == [*DATASETS["denials"].schema.names, "date"]


def test_expressions_compile_for_spark(filled: AnalyticsStore) -> None:
    """Indicator code writes Ibis only: the same expression must compile for other engines.

    PySpark itself is not installed here (a JVM and ~470 MB); Ibis's PySpark compiler needs it
    loaded, so Spark SQL is checked through the Databricks dialect, plus Trino.
    """
    pos = filled.table("positions")
    gaps = (
        pos.mutate(prev=pos.ts.lag().over(group_by=pos.track_id, order_by=pos.ts))
        .mutate(gap_s=lambda t: t.ts.epoch_seconds() - t.prev.epoch_seconds())
        .filter(lambda t: t.gap_s >= 12 * 3600)
    )
    for dialect in ("databricks", "trino"):
        assert "LAG(" in ibis.to_sql(gaps, dialect=dialect).upper()
    # …and it runs here: SOURCES.md counts 53 gaps of 12 h or more in the Suez tracks.
    suez = gaps.filter(gaps.source == "vesselsvalue")
    assert suez.count().execute() == 53


def test_catalogue_rejects_bad_declarations(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\ndescription: y\ncolumns: {a: string}\nkey: [a]\ndate_from: [b]\n")
    with pytest.raises(ValueError, match="undeclared columns"):
        load_dataset(bad)
    bad.write_text("name: x\ndescription: y\ncolumns: {a: text}\nkey: [a]\n")
    with pytest.raises(ValueError, match="unknown column types"):
        load_dataset(bad)
