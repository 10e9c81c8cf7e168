"""``worktext serve``: a real server on a free port of 127.0.0.1 and a real watcher. An edited
task file is rebuilt, the version the reload script polls changes, and nothing outside the
output folder is ever served."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TODAY

from worktext.integrations.serve import Preview, resolve_request, with_reload_script

TEMPLATE = Path(__file__).resolve().parent.parent / "workspace-template"


def get(url: str, path: str) -> tuple[int, bytes, dict[str, str]]:
    """A GET with the path sent exactly as given (no client-side normalisation of ``..``)."""
    host, port = url.removeprefix("http://").rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


def wait_for(condition, seconds: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[tuple[Preview, str, list]]:  # type: ignore[type-arg]
    workspace = tmp_path / "ws"
    shutil.copytree(TEMPLATE, workspace, ignore=shutil.ignore_patterns(".worktext"))
    (tmp_path / "secret.txt").write_text("outside", "utf-8")
    preview = Preview(workspace, workspace / "public", today=TODAY)
    preview.build()
    url = preview.start("127.0.0.1", 0)
    builds: list = []  # type: ignore[type-arg]
    stop = threading.Event()
    watcher = threading.Thread(
        target=preview.watch, args=(stop, lambda r, c: builds.append((r, c))), daemon=True
    )
    watcher.start()
    time.sleep(0.5)  # the watcher is ready
    yield preview, url, builds
    stop.set()
    preview.stop()
    watcher.join(timeout=10)
    assert not watcher.is_alive()


def test_pages_are_served_with_the_reload_script_added(preview) -> None:  # type: ignore[no-untyped-def]
    server, url, _ = preview
    status, body, headers = get(url, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    assert body.count(b'<script src="/__worktext/reload.js" defer></script></body>') == 1
    built = (server.out / "index.html").read_bytes()
    assert b"__worktext" not in built  # the built site never carries it
    status, script, headers = get(url, "/__worktext/reload.js")
    assert status == 200 and b"version.js" in script and "javascript" in headers["Content-Type"]
    status, css, headers = get(url, "/assets/site.css")
    assert status == 200 and css == (server.out / "assets/site.css").read_bytes()
    assert headers["Content-Type"].startswith("text/css")
    status, _, headers = get(url, "/tasks")
    assert status == 404
    assert get(url, "/__worktext/version")[1] == b"1"


def test_an_edited_task_is_rebuilt_and_the_version_changes(preview) -> None:  # type: ignore[no-untyped-def]
    server, url, builds = preview
    task = server.root / "tasks/web/WEB-5.md"
    text = task.read_text("utf-8")
    assert "Brand-new title from the test" not in get(url, "/tasks/WEB-5.html")[1].decode()
    before = get(url, "/__worktext/version")[1]
    edited = re.sub(r"(?m)^title: .*$", "title: Brand-new title from the test", text, count=1)
    task.write_text(edited, "utf-8")
    assert wait_for(lambda: get(url, "/__worktext/version")[1] != before)
    page = get(url, "/tasks/WEB-5.html")[1].decode()
    assert "Brand-new title from the test" in page
    result, changed = builds[-1]
    assert "tasks/web/WEB-5.md" in {p.replace(os.sep, "/") for p in changed}
    assert 0 < result.rendered < result.pages  # only what shows the task was rendered again
    script = get(url, "/__worktext/version.js")[1].decode()
    assert f'"{get(url, "/__worktext/version")[1].decode()}"' in script


def test_writing_the_site_does_not_trigger_a_rebuild(preview) -> None:  # type: ignore[no-untyped-def]
    server, url, builds = preview
    (server.out / "extra.html").write_text("<p>x</p>", "utf-8")  # the output folder is ignored
    (server.root / ".worktext").mkdir(exist_ok=True)
    (server.root / ".worktext" / "junk").write_text("x", "utf-8")
    time.sleep(1.5)
    assert builds == []
    assert get(url, "/__worktext/version")[1] == b"1"


@pytest.mark.parametrize(
    "path",
    [
        "/../worktext.yml",
        "/%2e%2e/worktext.yml",
        "/%2E%2E%2Fworktext.yml",
        "/tasks/..%2f..%2fworktext.yml",
        "/..%5cworktext.yml",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/assets/../../secret.txt",
        "/%00index.html",
    ],
)
def test_nothing_outside_the_output_folder_is_served(preview, path: str) -> None:  # type: ignore[no-untyped-def]
    _, url, _ = preview
    status, body, _ = get(url, path)
    assert status == 404, (path, body[:80])
    assert b"name:" not in body and b"root:" not in body and b"outside" not in body


def test_symlinks_leading_out_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "index.html").write_text("home", "utf-8")
    (tmp_path / "secret.txt").write_text("secret", "utf-8")
    (out / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (out / "inside.txt").symlink_to(out / "index.html")
    root = out.resolve()
    assert resolve_request(root, "/leak.txt") is None
    assert resolve_request(root, "/inside.txt") == root / "index.html"
    assert resolve_request(root, "/") == root / "index.html"
    assert resolve_request(root, "/index.html?x=1#y") == root / "index.html"


def test_reload_script_goes_before_the_end_of_the_body() -> None:
    assert with_reload_script(b"<html><body>x</body></html>").endswith(
        b'x<script src="/__worktext/reload.js" defer></script></body></html>'
    )
    assert with_reload_script(b"<p>fragment").startswith(b"<p>fragment<script")


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_the_command_serves_and_stops_cleanly(tmp_path: Path, stop_signal: int) -> None:
    """Ctrl-C (SIGINT) or kill (SIGTERM): the server stops, no traceback, exit status 0."""
    workspace = tmp_path / "ws"
    shutil.copytree(TEMPLATE, workspace, ignore=shutil.ignore_patterns(".worktext"))
    command = [sys.executable, "-m", "worktext", "--today", "2026-11-23", "serve", "--port", "0"]
    process = subprocess.Popen(
        command,
        cwd=workspace,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # a background process may inherit SIGINT ignored; a terminal's Ctrl-C is not
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        lines = []
        assert process.stdout is not None
        while not lines or "Serving" not in lines[-1]:
            line = process.stdout.readline()
            assert line, "".join(lines)
            lines.append(line)
        url = lines[-1].split()[1]
        assert url.startswith("http://127.0.0.1:")
        status, body, _ = get(url, "/")
        assert status == 200 and b"Northwind" in body
        process.send_signal(stop_signal)
        rest, _ = process.communicate(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, rest
    assert "Stopped." in rest and "Traceback" not in rest


CHROMIUM = "/usr/bin/chromium"


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is not installed")
def test_the_open_page_reloads_after_an_edit(preview) -> None:  # type: ignore[no-untyped-def]
    """In a real browser, under the pages' own Content-Security-Policy."""
    sync_api = pytest.importorskip("playwright.sync_api")
    server, url, _ = preview
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"], headless=True
        )
        try:
            page = browser.new_page()
            violations: list[str] = []
            page.on(
                "console",
                lambda m: "Content Security Policy" in m.text and violations.append(m.text),
            )
            page.goto(url + "tasks/WEB-5.html")
            assert "Brand-new" not in page.title()
            page.wait_for_timeout(1500)  # the first poll has recorded the version
            task = server.root / "tasks/web/WEB-5.md"
            text = task.read_text("utf-8")
            task.write_text(re.sub(r"(?m)^title: .*$", "title: Brand-new title", text, count=1))
            # polled from here: a function evaluated in the page would be refused by its CSP
            assert wait_for(lambda: "Brand-new" in page.title())
            assert violations == []
        finally:
            browser.close()


def test_only_work_files_trigger_a_rebuild(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    shutil.copytree(TEMPLATE, workspace, ignore=shutil.ignore_patterns(".worktext"))
    preview = Preview(workspace, workspace / "public", today=TODAY)
    root = preview.root
    assert preview._watched(None, str(root / "tasks/web/WEB-5.md"))
    assert preview._watched(None, str(root / "worktext.yml"))
    assert preview._watched(None, str(root / "tasks/web"))  # a folder moved away
    assert not preview._watched(None, str(root / "public/index.html"))
    assert not preview._watched(None, str(root / ".worktext/cache.json"))
    assert not preview._watched(None, str(root / ".git/index"))
    assert not preview._watched(None, str(root / "tasks/web/.WEB-5.md.swp"))
    assert not preview._watched(None, str(root / "tasks/web/WEB-5.md~"))


def request(url: str, path: str, host: str) -> tuple[int, dict[str, str]]:
    """A request with the ``Host`` header a browser sends for ``host``."""
    address = url.removeprefix("http://").rstrip("/")
    name, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(name, int(port), timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", host)
    connection.endheaders()
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:8000", "127.0.0.2", "localhost.evil.example", ""]
)
def test_a_host_that_is_not_this_server_is_refused(preview, host: str) -> None:  # type: ignore[no-untyped-def]
    """DNS rebinding: a page of evil.example whose name now resolves to 127.0.0.1 asks this
    server with its own name in Host."""
    _, url, _ = preview
    status, _headers = request(url, "/search-index.js", host)
    assert status == 421


def test_localhost_and_the_bound_address_are_answered(preview) -> None:  # type: ignore[no-untyped-def]
    _, url, _ = preview
    port = url.rstrip("/").rsplit(":", 1)[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        status, headers = request(url, "/index.html", host)
        assert status == 200, host
        assert headers["cross-origin-resource-policy"] == "same-origin"
        assert headers["x-content-type-options"] == "nosniff"
    assert request(url, "/index.html", "localhost:1")[0] == 421  # another port
