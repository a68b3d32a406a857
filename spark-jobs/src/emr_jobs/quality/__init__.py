"""Data-quality rules and their evaluation on a DataFrame."""
