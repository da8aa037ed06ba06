"""Benchmarks: scripts that print measured figures (never asserted by the test suite)."""
