"""A student's export to keep: everything of theirs in one folder (or zip) that outlives their
access to the repository — their portfolio.yml and every file of their folder (private
evidence included: it is their own copy), their credentials and a fresh statement of points as
JSON, and one PDF of the whole portfolio.

The PDF is the site's own portfolio page (and certificate page, when awarded), rendered by the
same templates, written as plain HTML by the folder writer and printed by a headless Chromium
(:mod:`cim.writers.pdf`): no second layout. Without a browser everything else is still
written, and the notes say how to get the PDF.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cim.credentials import badge, statement
from cim.pipeline import PortfolioReport, RepositoryReport
from cim.site.plan import SitePlan, plan
from cim.writers import folder, pdf

PDF_NAME = "portfolio.pdf"


@dataclass(slots=True)
class Kept:
    """What an export wrote, and what the person running it should know."""

    path: Path
    files: list[str] = field(default_factory=list)  # relative to the export
    notes: list[str] = field(default_factory=list)


def owned_files(folder_path: Path) -> list[Path]:
    """Every regular file in the student's folder (links are never followed: the validator
    refuses them, and an export copies only what really is the student's)."""
    return sorted(p for p in folder_path.rglob("*") if p.is_file() and not p.is_symlink())


def as_published(report: RepositoryReport, student: PortfolioReport) -> RepositoryReport:
    """The repository as if only ``student`` were published, with every section of their page
    shown: the PDF is the whole portfolio, whatever the page hides."""
    p = student.portfolio
    assert p is not None
    whole = dataclasses.replace(p.design, timeline=True, aims=True, countries=True)
    shown = dataclasses.replace(p, public=True, noindex=True, design=whole)
    one = dataclasses.replace(student, portfolio=shown)
    return dataclasses.replace(report, portfolios=[one])


# Long because an export is one sequence: files, credentials, then the PDF, each noted.
def export(
    report: RepositoryReport,
    student: PortfolioReport,
    out: Path,
    *,
    today: dt.date,
    site_url: str,
    signing_key: str | None,
    cache: Path,
    browser: str | None = None,
) -> Kept:
    """Write ``student``'s export into the folder ``out`` (created)."""
    kept = Kept(out)
    out.mkdir(parents=True, exist_ok=True)
    for source in owned_files(student.folder):
        relative = source.relative_to(student.folder)
        target = out / "portfolio" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        kept.files.append(f"portfolio/{relative.as_posix()}")
    if not student.valid or student.portfolio is None or student.assessment is None:
        kept.notes.append(
            f"{student.file} has errors, so the export holds no credentials and no PDF; "
            f"fix them (`cim validate portfolios/{student.id}`) and export again."
        )
        return kept
    site = plan(
        as_published(report, student),
        today=today,
        cache=cache,
        site_url=site_url,
        signing_key=signing_key,
    )
    _credentials(site, student, out, today, kept)
    engine = pdf.find_browser(browser)
    if engine is None:
        kept.notes.append(pdf.MISSING)
        return kept
    with tempfile.TemporaryDirectory(prefix="cim-export-") as tmp:
        pages = _pages(site, student.id, Path(tmp))
        pdf.print_pages(engine, pages, out / PDF_NAME)
    kept.files.append(PDF_NAME)
    return kept


def _credentials(
    site: SitePlan, student: PortfolioReport, out: Path, today: dt.date, kept: Kept
) -> None:
    """The certificate's credential (when awarded) and a statement of points as of today."""
    assert student.portfolio is not None and student.assessment is not None
    target = out / "credentials"
    target.mkdir(exist_ok=True)
    award = site.awards.of(student.id)
    certificate = site.data.get(badge.credential_uri(student.id))
    if award is not None and certificate is not None:
        name = f"certificate-{award.number}.json"
        (target / name).write_bytes(certificate)
        kept.files.append(f"credentials/{name}")
    programme = site.title_of("programme", student.portfolio.programme)
    document = statement.signed(
        student.portfolio,
        student.assessment,
        site.certificates.issuing,
        programme,
        today,
        site.store.cache,
    )
    name = f"statement-{today.isoformat()}.json"
    (target / name).write_bytes(badge.dumps(document))
    kept.files.append(f"credentials/{name}")


def _pages(site: SitePlan, student: str, into: Path) -> list[Path]:
    """The student's portfolio page, and certificate page when awarded, as plain HTML files
    beside the site's styles and the evidence copies they show."""
    found = []
    for src in (f"students/{student}.md", f"certificates/{student}.md"):
        page = site.pages.get(src)
        if page is None:
            continue
        target = into / page.url / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(folder.document(site, page, site.render(src)), encoding="utf-8")
        found.append(target)
    folder.place_files(site.files, into)
    if folder.THEME_ASSETS.is_dir():
        shutil.copytree(folder.THEME_ASSETS, into / "assets", dirs_exist_ok=True)
    return found


def zip_folder(path: Path) -> Path:
    """``path`` as ``path.zip`` (the folder is removed); the names inside start with its name."""
    archive = path.with_name(path.name + ".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            z.write(file, (Path(path.name) / file.relative_to(path)).as_posix())
    shutil.rmtree(path)
    return archive
