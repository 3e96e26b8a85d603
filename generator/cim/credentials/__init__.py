"""Credentials: Ed25519 keys and ``did:web`` (``keys``), Data Integrity proofs (``proofs``),
Open Badges 3.0 credentials, the status list and the DID document (``badge``), and
verification, check by check (``verify``).

May import: ``cim.scoring``, ``cim.model``, ``cim.read``, ``cim.problems``.
"""
