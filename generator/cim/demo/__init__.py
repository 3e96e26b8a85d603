"""Demonstration content: evidence drawn with Pillow (``evidence``) and realistic repositories
of any size (``repository``), for the demo site, the tests and the benchmark.

May import: ``cim.pipeline`` and everything below it.
"""
