"""Shared by the intake tests: a real git repository of the demo content, recorded issue
events, and a local attachment server standing in for GitHub's attachment host."""

from __future__ import annotations

import http.server
import io
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from cim.github import git as gitrepo
from cim.intake.run import Options, run

from conftest import ROOT, TODAY, copy_repo, git

EVENTS = ROOT / "tests/fixtures/intake"
GITHUB = "https://github.com/"


def make_repo(target: Path) -> Path:
    """The demo content as a git repository with one commit on `main`."""
    root = copy_repo(ROOT, target)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "base")
    return root


def photo(size: tuple[int, int] = (3200, 2400), *, gps: bool = True, fmt: str = "JPEG") -> bytes:
    """A real photo with camera data and (optionally) a GPS position, as a phone writes it."""
    image = Image.new("RGB", size, (90, 140, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    if gps:
        exif[0x8825] = {1: "N", 2: (57.0, 46.0, 58.0), 3: "E", 4: (14.0, 9.0, 40.0)}
    out = io.BytesIO()
    image.save(out, fmt, exif=exif, quality=90)
    return out.getvalue()


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)


class AttachmentServer:
    """Serves routes on 127.0.0.1 and remembers every path asked for."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.asked: list[str] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.asked.append(self.path)
                route = server.routes.get(self.path, Route(404))
                self.send_response(route.status)
                for key, value in route.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_port}/"
        self.allow = (self.base + "user-attachments/",)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[AttachmentServer]:
    s = AttachmentServer()
    yield s
    s.close()


def event(name: str, server: AttachmentServer | None = None, **changes: Any) -> dict[str, Any]:
    """A recorded event; GitHub's attachment addresses pointed at the local server."""
    text = (EVENTS / name).read_text(encoding="utf-8")
    if server is not None:
        text = text.replace(GITHUB, server.base)
    data: dict[str, Any] = json.loads(text)
    data["issue"].update(changes)
    return data


def intake(
    repo: Path, out: Path, data: dict[str, Any], server: AttachmentServer | None = None
) -> Any:
    """Run intake as the workflow does, on a fixed day."""
    import datetime as dt

    options = Options(
        repo,
        out,
        allow=server.allow if server else (),
        today=dt.date.fromisoformat(TODAY),
    )
    return run(data, options)


def files_on(repo: Path, rev: str) -> list[str]:
    return gitrepo.git(repo, "ls-tree", "-r", "--name-only", rev).decode().split()


def changed(repo: Path, branch: str) -> list[str]:
    return [path for _, path, _ in gitrepo.changed(repo, "main", branch)]
