"""How much of its host a built site takes: its bytes by kind of file, per published student,
and how many published students fit before the host's size limit.

GitHub Pages publishes sites of at most 1 GB ("Published GitHub Pages sites may be no larger
than 1 GB", GitHub Pages limits); a larger upload is deployed with the warning "Deployment
might fail". The site grows with every published student, so the administrators are told
while there is time to act (from :data:`NEARING` of the limit on), not on the day a
deployment fails. Pure: the caller lists the files (:mod:`cim.cli.size`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

GITHUB_PAGES_LIMIT = 1_000_000_000  # bytes; "1 GB", read as decimal to be on the safe side
NEARING = 0.8  # from this share of the limit on, the administrators are warned

KINDS = {
    "pages": "pages",
    "copies": "evidence copies",
    "cards": "share cards",
    "credentials": "credentials, keys and status lists",
    "index": "search index",
    "rest": "theme, scripts and lists",
}


def _in_any_language(path: str) -> list[str]:
    """The parts of ``path`` as in the default language's part of the site."""
    part = path.split("/")
    return part[1:] if part[0] == "sv" else part


def kind_of(path: str) -> str:
    """Which kind of bytes the site's file at ``path`` (relative, with ``/``) is: pages,
    copies (evidence), index (search), cards, credentials (signed credentials, the issuer's
    keys and lists), or rest."""
    part = _in_any_language(path)
    name = part[-1]
    if part[:2] == ["assets", "evidence"]:
        return "copies"
    if part[0] == "search":
        return "index"
    if name.endswith(".html"):
        return "pages"
    if part[0] in ("certificates", "statements") and name.endswith(".png"):
        return "cards"
    if name.endswith(".json") and (
        part[0] in ("credentials", ".well-known") or name == "credential.json"
    ):
        return "credentials"
    return "rest"


STUDENT_FOLDERS = ("students", "certificates", "statements")


def is_student_page(path: str) -> bool:
    """Whether ``path`` is a published student's portfolio page (English; one a student)."""
    part = path.split("/")
    return len(part) == 3 and part[0] == "students" and part[2] == "index.html"


def grows_with_students(path: str) -> bool:
    """Whether the file at ``path`` is there for one student (their pages, certificate and
    statements in every language, evidence copies) or grows with their number (the search
    index); the theme, the guides and the other pages are there once, whatever the number."""
    part = _in_any_language(path)
    return (
        part[:2] == ["assets", "evidence"]
        or part[0] == "search"
        or (len(part) >= 3 and part[0] in STUDENT_FOLDERS)
    )


@dataclass
class Footprint:
    """A site's bytes by kind, the bytes there once whatever the number of students, and how
    many students it publishes."""

    by_kind: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    fixed: int = 0
    students: int = 0

    @property
    def total(self) -> int:
        return sum(self.by_kind.values())

    def per_student(self) -> float:
        """The bytes each published student adds, on average."""
        return (self.total - self.fixed) / self.students if self.students else 0.0

    def students_at(self, limit: int) -> int | None:
        """About how many published students the site holds at ``limit`` bytes, at the
        present rate (None without a published student to measure the rate by)."""
        each = self.per_student()
        return max(0, int((limit - self.fixed) / each)) if each > 0 else None


def measure(files: Iterable[tuple[str, int]]) -> Footprint:
    """The footprint of a site whose files are ``files``: (relative path, bytes) pairs."""
    found = Footprint()
    for path, size in files:
        found.by_kind[kind_of(path)] += size
        found.students += is_student_page(path)
        if not grows_with_students(path):
            found.fixed += size
    return found


@dataclass(frozen=True)
class Fit:
    """Whether a site fits its host: ``level`` is "fits", "nearing" or "over"; ``lines`` say
    it in plain words, the first line the verdict."""

    level: str
    lines: list[str]


def mb(size: float) -> str:
    """A size in plain words: MB from one megabyte (decimal, as hosts count), KB below."""
    return f"{size / 1e6:,.0f} MB" if size >= 1e6 else f"{size / 1e3:,.0f} KB"


def fit(found: Footprint, limit: int = GITHUB_PAGES_LIMIT, host: str = "GitHub Pages") -> Fit:
    """The site against its host's limit, said for the administrators."""
    share = found.total / limit
    head = f"The site is {mb(found.total)}: {share:.0%} of the {mb(limit)} that {host} publishes."
    parts = ", ".join(
        f"{KINDS[kind]} {mb(size)}"
        for kind, size in sorted(found.by_kind.items(), key=lambda item: -item[1])
        if size
    )
    lines = [head, f"By kind: {parts}."]
    at = found.students_at(limit)
    if at is not None:
        when = "reaches" if at >= found.students else "reached"
        lines.append(
            f"Each published student adds about {found.per_student() / 1e3:,.0f} KB; "
            f"{found.students:,} are published now, and at this rate the site {when} the "
            f"limit at about {at:,} published students."
        )
    if share >= NEARING:
        over = share > 1
        return Fit("over" if over else "nearing", [*lines, _next_step(host, over)])
    return Fit("fits", lines)


def _next_step(host: str, over: bool) -> str:
    """What the administrators do about a site near or over its host's limit."""
    guide = 'the administrators\' guide, "When the site outgrows GitHub Pages"'
    if host != "GitHub Pages":
        return (
            f"{host[:1].upper()}{host[1:]} needs more room for the site: give it more before "
            "the next deployment."
            if over
            else f"Give {host} more room for the site before a deployment fails."
        )
    if over:
        return (
            f"{host} may refuse to publish a site this large: publish the site folder from "
            f"the university's own web server instead, as {guide} describes."
        )
    return (
        f"Plan the move now, before a deployment fails: {guide} says how to publish the site "
        f"from the university's own web server."
    )
