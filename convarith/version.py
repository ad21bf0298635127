"""The version of convarith, in one place for the package, its commands and the wheel."""

__version__ = "1.1.0"
