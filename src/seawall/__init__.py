"""Seawall: joint container-cargo targeting between border agencies."""

__version__ = "0.1.0"
