"""The model: what the scheme's files mean, as plain data — rules, the activity catalogue,
portfolios and their entries, awards and the issuer, evidence kinds, semesters, and where
each file lives (``layout``). No checking, scoring or output here.

May import: ``cim.read``, ``cim.problems``, ``cim.speed``.
"""
