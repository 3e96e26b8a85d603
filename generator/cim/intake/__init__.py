"""Intake: students register and add activities with two issue forms, never touching Git.

``forms`` describes the two issue forms (and writes them for ``cim forms``); ``answers`` reads
an issue event and the answers in its body; ``names`` makes ids and country codes;
``attachments`` fetches and cleans evidence; ``plan`` is the pure core that decides what
changes; ``yamltext`` writes the YAML; ``message`` words the reply; ``run`` is the adapter that
reads git, commits the branch and writes what the workflow posts.

May import: ``cim.github`` (git plumbing, what merging would change), ``cim.pipeline`` and
everything below it.
"""
