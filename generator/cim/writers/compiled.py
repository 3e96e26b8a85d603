"""The theme's templates compiled once and kept: mkdocs-material's hundred-odd templates take
a couple of seconds to compile, on every build, whatever changed.

Jinja's own bytecode cache does the work: it recompiles a template whose source changed (it
compares a hash of the source) and never reads what another version of Jinja or Python wrote.
What it does not see, the settings the environment compiles with (its extensions, the
escaping, the whitespace rules), names the cache's folder, so a change there starts afresh.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import jinja2


def compiled_templates(env: jinja2.Environment, cache: Path) -> jinja2.BytecodeCache:
    """A bytecode cache for ``env`` under ``<cache>/templates/``."""
    settings = (
        jinja2.__version__,
        sys.version,
        sorted(env.extensions),
        env.autoescape if isinstance(env.autoescape, bool) else repr(env.autoescape),
        env.trim_blocks,
        env.lstrip_blocks,
        env.newline_sequence,
        env.keep_trailing_newline,
        env.optimized,
        env.block_start_string,
        env.block_end_string,
        env.variable_start_string,
        env.variable_end_string,
        env.comment_start_string,
        env.comment_end_string,
        env.line_statement_prefix,
        env.line_comment_prefix,
        getattr(env, "newstyle_gettext", None),  # how {% trans %} compiles
    )
    name = hashlib.sha256(repr(settings).encode()).hexdigest()[:16]
    folder = cache / "templates" / name
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))
