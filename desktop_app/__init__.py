"""Методактив: the methodist's registry of the municipal methodological active and mentorship."""

__version__ = "0.1.0"
APP_NAME = "Методактив"
APP_ID = "metodaktiv"
