"""Screening, programme generation, progression and pain rules: pure functions on typed data."""
