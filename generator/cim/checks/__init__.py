"""Checks: what a schema cannot see, each said with a location and what to do.

One module per kind of thing checked: ``scheme`` (rules.yml, activities.yml), ``portfolio``
(one portfolio.yml), ``files`` (the portfolio folder and its evidence), ``evidence`` (what one
file contains), ``text`` (identity numbers and control characters in any text), ``hints``
(nearest names). Checks return problems; they never raise for bad input.

May import: ``cim.read``, ``cim.model``, ``cim.scoring.points`` (amounts), ``cim.problems``.
"""
