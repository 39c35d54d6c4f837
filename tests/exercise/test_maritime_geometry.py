"""Geometry the vessel indicators need from the maritime schemes, checked with the indicators'
own geography (``accord.geo``), not the simulator's."""

from __future__ import annotations

import itertools

import numpy as np

from accord.exercise import geo
from accord.exercise.schemes.maritime import STS_POINT
from accord.geo.ports import get_port
from accord.geo.shore import CELL_DEG, shore_distance_nm


def test_sts_point_is_far_enough_offshore_for_loitering() -> None:
    """``vessel.loitering`` wants a mean >= 20 nm from shore (GFW); the meeting point and every
    neighbouring cell of the shore grid are >= 25 nm out, so the receiving tanker's drift at
    the point counts."""
    lon, lat = STS_POINT
    around = itertools.product((-CELL_DEG, 0.0, CELL_DEG), repeat=2)
    assert min(shore_distance_nm(lat + dy, lon + dx) for dy, dx in around) >= 25.0


def test_sanctioned_ports_are_where_the_gazetteer_puts_them() -> None:
    """A call at a sanctioned port of the simulator is within the indicators' 3 km port radius
    of the gazetteer's port of the same UN/LOCODE."""
    for p in geo.ports().values():
        if p.sanctioned:
            g = get_port(p.locode)
            km = geo.haversine_km(
                np.array(p.lon), np.array(p.lat), np.array(g.lon), np.array(g.lat)
            )
            assert float(km) < 3.0, (p.locode, float(km))
