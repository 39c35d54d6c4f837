"""The analytical store: Parquet datasets under the data directory, read as Ibis tables.

Indicator code asks this store for tables and writes Ibis expressions only, so the same expression
runs on the embedded DuckDB default or, at scale, on PySpark (or Trino) over the same files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ibis
import pyarrow as pa

from accord.analytics.datasets import AMENDMENTS, DATASETS, Dataset, get_dataset
from accord.analytics.manifest import Manifest, ManifestEntry
from accord.settings import Settings, get_settings

#: The partition column every dataset exposes, read from the ``date=YYYY-MM-DD`` folder names.
PARTITION = "date"


def analytics_root(settings: Settings | None = None) -> Path:
    return (settings or get_settings()).data_dir / "analytics"


class AnalyticsStore:
    """Ibis tables over the Parquet datasets in ``root`` (default: ``<data_dir>/analytics``).

    ``backend`` is any Ibis backend with ``read_parquet``; DuckDB in memory by default. On
    backends other than DuckDB the dataset folder is handed over as is and the engine discovers the
    ``date=`` partitions itself (Spark does so natively).
    """

    def __init__(self, root: Path | None = None, backend: Any | None = None) -> None:
        self.root = root or analytics_root()
        self.backend: Any = backend if backend is not None else ibis.duckdb.connect()
        if self.backend.name == "duckdb":
            # The session zone decides how TIMESTAMPTZ values print and cast to DATE: pin it.
            self.backend.raw_sql("SET TimeZone = 'UTC'")

    def path(self, dataset: str | Dataset) -> Path:
        ds = get_dataset(dataset) if isinstance(dataset, str) else dataset
        return self.root / ds.name

    def files(self, dataset: str | Dataset) -> list[Path]:
        folder = self.path(dataset)
        return sorted(folder.glob("date=*/*.parquet")) if folder.exists() else []

    def table(self, dataset: str, *, history: bool = False) -> ibis.Table:
        """The dataset as an Ibis table, with its ``date`` partition column.

        Records that were amended (a correction re-sent with the same key) show their current
        version only; ``history=True`` shows every stored version, and the ``amendments``
        dataset says which version superseded which."""
        ds = get_dataset(dataset)
        table = self._read(ds)
        if history or not ds.amendable or not self.files(AMENDMENTS):
            return table
        amendments = self._read(AMENDMENTS)
        superseded = amendments.filter(amendments.dataset == ds.name).select(
            old_id=amendments.amended_record_id, old_file=amendments.superseded_file
        )
        return table.anti_join(
            superseded,
            [table.record_id == superseded.old_id, table.source_file == superseded.old_file],
        )

    def _read(self, ds: Dataset) -> ibis.Table:
        if not self.files(ds):
            # An empty dataset still has its declared columns, so expressions can be built on it.
            empty = ds.schema.empty_table().append_column(PARTITION, pa.array([], type=pa.date32()))
            return ibis.memtable(empty)
        if self.backend.name == "duckdb":
            return self.backend.read_parquet(
                str(self.path(ds) / "*" / "*.parquet"),
                table_name=ds.name,
                hive_partitioning=True,
            )
        return self.backend.read_parquet(str(self.path(ds)), table_name=ds.name)

    def tables(self) -> dict[str, ibis.Table]:
        return {name: self.table(name) for name in DATASETS}

    def counts(self) -> dict[str, int]:
        """Rows per dataset (a quick health view for the CLI and tests)."""
        return {name: int(self.table(name).count().execute()) for name in DATASETS}

    def manifest(self) -> list[ManifestEntry]:
        return Manifest(self.root).entries()
