"""PySpark jobs for the EMR platform and the small framework they share."""

__version__ = "0.1.0"
