"""The pull-request side: git plumbing that never runs anything from the repository (``git``),
who may change what (``ownership``, a pure decision) and what merging would change (``diff``).

May import: ``cim.pipeline`` and everything below it.
"""
