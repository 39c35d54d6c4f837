"""Shore distance and the port gazetteer against known places."""

from __future__ import annotations

import pytest

from accord.geo.ports import all_ports, get_port, port_cells
from accord.geo.shore import CAP_NM, shore_distance_nm


@pytest.mark.parametrize(
    ("lat", "lon", "lo", "hi"),
    [
        (34.0, -40.0, CAP_NM, CAP_NM),  # mid-Atlantic: beyond the cap
        (29.9, 32.56, 0, 2),  # Suez town: on land
        (40.0, -70.0, 55, 85),  # south of Nantucket (41.25N 70.1W: ≈ 75 nm)
        (36.0, 15.0, 15, 35),  # south-east of Sicily
    ],
)
def test_shore_distance(lat: float, lon: float, lo: float, hi: float) -> None:
    assert lo <= shore_distance_nm(lat, lon) <= hi


def test_gazetteer_has_sanctioned_oil_ports() -> None:
    for code in ("RUNVS", "RUPRI", "RUULU", "IRBND", "KPNAM", "SYBAN"):
        assert get_port(code).country == code[:2]
    assert len(all_ports()) > 3000


def test_port_cells_cover_the_radius_at_high_latitude() -> None:
    cells = port_cells(10, {"RU"}).to_pylist()
    murmansk = [c for c in cells if c["locode"] == "RUMMK"]
    # At 69°N 10 km is ~2.5 cells of longitude each way but ~1 of latitude.
    assert len({c["cell_lon"] for c in murmansk}) > len({c["cell_lat"] for c in murmansk})
