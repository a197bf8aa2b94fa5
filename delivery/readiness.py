"""This phase's readiness checks (see plans/readiness.py)."""

from microcred.plans.readiness import ReadinessCheck

CHECKS: list[ReadinessCheck] = []
