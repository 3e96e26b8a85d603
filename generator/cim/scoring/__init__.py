"""Scoring: the points engine (``points``: eligibility → groups → repeat limit → caps), the
requirements and verdict (``verdict``) and aggregate figures (``stats``). Pure functions of the
model; their invariants are proved in ``tests/test_properties.py``.

May import: ``cim.model``, ``cim.read``, ``cim.problems``, ``cim.speed``.
"""
