"""Benchmarks of worktext against named peers; each prints its figures, none asserts."""
