"""Private evidence must stay private: it may sit only in a private repository.

Evidence marked ``private: true`` (transcripts, certificates with personal details) is never
published on the site, but it is committed to Git: whoever can read the repository can read
it. A public repository, or a public fork a pull request comes from, publishes it to the world.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cim.pipeline import RepositoryReport


@dataclass(frozen=True, slots=True)
class Exposure:
    """Why private evidence would be public, or nothing when it would not."""

    reasons: tuple[str, ...]
    files: tuple[str, ...]  # portfolios/<id>/<evidence file> of every private evidence file

    @property
    def ok(self) -> bool:
        return not (self.reasons and self.files)


def private_files(report: RepositoryReport) -> list[str]:
    """Every evidence file marked private, as a path in the repository."""
    found = set()
    for r in report.portfolios:
        if r.portfolio is None:
            continue
        for entry in r.portfolio.entries:
            for e in entry.evidence:
                if e.private:
                    found.add(f"portfolios/{r.id}/{e.file}")
    return sorted(found)


def public_places(event: Mapping[str, Any]) -> list[str]:
    """The public places a workflow event says the repository's content is in."""
    reasons = []
    repository = event.get("repository")
    if isinstance(repository, Mapping) and repository.get("private") is False:
        name = repository.get("full_name") or "this repository"
        reasons.append(f"the repository {name} is public")
    pull = event.get("pull_request")
    head = pull.get("head") if isinstance(pull, Mapping) else None
    fork = head.get("repo") if isinstance(head, Mapping) else None
    if isinstance(fork, Mapping) and fork.get("private") is False and fork != repository:
        name = fork.get("full_name") or "the fork"
        if not reasons or name != (repository or {}).get("full_name"):
            reasons.append(f"the pull request comes from the public repository {name}")
    return reasons


def exposure(event: Mapping[str, Any], report: RepositoryReport) -> Exposure:
    return Exposure(tuple(public_places(event)), tuple(private_files(report)))


FIX = (
    "Make the repository private (Settings → General → Danger Zone → Change visibility); the "
    "site on GitHub Pages stays public. Students then contribute from branches or private "
    "forks, never from a public fork. Until then, private evidence must not be committed: "
    "ask the students concerned to remove those files (and see docs/guides/data-protection.md "
    "to remove them from the history too)."
)


def explain(found: Exposure) -> list[str]:
    """Lines for people: what is wrong, which files, and what to do."""
    if found.ok:
        if found.reasons:
            return [
                f"Nothing is marked private, so nothing private is exposed ({found.reasons[0]})."
            ]
        return [f"{len(found.files)} private evidence file(s), in a private repository: fine."]
    lines = [
        f"Private evidence is public: {'; and '.join(found.reasons)}, and "
        f"{len(found.files)} evidence file(s) are marked `private: true`:"
    ]
    lines += [f"  {f}" for f in found.files[:50]]
    if len(found.files) > 50:
        lines.append(f"  … and {len(found.files) - 50} more")
    lines.append(FIX)
    return lines
