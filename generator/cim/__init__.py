"""CIM Portfolio: portfolio-as-code for a Certificate of Intercultural Merits."""

from __future__ import annotations

__version__ = "0.1.0"
