"""The speed tricks that change how objects and files are handled, checked for what they must
keep: every file placed with its bytes, and nothing the collector must see left frozen."""

from __future__ import annotations

import gc
import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cim.site import compact as compaction
from cim.speed import frozen_heap, no_cyclic_gc
from cim.writers.folder import place_files


def test_many_files_are_placed_by_threads_each_with_its_bytes(tmp_path: Path) -> None:
    """Above a thousand files several threads place them: each cached file is linked (the
    same file, not a copy), each data file written, and a file already there replaced
    without touching what it was linked to."""
    cache = tmp_path / "cache"
    cache.mkdir()
    sources = {}
    for n in range(1500):
        source = cache / f"{n}.bin"
        source.write_bytes(f"file {n}".encode())
        sources[f"pages/{n % 300}/p{n}/index.html"] = source
    data = {f"data/{n}/credential.json": f'{{"n": {n}}}\n'.encode() for n in range(600)}
    site = tmp_path / "site"
    old = site / "data/0/credential.json"
    old.parent.mkdir(parents=True)
    os.link(cache / "0.bin", old)  # as if linked from the cache by an earlier step

    place_files({**sources, **data}, site)

    for uri, source in sources.items():
        assert os.path.samefile(site / uri, source), uri
    for uri, text in data.items():
        assert (site / uri).read_bytes() == text, uri
    assert (cache / "0.bin").read_bytes() == b"file 0"  # the cache is never written through
    placed = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    assert placed == set(sources) | set(data)


def test_what_the_checks_made_stays_frozen_and_a_plan_alone_thaws() -> None:
    """Objects made while the collector is paused are frozen afterwards; a frozen_heap block
    (nested or not) thaws at its end only when nothing was frozen before it."""
    gc.unfreeze()
    try:
        with frozen_heap():
            with frozen_heap():
                assert gc.get_freeze_count() > 0
            assert gc.get_freeze_count() > 0  # the inner block leaves the outer's frozen
        assert gc.get_freeze_count() == 0

        with no_cyclic_gc():
            reports = [[n] for n in range(1000)]
            assert not gc.isenabled()
        assert gc.isenabled()
        frozen = gc.get_freeze_count()
        assert frozen >= len(reports)
        with frozen_heap():
            pass
        assert gc.get_freeze_count() >= frozen  # the reports are not thawed by the plan
    finally:
        gc.unfreeze()


def test_a_build_takes_over_the_previous_sites_folders_and_keeps_only_what_it_must(
    tmp_path: Path,
) -> None:
    """settle moves a folder of the previous site into the new one and leaves in it exactly
    the placed files and what the build wrote there: strays, links and files that are no
    longer the cache's own are gone; what the cache still holds is kept, not linked again."""
    from cim.writers.folder import settle

    cache = tmp_path / "cache"
    cache.mkdir()
    for name in ("a", "b", "c"):
        (cache / name).write_text(f"page {name}")
    previous, built = tmp_path / "previous", tmp_path / "built"
    placed: dict[str, Path | bytes] = {
        "students/a/index.html": cache / "a",
        "students/b/index.html": cache / "b",
        "students/index.json": b"[1]",
        "students/same.json": b"{}",
    }
    settle(previous, placed)  # the first build: nothing to take over
    kept_inode = (previous / "students/a/index.html").stat().st_ino
    same_inode = (previous / "students/same.json").stat().st_ino
    # What a build must not carry over: a stray folder, a link, a page rewritten in place.
    (previous / "students/gone").mkdir()
    (previous / "students/gone/index.html").write_text("a withdrawn student")
    (previous / "students/b/index.html").unlink()
    (previous / "students/b/index.html").write_text("page b, edited by hand")
    (previous / "students/b/link").symlink_to(cache / "c")
    # This build wrote one page itself and places the others.
    (built / "students/c").mkdir(parents=True)
    (built / "students/c/index.html").write_text("page c, rendered now")
    (built / "index.html").write_text("home")

    settle(built, {**placed, "students/index.json": b"[2]"}, previous, ("students", "none"))

    files = {p.relative_to(built).as_posix(): p for p in built.rglob("*") if not p.is_dir()}
    assert sorted(files) == [
        "index.html",
        "students/a/index.html",
        "students/b/index.html",
        "students/c/index.html",
        "students/index.json",
        "students/same.json",
    ]
    assert files["students/same.json"].stat().st_ino == same_inode  # the same bytes: kept
    assert files["students/a/index.html"].stat().st_ino == kept_inode  # kept, not made again
    assert os.path.samefile(files["students/b/index.html"], cache / "b")
    assert (cache / "b").read_text() == "page b"  # the hand edit never reached the cache
    assert files["students/c/index.html"].read_text() == "page c, rendered now"
    assert files["students/index.json"].read_bytes() == b"[2]"
    assert not (previous / "students").exists()  # taken over: moved, not copied
    assert not (built / "students.carried").exists()


def test_a_folder_the_build_wrote_anew_is_not_taken_over(tmp_path: Path) -> None:
    """A full build wrote nearly every page itself: the previous site's folder is left to be
    deleted with it, and the build's folder stays, with the placed files added."""
    from cim.writers.folder import settle

    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "a").write_text("page a")
    previous, built = tmp_path / "previous", tmp_path / "built"
    for name in ("a", "b", "c"):
        (previous / f"students/{name}").mkdir(parents=True)
        (previous / f"students/{name}/index.html").write_text(f"old page {name}")
    for name in ("b", "c"):
        (built / f"students/{name}").mkdir(parents=True)
        (built / f"students/{name}/index.html").write_text(f"page {name}, rendered now")
    written = (built / "students/b/index.html").stat().st_ino

    settle(built, {"students/a/index.html": cache / "a"}, previous, ("students",))

    files = sorted(p.relative_to(built).as_posix() for p in built.rglob("*") if p.is_file())
    assert files == ["students/a/index.html", "students/b/index.html", "students/c/index.html"]
    assert os.path.samefile(built / "students/a/index.html", cache / "a")
    assert (built / "students/b/index.html").stat().st_ino == written  # not moved about
    assert (previous / "students/a/index.html").read_text() == "old page a"  # left as it was


# Whitespace the browser collapses, and characters around it: no-break spaces are kept.
_HTMLISH = st.text(alphabet=[" ", "\n", "\t", "\r", "\f", "\u00a0", "a", "<", ">"], max_size=40)


def _collapsed_by_expression(text: str) -> str:
    """Collapsing as the one regular expression does it, the reference."""
    return compaction._RUN.sub(compaction._one, text)


@settings(max_examples=3000, deadline=None)
@given(_HTMLISH)
def test_whitespace_collapses_line_by_line_as_the_expression_does(text: str) -> None:
    """The line-at-a-time way (spaces and line breaks only) gives what the regular
    expression gives, for any mix of whitespace, no-break spaces and markup."""
    assert compaction._collapse(text) == _collapsed_by_expression(text)
    spaces_and_breaks = text.replace("\t", " ").replace("\r", "\n").replace("\f", "  ")
    assert compaction._collapse(spaces_and_breaks) == _collapsed_by_expression(spaces_and_breaks)


def test_compaction_keeps_preformatted_text_and_scripts_byte_for_byte() -> None:
    page = (
        "<html>\n    <body>\n\n      <p>Two   words</p>  \n"
        "<pre>  kept\n\n   as is</pre>\n   <script>  var a =  1;\n</script>\n"
        "  <textarea>\n  typed  </textarea>\n</body>\n</html>\n"
    )
    assert compaction.compact(page) == (
        "<html>\n<body>\n<p>Two words</p>\n"
        "<pre>  kept\n\n   as is</pre>\n<script>  var a =  1;\n</script>\n"
        "<textarea>\n  typed  </textarea>\n</body>\n</html>\n"
    )


def _written_pages(site: Path, count: int) -> dict[str, Path]:
    """``count`` finished pages written into ``site``, as MkDocs writes them, by key."""
    written = {}
    for n in range(count):
        path = site / f"students/s{n}/index.html"
        path.parent.mkdir(parents=True)
        path.write_text(f"<p>page {n} – å</p>" * 50, encoding="utf-8")
        written[f"{n:064x}"] = path
    return written


def test_kept_pages_are_the_sites_very_files_and_found_by_the_next_build(
    tmp_path: Path,
) -> None:
    """After finish() every kept page is in the cache as the site's very file (one inode:
    the next build, taking the site's folders over, writes none of them again), found by
    the next build with its bytes, and no temporary file is left."""
    from cim.site.reuse import PageCache

    pages = PageCache(tmp_path / "cache")
    written = _written_pages(tmp_path / "site", 70)
    for key, path in written.items():
        pages.keep(key, path)
    assert not (tmp_path / "cache/pages").exists()  # nothing is taken before finish()
    pages.forget_unused()  # finishes first
    names = sorted(os.listdir(tmp_path / "cache/pages"))
    assert names == sorted(f"{key}.html" for key in written)
    later = PageCache(tmp_path / "cache")
    for key, path in written.items():
        found = later.find(key)
        assert found is not None and found.read_bytes() == path.read_bytes()
        assert os.path.samefile(found, path)


def test_without_links_kept_pages_are_copied(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cim.site.reuse import PageCache

    def no_links(*_: object) -> None:
        raise OSError("Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    pages = PageCache(tmp_path / "cache")
    written = _written_pages(tmp_path / "site", 3)
    for key, path in written.items():
        pages.keep(key, path)
    pages.finish()
    for key, path in written.items():
        copy = tmp_path / f"cache/pages/{key}.html"
        assert copy.read_bytes() == path.read_bytes() and not os.path.samefile(copy, path)
    assert sorted(os.listdir(tmp_path / "cache/pages")) == sorted(f"{k}.html" for k in written)


def test_a_failed_build_keeps_none_of_its_pages(tmp_path: Path) -> None:
    """The page being written when a build fails may be cut short: none is taken in."""
    from cim.site.reuse import PageCache

    pages = PageCache(tmp_path / "cache")
    for key, path in _written_pages(tmp_path / "site", 3).items():
        pages.keep(key, path)
    pages.abandon()
    pages.finish()
    assert not (tmp_path / "cache/pages").exists()


def test_a_page_that_cannot_be_kept_fails_the_build(tmp_path: Path) -> None:
    from cim.site.reuse import PageCache

    (tmp_path / "pages").write_text("a file where the folder of pages should be")
    pages = PageCache(tmp_path)
    pages.keep("0" * 64, _written_pages(tmp_path / "site", 1)["0" * 64])
    with pytest.raises(OSError):
        pages.finish()


@settings(max_examples=2000, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                ' data-search-exclude="1"',
                '\ndata-search-exclude="1"',
                ' data-search-x="a b"',
                "<p>",
                "text",
                " ",
                '"',
                "data-search-",
                "&#34;",
            ]
        ),
        max_size=12,
    )
)
def test_search_marks_leave_as_the_search_plugin_takes_them_out(parts: list[str]) -> None:
    """A body the search plugin never reads loses its marks exactly as the plugin's own
    expression would take them out, whichever way is used."""
    from cim.writers.mkdocs import _SEARCH_MARK, without_search_marks

    body = "".join(parts)
    assert without_search_marks(body) == _SEARCH_MARK.sub("", body)


def test_remembered_translations_render_as_jinjas_own_gettext() -> None:
    """The site's gettext looks each word up once; what it gives is what Jinja's own
    new-style gettext gives: escaped variables, `%%` as a percent sign, Markup only where
    the template escapes, in either language and on the second use too."""
    import jinja2

    from cim.site import i18n
    from cim.site.render import _remembered_gettext

    source = (
        "{{ _('Points') }}|{{ _('%(n)s of %(m)s', n='<b>', m=5) }}|{{ _('100%%') }}"
        "|{{ _('<em>%(n)s</em>', n='<b>') }}"
        "|{% autoescape false %}{{ _('%(n)s', n='<i>') }}{{ _('100%%') }}{% endautoescape %}"
        "|{% trans n='<u>' %}Hello {{ n }}{% endtrans %}"
    )
    for lang in ("en", "sv"):
        jinjas, ours = (
            jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"]) for _ in range(2)
        )
        for env in (jinjas, ours):
            env.install_gettext_translations(i18n.translations(lang), newstyle=True)  # type: ignore[attr-defined]
        ours.globals["gettext"] = ours.globals["_"] = _remembered_gettext(i18n.gettext_for(lang))
        expected = jinjas.from_string(source).render()
        assert "<em>&lt;b&gt;</em>" in expected and "100%" in expected and "<i>" in expected
        for _ in range(2):
            assert ours.from_string(source).render() == expected


# --- work done meanwhile (cim.speed.Meanwhile) --------------------------------------------


def _pid_and_inherited(items: list[int]) -> list[tuple[int, int, object]]:
    from cim.speed import inherited

    return [(n, os.getpid(), inherited("word")) for n in items]


def _fails_on_seven(items: list[int]) -> list[int]:
    if 7 in items:
        raise OSError("no space left on the device")
    return items


def test_work_done_meanwhile_comes_back_in_order_from_a_new_process_given_what_it_needs() -> None:
    from cim.speed import Meanwhile

    background = Meanwhile(workers=2)  # one CPU is left to this process: one worker
    first = background.hand(_pid_and_inherited, range(10), size=3)
    second = background.hand(_pid_and_inherited, range(10, 13), size=3)
    background.inherit["word"] = "given before the start"
    try:
        background.start()
        background.inherit["word"] = "given after"
        got = first() + second()
        late = background.hand(_pid_and_inherited, [99], size=3)()  # handed after start: here
    finally:
        background.close()
    assert [n for n, _, _ in got] == list(range(13))
    assert {pid for _, pid, _ in got} != {os.getpid()} and len({pid for _, pid, _ in got}) == 1
    assert {word for _, _, word in got} == {"given before the start"}
    assert late == [(99, os.getpid(), "given after")]


def test_with_one_cpu_the_work_is_done_when_it_is_collected() -> None:
    from cim.speed import Meanwhile

    background = Meanwhile(workers=1)
    collect = background.hand(_pid_and_inherited, range(4), size=3)
    background.inherit["word"] = "here"
    background.start()
    assert background.workers == 0
    assert collect() == [(n, os.getpid(), "here") for n in range(4)]
    background.close()


def test_a_failure_meanwhile_is_raised_when_collected_and_cancelling_ends_the_workers() -> None:
    from cim.speed import Meanwhile

    background = Meanwhile(workers=2)
    collect = background.hand(_fails_on_seven, range(20), size=4)
    background.start()
    with pytest.raises(OSError, match="no space left"):
        collect()
    background.close(cancel=True)

    cancelled = Meanwhile(workers=2)
    cancelled.hand(_fails_on_seven, range(100), size=1)
    cancelled.start()
    cancelled.close(cancel=True)  # returns at once: nothing waits for the pieces not begun


def _sleeps(items: list[int]) -> list[int]:
    import time

    time.sleep(60)
    return items


def test_a_worker_ends_when_the_process_that_started_it_ends_without_closing() -> None:
    """A build that ends at once (``os._exit``) while a worker is busy: the worker must not
    live on holding the build's output open (whoever reads it would wait for ever)."""
    import subprocess
    import sys
    import time

    code = (
        "import os, sys\n"
        f"sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from cim.speed import Meanwhile\n"
        "from test_speed import _sleeps\n"
        "m = Meanwhile(workers=2)\n"
        "m.hand(_sleeps, [1], size=1)\n"
        "m.start()\n"
        "m._futures[0].running() or __import__('time').sleep(1)\n"
        "print('started', flush=True)\n"
        "os._exit(0)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30)
    assert done.stdout == "started\n", done.stderr
    assert time.monotonic() - started < 15


def _when(items: list[str]) -> list[tuple[str, int]]:
    import time

    return [(item, time.monotonic_ns()) for item in items]


def test_urgent_work_is_given_to_the_workers_before_the_rest() -> None:
    from cim.speed import Meanwhile

    background = Meanwhile(workers=2)
    rest = background.hand(_when, ["card"] * 6, size=1)
    urgent = background.hand(_when, ["qr"] * 2, size=1, urgent=True)
    background.start()
    try:
        done = sorted(rest() + urgent(), key=lambda pair: pair[1])
    finally:
        background.close()
    assert [item for item, _ in done] == ["qr"] * 2 + ["card"] * 6


def test_a_build_keeps_the_heap_frozen_through_every_language_and_thaws_at_its_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reports and pages are left out of garbage collection until every language is
    built (a later language's build would otherwise begin by walking them all again), and
    nothing stays frozen after the build (`mkdocs serve` builds again and again in one
    process)."""
    import datetime as dt

    from cim.writers import mkdocs as writer

    from conftest import ROOT, TODAY

    frozen_at_start: dict[str, int] = {}
    real = writer.CimPlugin._place

    def place(self: writer.CimPlugin, *args: object, **kwargs: object) -> object:
        frozen_at_start[self.config.language] = gc.get_freeze_count()
        return real(self, *args, **kwargs)

    monkeypatch.setattr(writer.CimPlugin, "_place", place)
    monkeypatch.setenv("CIM_CACHE", str(tmp_path / "cache"))
    gc.unfreeze()
    writer.build(ROOT, tmp_path / "site", today=dt.date.fromisoformat(TODAY))
    assert (tmp_path / "site/sv/index.html").is_file()
    assert frozen_at_start["en"] > 0 and frozen_at_start["sv"] > 0  # not thawed in between
    assert gc.get_freeze_count() == 0


def _slowly(items: list[int]) -> list[tuple[int, int]]:
    import time

    time.sleep(0.1)
    return [(n, os.getpid()) for n in items]


def test_this_process_helps_with_the_pieces_no_worker_has_begun() -> None:
    """When the pages are written and work is left, this process does the last pieces while
    the worker goes on from the first: every result once, in order."""
    from cim.speed import Meanwhile

    background = Meanwhile(workers=2)
    collect = background.hand(_slowly, range(40), size=1)
    background.start()
    try:
        background.help()
        done = collect()
    finally:
        background.close()
    assert [n for n, _ in done] == list(range(40))
    here = [n for n, pid in done if pid == os.getpid()]
    assert here and here == list(range(40 - len(here), 40))  # the last ones, not the first
    assert len(here) < 40  # the worker did the first ones meanwhile
