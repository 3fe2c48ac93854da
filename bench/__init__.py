"""Benchmarks: scripts that measure yekuo and print figures (never pass/fail tests)."""
