"""The site: what may be published and how each page looks — the site plan (``plan``), evidence
copies (``evidence``), certificate cards (``card``), SVG charts (``charts``) and the page
templates (``templates/``). Produces paths and HTML; knows nothing of MkDocs.

May import: ``cim.pipeline``, ``cim.credentials``, ``cim.checks``, ``cim.scoring``,
``cim.model``, ``cim.read``, ``cim.problems``, ``cim.speed``.
"""
