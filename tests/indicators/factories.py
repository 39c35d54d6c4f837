"""Seeded synthetic analytical data written with the datasets' own schemas (no ingest needed)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from accord.analytics.datasets import get_dataset

T0 = datetime(2024, 3, 1, tzinfo=UTC)


def write(root: Path, dataset: str, rows: list[dict[str, Any]], part: str = "p") -> None:
    """Write ``rows`` (missing columns null) into ``root/<dataset>/date=…/<part>.parquet``."""
    ds = get_dataset(dataset)
    by_day: dict[date, list[dict[str, Any]]] = defaultdict(list)
    for i, r in enumerate(rows):
        r = {"record_id": f"{dataset}-{part}-{i}", **r}
        day = r.get("ts") or r.get("valid_from") or T0
        by_day[day.date() if isinstance(day, datetime) else day].append(r)
    for day, day_rows in by_day.items():
        cols = {f.name: [r.get(f.name) for r in day_rows] for f in ds.schema}
        table = pa.table(cols, schema=ds.schema)
        folder = root / ds.name / f"date={day.isoformat()}"
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"{part}.parquet")
