"""The package's version, in one place: the floor, so that any layer may read it."""

__version__ = "0.1.0"
