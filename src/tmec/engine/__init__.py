"""Bulk work over portfolios: the only package that imports DuckDB or Spark."""
