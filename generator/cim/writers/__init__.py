"""Writers: place the site's pages and files. ``mkdocs`` is the MkDocs plugin — the only
module in the project that imports MkDocs.

May import anything in ``cim`` except ``cim.cli``.
"""
