"""Record ids: the fast float text equals ``printf('%.7f')`` (ids stay those stored before)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from accord.analytics.datasets import POSITIONS
from accord.ingest.keys import float_text, new_connection, record_id_sql


def test_float_text_is_printf() -> None:
    rng = np.random.default_rng(7)
    n = 300_000
    values = np.concatenate(
        [
            np.round(rng.uniform(-180, 180, n), 5),  # MarineCadastre
            rng.uniform(-180, 180, n),  # decoded NMEA (minutes / 600000)
            np.round(rng.uniform(-180, 180, n), 8),  # an eighth decimal: ties at the seventh
            rng.integers(-(10**6), 10**6, n) / 1e8 * 5,  # exact halves of the seventh decimal
            rng.uniform(-1e-6, 1e-6, n // 10),  # around zero, both signs
            np.array([0.0, -0.0, 1e300, -1e300, np.inf, -np.inf, np.nan, 12.0, -5e-8, 5e-8,
                      1.23456785, 2.5e-7, -2.5e-7, 999_999.99999995, 1e6, -1e6]),
        ]
    )  # fmt: skip
    con = new_connection()
    con.register("v", pa.table({"x": values}))
    differ = con.execute(
        f"SELECT x, printf('%.7f', x), {float_text('x')} FROM v "
        f"WHERE printf('%.7f', x) IS DISTINCT FROM {float_text('x')} LIMIT 5"
    ).fetchall()
    assert differ == []


def test_position_id_is_the_md5_of_the_documented_text() -> None:
    """The id scheme of docs/ingest.md, pinned: a change would orphan every stored id."""
    import hashlib
    from datetime import UTC, datetime

    con = new_connection()
    ts = datetime(2024, 3, 1, 12, 0, 5, tzinfo=UTC)
    table = pa.table({"track_id": ["219000001"], "ts": pa.array([ts], pa.timestamp("us", "UTC")),
                      "lat": [55.123456789], "lon": [-0.5]})  # fmt: skip
    con.register("p", table)
    got = con.execute(f"SELECT {record_id_sql(POSITIONS)} FROM p").fetchall()[0][0]
    text = "\x1f".join(
        ["positions", "219000001", str(int(ts.timestamp() * 1_000_000)), "55.1234568", "-0.5000000"]
    )
    assert got == hashlib.md5(text.encode()).hexdigest()
