"""Reading: YAML files into data with a line and column for every value (``source``), and the
JSON Schemas every file is checked against (``schema``; the schemas are in ``cim/schemas/``).

The one hardened reader for every YAML file the project reads. May import: ``cim.problems``.
"""
