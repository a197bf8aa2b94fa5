"""This phase's readiness checks (see plans/readiness.py)."""

CHECKS = []
