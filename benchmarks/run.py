#!/usr/bin/env python3
"""CIM Portfolio at university scale, measured against its floors — one table, one run.

    .venv/bin/python benchmarks/run.py            # 1,000 and 10,000 students (about 10 min)
    .venv/bin/python benchmarks/run.py --quick    # 300 and 1,000 students (under 2 min)

Every figure is a whole process (wall-clock seconds, peak memory of its largest process),
measured side by side on the same generated data (the parse floor and validation alternate
three times and their medians are compared; the cold build and its plain and image floors
alternate twice and the faster run of each counts):

* validation (`cim validate`) against the floor — the same files parsed by PyYAML's C loader
  and nothing else, in one process and split over every core — and against check-jsonschema
  with the project's own portfolio schema;
* `cim validate --cache` when nothing changed, against the same two floors;
* a full site build (`cim build`, cold cache) against a plain mkdocs-material build of as
  many simple out-of-nav Markdown pages as the CIM site has (the engine's own floor);
* a rebuild after one portfolio changes, counting the images encoded again;
* peak memory, site size, search index size and the HTML weight of a portfolio page;
* where the site's bytes go per published student (pages, evidence copies, search index,
  share cards, credentials, the rest; `benchmarks/pages.py` splits each kind of page into
  its parts), against two floors: the students' own text and PDFs, and that plus a plain
  mkdocs-material page for each of their pages. The site at 20,000 students is extrapolated
  linearly from the two sizes measured (give 1,000 and 3,000, or measure 20,000 itself).

The script installs check-jsonschema into the running environment if it is missing.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pages import page_parts, parts_table, site_split

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TODAY = "2026-11-28"
PHOTOS = "small"  # the demo's evidence (--photos)
# GitHub recommends a repository "ideally less than 1 GB" and "less than 5 GB is strongly
# recommended" (docs.github.com, "About large files on GitHub", repository size limits).
REPOSITORY_IDEAL, REPOSITORY_STRONG = 1e9, 5e9
PAGES_LIMIT = 1e9  # a published GitHub Pages site may be no larger than 1 GB
# The site at 20,000 students: well under that limit with the demo's small images, and with
# evidence as students submit it (phone photos and PDFs).
SITE_TARGET = {"small": 600e6, "phone": 800e6}
# A cold build against the parse, image and plain floors together: 1.3× with the demo's small
# images, 1.5× with phone photos (whose image floor is most of the time).
COLD_TARGET = {"small": 1.3, "phone": 1.5}
ROUNDS = 2  # the cold build and its plain and image floors are each measured this often

FLOOR_PARSE = """
import glob, sys, yaml
for path in sorted(glob.glob(sys.argv[1] + "/portfolios/*/portfolio.yml")):
    with open(path, encoding="utf-8") as handle:
        yaml.load(handle.read(), Loader=yaml.CSafeLoader)
"""

# The same parse, split over every core (contiguous shares of the sorted files, one process
# each): the floor for a validation that uses every core too.
FLOOR_PARSE_ALL = """
import glob, os, sys, yaml
from concurrent.futures import ProcessPoolExecutor

def parse(paths):
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            yaml.load(handle.read(), Loader=yaml.CSafeLoader)

if __name__ == "__main__":
    paths = sorted(glob.glob(sys.argv[1] + "/portfolios/*/portfolio.yml"))
    n = os.cpu_count() or 1
    size = -(-len(paths) // n)
    with ProcessPoolExecutor(n) as pool:
        list(pool.map(parse, [paths[i : i + size] for i in range(0, len(paths), size)]))
"""

# The least any site build must do with an image: decode it at the smallest scale that still
# gives each copy a page shows (libjpeg's draft mode), and encode each copy once, with the
# build's own sizes and WebP settings, on every core.
IMAGE_FLOOR = """
import glob, io, os, sys
from concurrent.futures import ProcessPoolExecutor
from PIL import Image, ImageOps
from cim.site.evidence import METHOD, THUMB_QUALITY, THUMB_SIZE, WEB_QUALITY, WEB_SIZE

def encode(path):
    with Image.open(path) as img:
        if img.format == "JPEG":
            scale = min(1.0, WEB_SIZE[0] / max(img.size))
            img.draft("RGB", (round(img.width * scale), round(img.height * scale)))
        img = img.convert("RGB")
    img.thumbnail(WEB_SIZE)
    img.save(io.BytesIO(), "WEBP", quality=WEB_QUALITY, method=METHOD)
    thumb = ImageOps.fit(img, THUMB_SIZE) if min(img.size) >= min(THUMB_SIZE) else img
    thumb.save(io.BytesIO(), "WEBP", quality=THUMB_QUALITY, method=METHOD)

paths = sorted(
    p for p in glob.glob(sys.argv[1] + "/portfolios/*/evidence/*")
    if p.lower().endswith((".jpg", ".jpeg", ".png", ".webp"))
)
with ProcessPoolExecutor(os.cpu_count()) as pool:
    list(pool.map(encode, paths, chunksize=16))
print("IMAGES", len(paths))
"""

PLAIN_MKDOCS = """site_name: Plain floor
docs_dir: docs
theme:
  name: material
  font: false
plugins:
  - search
not_in_nav: |
  /s/
nav:
  - Home: index.md
"""


@dataclass
class Run:
    seconds: float
    peak_mb: float
    output: str = ""


# Runs a command and reports the peak memory of its largest process (RUSAGE_CHILDREN holds
# the maximum resident size over every descendant that was waited for).
PEAK = """
import resource, subprocess, sys
code = subprocess.call(sys.argv[1:])
print("PEAK_KB", resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def run(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """Run a command as its own process: wall time, peak memory and its output."""
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *command],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=cwd,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    peak = next(
        (int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("PEAK_KB")), 0
    )
    return Run(elapsed, peak / 1024, done.stdout + done.stderr)


def ensure_check_jsonschema() -> Path:
    tool = BIN / "check-jsonschema"
    if not tool.exists():
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "check-jsonschema>=0.28,<1",
            ],
            check=True,
        )
    return tool


def generate(n: int, work: Path) -> Path:
    repo = work / f"repo-{n}{'-' + PHOTOS if PHOTOS != 'small' else ''}"
    if not repo.exists():
        subprocess.run(
            [
                str(BIN / "cim"),
                "demo",
                "--students",
                str(n),
                "--out",
                str(repo),
                "--repo",
                str(ROOT),
                "--today",
                TODAY,
                "--photos",
                PHOTOS,
            ],
            check=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return repo


def plain_site(n: int, work: Path) -> Path:
    folder = work / f"plain-{n}"
    if folder.exists():
        return folder
    docs = folder / "docs" / "s"
    docs.mkdir(parents=True)
    (folder / "docs" / "index.md").write_text("# Plain\n\nThe floor.\n")
    (folder / "mkdocs.yml").write_text(PLAIN_MKDOCS)
    body = "A student who took part in international and intercultural activities. " * 8
    for i in range(n):
        (docs / f"p{i:05d}.md").write_text(f"# Student {i}\n\n{body}\n\n- one\n- two\n")
    return folder


def median_page_kb(site: Path) -> float:
    """The median portfolio page's HTML, in KB (1,000 bytes)."""
    pages = sorted(p.stat().st_size for p in site.glob("students/*/index.html"))
    return pages[len(pages) // 2] / 1e3 if pages else 0.0


def validate_warm(repo: Path, work: Path) -> tuple[float, float, float]:
    """`cim validate --cache` once to fill the cache, then the median of three runs with
    nothing changed (the output kept from the run before is printed), and of three runs after
    one portfolio changed (only it is checked again). The repository is a Git work tree by
    then (committed to measure its size), as in a deployment."""
    cache = work / f"validate-cache-{repo.name}"
    shutil.rmtree(cache, ignore_errors=True)
    command = [str(BIN / "cim"), "validate", "--repo", str(repo), "--today", TODAY]
    cold = run([*command, "--cache", str(cache)])
    warm = sorted(run([*command, "--cache", str(cache)]).seconds for _ in range(3))[1]
    yml = sorted((repo / "portfolios").glob("*/portfolio.yml"))[-1]
    one = []
    for i in range(3):
        yml.write_text(yml.read_text() + f"# changed {i}\n")
        one.append(run([*command, "--cache", str(cache)]).seconds)
    return cold.seconds, warm, sorted(one)[1]


def sizes(site: Path) -> tuple[float, float, float]:
    total = sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 1e6
    index = (site / "search/search_index.json").stat().st_size / 1e6
    pages = sorted(p.stat().st_size for p in site.glob("students/*/index.html"))
    return total, index, (pages[-1] / 1e3 if pages else 0.0)


def rebuild_one(repo: Path, site: Path, env: dict[str, str]) -> tuple[Run, int]:
    """Change one student's photo and text, rebuild, and count the images encoded again."""
    from PIL import Image

    folder, photo = changeable_photo(repo, site)
    stamp = time.time_ns()  # a picture never seen before, so exactly one encoding is due
    Image.new("RGB", (160, 120), (stamp % 251, stamp // 251 % 251, 90)).save(photo, "JPEG")
    yml = folder / "portfolio.yml"
    yml.write_text(yml.read_text().replace("bio: ", "bio: Updated. ", 1))
    result = run([str(BIN / "cim"), "build", "--repo", str(repo), "--out", str(site)], env)
    return result, encoded_images(result.output)


def changeable_photo(repo: Path, site: Path) -> tuple[Path, Path]:
    """A student whose portfolio page shows a photo, and that photo: changing it must cause
    exactly one encoding (the first student's first photo, when it is published)."""
    for page in sorted(site.glob("students/*/index.html")):
        folder = repo / "portfolios" / page.parent.name
        text = (folder / "portfolio.yml").read_text(encoding="utf-8")
        if "data-cim-lightbox" in page.read_text(encoding="utf-8"):
            for photo in sorted(folder.glob("evidence/*.jpg")):
                if f"evidence/{photo.name}" in text:
                    return folder, photo
    folder = sorted((repo / "portfolios").iterdir())[0]
    return folder, next(folder.glob("evidence/*.jpg"))


def encoded_images(output: str) -> int:
    for line in output.splitlines():
        if "encoded," in line:
            return int(line.split("evidence: ")[1].split(" encoded")[0])
    return -1


def stages(output: str) -> str:
    """The build's own account of where its time went (its "time taken" line)."""
    for line in output.splitlines():
        if "time taken:" in line:
            return line.split("time taken:", 1)[1].strip()
    return "?"


def bench(n: int, work: Path, jsonschema_tool: Path | None) -> dict[str, Any]:
    repo = generate(n, work)
    files = sorted(str(p) for p in (repo / "portfolios").glob("*/portfolio.yml"))
    # Floor and validation alternate three times; the medians are compared.
    floors, floors_all, validations = [], [], []
    for _ in range(3):
        floors.append(run([sys.executable, "-c", FLOOR_PARSE, str(repo)]))
        floors_all.append(run([sys.executable, "-c", FLOOR_PARSE_ALL, str(repo)]))
        validations.append(
            run([str(BIN / "cim"), "validate", "--repo", str(repo), "--today", TODAY])
        )
    floor = sorted(floors, key=lambda r: r.seconds)[1]
    floor_all = sorted(floors_all, key=lambda r: r.seconds)[1]
    validate = sorted(validations, key=lambda r: r.seconds)[1]
    schema_seconds = float("nan")  # not measured (--skip-jsonschema)
    if jsonschema_tool is not None:
        schema_seconds = run(
            [
                str(jsonschema_tool),
                "--schemafile",
                str(ROOT / "generator/cim/schemas/portfolio.schema.json"),
                *files,
            ]
        ).seconds
    env = {"CIM_CACHE": str(work / f"cache-{n}"), "CIM_TODAY": TODAY, "NO_MKDOCS_2_WARNING": "1"}
    site = work / f"site-{n}"
    # The cold build and its two floors, each twice, one after the other; the faster run of
    # each counts (the slower one was disturbed: the same plain build has taken 38 s and 51 s
    # back to back on a shared machine), and the build's peak memory is the larger.
    builds, plains, image_runs = [], [], []
    for _ in range(ROUNDS):  # cold: no cache, no earlier site (as the deployment starts)
        shutil.rmtree(env["CIM_CACHE"], ignore_errors=True)
        shutil.rmtree(site, ignore_errors=True)
        builds.append(
            run([str(BIN / "cim"), "build", "--repo", str(repo), "--out", str(site)], env)
        )
        # The floor builds as many pages as the CIM site has (portfolios, certificates, …).
        pages = sum(1 for _ in site.rglob("index.html"))
        plain = plain_site(pages, work)
        plains.append(
            run(
                [str(BIN / "mkdocs"), "build", "-q", "-d", str(work / f"plain-site-{pages}")],
                {"NO_MKDOCS_2_WARNING": "1"},
                cwd=plain,
            )
        )
        image_runs.append(run([sys.executable, "-c", IMAGE_FLOOR, str(repo)]))
    build = min(builds, key=lambda r: r.seconds)
    build = Run(build.seconds, max(r.peak_mb for r in builds), build.output)
    floor_build = min(plains, key=lambda r: r.seconds)
    # The image floor, scaled to the images the build published (students without consent
    # and private evidence are never encoded).
    images = min(image_runs, key=lambda r: r.seconds)
    found = int(images.output.split("IMAGES")[1].split()[0])
    image_floor = images.seconds * published_images(site) / max(1, found)
    plain_pages = sorted(
        p.stat().st_size for p in (work / f"plain-site-{pages}").glob("s/*/*.html")
    )
    plain_page_kb = plain_pages[len(plain_pages) // 2] / 1e3 if plain_pages else 0.0
    total, index, page = sizes(site)
    median_kb = median_page_kb(site)
    evidence = evidence_figures(n, repo, site)
    rebuild, encoded = rebuild_one(repo, site, env)
    artifact_s, artifact_mb = pages_artifact(site, work)
    validate_cold, validate_warm_s, validate_one = validate_warm(repo, work)
    return {
        "students": n,
        "floor": floor.seconds,
        "floor_all": floor_all.seconds,
        "validate": validate.seconds,
        "validate_mb": validate.peak_mb,
        "jsonschema": schema_seconds,
        "build": build.seconds,
        "build_mb": build.peak_mb,
        "plain": floor_build.seconds,
        "image_floor": image_floor,
        "pages": pages,
        "rebuild": rebuild.seconds,
        "encoded": encoded,
        "artifact_s": artifact_s,
        "artifact_mb": artifact_mb,
        "build_stages": stages(build.output),
        "rebuild_stages": stages(rebuild.output),
        "site_mb": total,
        "index_mb": index,
        "page_kb": page,
        "median_kb": median_kb,
        "plain_page_kb": plain_page_kb,
        "parts": page_parts(site),
        "validate_cold": validate_cold,
        "validate_warm": validate_warm_s,
        "validate_one": validate_one,
        **evidence,
    }


def pages_artifact(site: Path, work: Path) -> tuple[float, float]:
    """The first step of a deployment to GitHub Pages: the archive actions/upload-pages-artifact
    makes of the site (its own tar command: links resolved to the files' bytes, each name
    listed); its time and size. Uploading it and GitHub's deployment cannot be timed here."""
    archive = work / "artifact.tar"
    done = run(
        [
            "tar",
            "--dereference",
            "--hard-dereference",
            "--directory",
            str(site),
            "-cvf",
            str(archive),
            "--exclude=.git",
            "--exclude=.github",
            ".",
        ]
    )
    size = archive.stat().st_size / 1e6
    archive.unlink()
    return done.seconds, size


def published_images(site: Path) -> int:
    """The photos the build published (one web copy each)."""
    return sum(1 for _ in (site / "assets/evidence").rglob("*-web.webp"))


def repository_size(repo: Path) -> float:
    """Bytes of the repository's history (.git after git gc), committed as it stands."""
    if not (repo / ".git").exists():
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "-A"],
            # no automatic gc in the background: the one below must find the repository free
            [
                "-c",
                "gc.auto=0",
                "-c",
                "user.name=B",
                "-c",
                "user.email=b@example.org",
                "commit",
                "-qm",
                "all",
            ],
            ["gc", "-q"],
        ):
            subprocess.run(["git", *args], check=True, cwd=repo, stdout=subprocess.DEVNULL)
    return sum(p.stat().st_size for p in (repo / ".git").rglob("*") if p.is_file())


def evidence_figures(n: int, repo: Path, site: Path) -> dict[str, Any]:
    """Where the site's bytes go per published student, and the repository per student."""
    published = sum(1 for _ in site.glob("students/*/index.html"))
    split = site_split(site)
    per = {f"{k}_kb": v / max(1, published) / 1e3 for k, v in split.items()}
    # A published student's own pages, in both languages: portfolio, certificate, statement.
    own = sum(row["count"] for row in page_parts(site).values())
    return {
        "published": published,
        "published_share": published / n,
        "pages_per_student": own / max(1, published),
        "photos": published_images(site),
        "site_bytes": sum(split.values()),
        "per_student_kb": sum(split.values()) / max(1, published) / 1e3,
        "repo_mb": repository_size(repo) / 1e6,
        "repo_student_kb": repository_size(repo) / n / 1e3,
        **{k: v / max(1, published) / 1e3 for k, v in content_floor(repo, site).items()},
        **per,
    }


def content_floor(repo: Path, site: Path) -> dict[str, float]:
    """What the published students themselves bring, in bytes, before any page is made: the
    text they wrote (reflections and introductions, UTF-8) and the PDFs they submitted. No
    site can publish them in fewer bytes (short of compressing files the host serves)."""
    import yaml

    text = pdfs = 0.0
    for page in site.glob("students/*/index.html"):
        folder = repo / "portfolios" / page.parent.name
        with open(folder / "portfolio.yml", encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=yaml.CSafeLoader)
        entries = data.get("entries") or []
        words = [data.get("bio") or "", *(e.get("reflection") or "" for e in entries)]
        text += sum(len(w.encode("utf-8")) for w in words)
        shown = {
            i["file"] for e in entries for i in e.get("evidence") or [] if not i.get("private")
        }
        pdfs += sum((folder / f).stat().st_size for f in shown if f.lower().endswith(".pdf"))
    return {"text_bytes": text, "pdf_bytes": pdfs}


def evidence_rows(results: list[dict[str, Any]]) -> list[tuple[str, ...]]:
    """Rows for the evidence: the build against all three floors, bytes per published student
    and where they go, the site and the repository at 20,000 students (extrapolated)."""
    small, large = results[0], results[-1]
    rows: list[tuple[str, ...]] = []

    def add(label: str, values: list[str], target: str = "", ok: bool | None = None) -> None:
        rows.append((label, *values, target, "" if ok is None else "met" if ok else "**not met**"))

    ratio = [r["build"] / (r["floor"] + r["image_floor"] + r["plain"]) for r in results]
    add(
        "`cim build` cold × (parse + image + plain floors)",
        [f"{x:.2f}×" for x in ratio],
        f"≤ {COLD_TARGET[PHOTOS]}×",
        max(ratio) <= COLD_TARGET[PHOTOS],
    )
    add("Photos published (web copy + thumbnail each)", [f"{r['photos']:,}" for r in results])
    add("Published students", [f"{r['published']:,}" for r in results])
    add("Site per published student (KB)", [f"{r['per_student_kb']:.0f}" for r in results])
    for key, label in (
        ("pages_kb", "pages (HTML, both languages)"),
        ("copies_kb", "evidence copies (WebP, rebuilt PDFs)"),
        ("index_kb", "search index"),
        ("cards_kb", "share cards (PNG, one per language)"),
        ("credentials_kb", "signed credentials, keys and status lists (JSON)"),
        ("rest_kb", "the rest (theme, scripts, sitemaps, lists)"),
    ):
        add(f"  … {label}", [f"{r[key]:.1f}" for r in results])
    add(
        "  … floor: the students' own text (reflections, introductions)",
        [f"{r['text_bytes']:.1f}" for r in results],
    )
    add("  … floor: the PDFs they submitted", [f"{r['pdf_bytes']:.1f}" for r in results])
    add(
        "  … their own pages (portfolio, certificate, statement; both languages)",
        [f"{r['pages_per_student']:.2f}" for r in results],
    )
    add("Plain mkdocs-material page, HTML (KB)", [f"{r['plain_page_kb']:.1f}" for r in results])
    # Linear in the students (fixed part + per student), from the two sizes measured.
    grown = large["students"] - small["students"]
    slope = (
        (large["site_bytes"] - small["site_bytes"]) / grown
        if grown
        else large["site_bytes"] / large["students"]
    )
    last = [""] * (len(results) - 1)  # extrapolated figures stand in the largest column
    at = large["site_bytes"] + slope * (20_000 - large["students"])
    target = SITE_TARGET[PHOTOS]
    add(
        "Site at 20,000 students, **extrapolated** (MB)",
        [*last, f"{at / 1e6:,.0f}"],
        f"≤ {target / 1e6:,.0f} MB",
        at <= target,
    )
    # The floors at 20,000 students, from the largest run's share of published students: what
    # they bring themselves (text, PDFs), and that plus the theme's plain page for each of
    # their pages. Both languages carry the text; it is counted once.
    published = large["published_share"] * 20_000
    content = published * (large["text_bytes"] + large["pdf_bytes"]) * 1e3
    themed = content + published * large["pages_per_student"] * large["plain_page_kb"] * 1e3
    add(
        "  … floor at 20,000: the students' text and PDFs (MB)",
        [*last, f"{content / 1e6:,.0f}"],
    )
    add(
        "  … floor at 20,000: that and a plain theme page for each of their pages (MB)",
        [*last, f"{themed / 1e6:,.0f}"],
    )
    fixed = large["site_bytes"] - slope * large["students"]
    add(
        "  … students at GitHub Pages' 1 GB site limit (extrapolated)",
        [*last, f"{(PAGES_LIMIT - fixed) / slope:,.0f}" if slope > 0 else "—"],
    )
    add("Repository, history included (.git, MB)", [f"{r['repo_mb']:.0f}" for r in results])
    add("  … per student (KB)", [f"{r['repo_student_kb']:.0f}" for r in results])
    per = large["repo_student_kb"] * 1e3
    add(
        "  … students at GitHub's 1 GB / 5 GB (extrapolated)",
        [*last, f"{REPOSITORY_IDEAL / per:,.0f} / {REPOSITORY_STRONG / per:,.0f}"],
    )
    return rows


def table(results: list[dict[str, Any]]) -> str:
    small, large = results[0], results[-1]
    rows = [("Students", *(f"{r['students']:,.0f}" for r in results), "", "")]

    def row(label: str, key: str, fmt: str, target: str = "", ok: bool | None = None) -> None:
        verdict = "" if ok is None else ("met" if ok else "**not met**")
        rows.append((label, *(fmt.format(r[key]) for r in results), target, verdict))

    row("Parse floor: PyYAML C loader only, one process (s)", "floor", "{:.2f}")
    row(f"Parse floor on all cores ({os.cpu_count()} processes) (s)", "floor_all", "{:.2f}")
    row("`cim validate` (s)", "validate", "{:.2f}")
    for r in results:
        r["vs_floor"] = r["validate"] / r["floor"]
        r["vs_floor_all"] = r["validate"] / r["floor_all"]
        r["vs_schema"] = r["jsonschema"] / r["validate"]
        r["vs_plain"] = r["build"] / r["plain"]
    row("  … × the one-process parse floor", "vs_floor", "{:.2f}×")
    row(
        "  … × the all-cores parse floor",
        "vs_floor_all",
        "{:.2f}×",
        "≤ 1.3× at the largest",
        large["vs_floor_all"] <= 1.3,
    )
    if not any(math.isnan(r["jsonschema"]) for r in results):
        row("check-jsonschema, same schema and files (s)", "jsonschema", "{:.2f}")
        row(
            "  … `cim validate` is faster by",
            "vs_schema",
            "{:.0f}×",
            "≥ 20×",
            large["vs_schema"] >= 20,
        )
    row("Pages in the site", "pages", "{:,.0f}")
    row("`cim build`, cold cache (s)", "build", "{:.1f}")
    row("Plain mkdocs-material, as many simple pages (s)", "plain", "{:.1f}")
    row("  … build × the plain floor", "vs_plain", "{:.2f}×", "≤ 1.5×", large["vs_plain"] <= 1.5)
    for r in results:
        r["least"] = (r["floor"] + r["image_floor"] + r["plain"]) / r["plain"]
        r["vs_plain_rebuild"] = r["rebuild"] / r["plain"]
    row("Image floor: decode + one WebP per published image (s)", "image_floor", "{:.1f}")
    row("  … parse + image + plain floors, × the plain floor", "least", "{:.2f}×")
    rows.append(
        (
            "Build growth, largest ÷ smallest",
            "",
            f"{large['build'] / small['build']:.1f}×",
            f"≤ {large['students'] / small['students'] * 1.1:.0f}× (linear)",
            "met"
            if large["build"] / small["build"] <= large["students"] / small["students"] * 1.1
            else "**not met**",
        )
    )
    row("Rebuild after one portfolio changed (s)", "rebuild", "{:.1f}")
    row(
        "  … rebuild × the plain floor (unchanged pages reused)",
        "vs_plain_rebuild",
        "{:.2f}×",
        "≤ 0.2× at the largest",
        large["vs_plain_rebuild"] <= 0.2,
    )
    row(
        "  … images encoded again",
        "encoded",
        "{:.0f}",
        "only that portfolio's (1)",
        all(r["encoded"] == 1 for r in results),
    )
    row(
        "Pages artifact: the site archived as upload-pages-artifact does (s)",
        "artifact_s",
        "{:.1f}",
    )
    row(
        "  … its size (MB; GitHub Pages deploys ≤ 1 GB within 10 minutes)", "artifact_mb", "{:,.0f}"
    )
    for r in results:
        r["warm_vs_floor"] = r["validate_warm"] / r["floor"]
        r["warm_vs_floor_all"] = r["validate_warm"] / r["floor_all"]
    row("`cim validate --cache`, first run (s)", "validate_cold", "{:.2f}")
    row("`cim validate --cache`, nothing changed (s)", "validate_warm", "{:.2f}")
    row("  … nothing changed × the one-process parse floor", "warm_vs_floor", "{:.2f}×")
    row(
        "  … nothing changed × the all-cores parse floor",
        "warm_vs_floor_all",
        "{:.2f}×",
        "≤ 0.1× at the largest",
        large["warm_vs_floor_all"] <= 0.1,
    )
    row("`cim validate --cache`, one portfolio changed (s)", "validate_one", "{:.2f}")
    row(
        "Peak memory, validate (MB)",
        "validate_mb",
        "{:.0f}",
        "≤ 1024",
        max(r["validate_mb"] for r in results) <= 1024,
    )
    row(
        "Peak memory, build (MB)",
        "build_mb",
        "{:.0f}",
        "≤ 1024",
        max(r["build_mb"] for r in results) <= 1024,
    )
    row("Site size (MB)", "site_mb", "{:.0f}")
    row("Search index (MB)", "index_mb", "{:.2f}", "≤ 2 MB", large["index_mb"] <= 2)
    row(
        "Largest portfolio page, HTML (KB)",
        "page_kb",
        "{:.0f}",
        "≤ 60 KB",
        max(r["page_kb"] for r in results) <= 60,
    )
    row(
        "Median portfolio page, HTML (KB)",
        "median_kb",
        "{:.1f}",
        "≤ 30 KB",
        max(r["median_kb"] for r in results) <= 30,
    )
    rows += evidence_rows(results)
    head = ["Measure", *(f"{r['students']:,.0f}" for r in results), "Target", "Verdict"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(str(c) for c in r) + " |" for r in rows[1:]]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="300 and 1,000 students")
    parser.add_argument("--students", help="comma-separated sizes (default 1000,10000)")
    parser.add_argument("--work", help="keep the generated data in this folder")
    parser.add_argument(
        "--skip-jsonschema",
        action="store_true",
        help="leave out the comparison with check-jsonschema (minutes at 10,000 students)",
    )
    parser.add_argument(
        "--photos",
        choices=("small", "phone"),
        default="small",
        help="the demo's evidence: small drawn images, or phone photos and PDFs as students "
        "submit them (cim demo --photos)",
    )
    args = parser.parse_args()
    global PHOTOS
    PHOTOS = args.photos
    counts = [
        int(x) for x in (args.students or ("300,1000" if args.quick else "1000,10000")).split(",")
    ]
    tool = None if args.skip_jsonschema else ensure_check_jsonschema()
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="cim-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    results = []
    for n in counts:
        print(f"measuring {n:,} students …", file=sys.stderr, flush=True)
        results.append(bench(n, work, tool))
    print(
        f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, "
        f"{time.perf_counter() - started:.0f} s in all\n"
    )
    print(table(results))
    for r in results:
        print(
            f"\n{r['students']:,} students, where `cim build` spent its time —"
            f"\n  cold: {r['build_stages']}\n  rebuild: {r['rebuild_stages']}"
        )
    for r in results:
        print(f"\n{r['students']:,} students, the mean page by part (KB):\n")
        print(parts_table(r["parts"]))
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
