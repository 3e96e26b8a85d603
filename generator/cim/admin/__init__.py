"""The administrators' lists: Ladok, ceremonies, the exchange celebration (``exports``).

May import: ``cim.pipeline`` and everything below it, ``cim.credentials``.
"""
