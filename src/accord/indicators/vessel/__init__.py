"""The vessel indicators' logic; importing this package registers every vessel evaluator."""

from accord.indicators.vessel import encounters, gaps, identity, loitering, ports

__all__ = ["encounters", "gaps", "identity", "loitering", "ports"]
