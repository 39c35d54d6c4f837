"""Accord: coordinated, multinational sanctions monitoring."""

__version__ = "0.1.0"
