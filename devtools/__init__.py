"""Helpers for the tests, benchmarks and scripts, not shipped in the wheel: simulated registries
for parameter recovery (`simulate`) and an independent Monte Carlo of the projection (`crosscheck`)."""
