"""``worktext serve``'s library half: a local preview of the status site.

The site is built once into the output folder; a watcher (``watchfiles``) sees the workspace's
files change and runs the same build as ``worktext build`` (``render.site.build``), which
renders only the pages whose data changed. An HTTP server on 127.0.0.1 serves the folder and
nothing outside it, and adds a small reload script to the HTML it sends (the built files never
contain it): the script asks ``/__worktext/version.js`` once a second and reloads the page when a
rebuild changed the site.
It is a script file, not ``fetch``, because the pages' Content-Security-Policy allows scripts
from the same origin and no connections.
"""

from __future__ import annotations

import datetime as dt
import mimetypes
import os
import posixpath
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from worktext.model.config import load_config
from worktext.model.root import find_root
from worktext.render import site
from worktext.render.build import BuildResult

PREFIX = "/__worktext/"
VERSION_PATH = PREFIX + "version"
VERSION_SCRIPT_PATH = PREFIX + "version.js"
RELOAD_SCRIPT_PATH = PREFIX + "reload.js"
RELOAD_TAG = b'<script src="/__worktext/reload.js" defer></script>'
RELOAD_SCRIPT = b"""\
// Added by `worktext serve` only: reloads the page after the site was rebuilt.
(function () {
  var seen = null;
  window.worktextVersion = function (version) {
    if (seen === null) seen = version;
    else if (version !== seen) window.location.reload();
  };
  function poll() {
    var script = document.createElement("script");
    script.src = "/__worktext/version.js?" + Date.now();
    script.onload = script.onerror = function () {
      script.remove();
      window.setTimeout(poll, 1000);
    };
    document.head.appendChild(script);
  }
  poll();
})();
"""
Progress = Callable[[int, int], None]
WORK_SUFFIXES = frozenset({".md", ".yml", ".yaml"})


def resolve_request(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None when it names nothing there.

    ``root`` must be resolved. Percent-encoded dots and slashes are decoded first, so
    ``/%2e%2e/`` is ``..``; any ``..`` is refused outright, and a symlink that leads out of
    the folder is refused after resolving it."""
    path = unquote(urlsplit(url_path).path)
    if "\x00" in path or "\\" in path:
        return None
    parts = [part for part in path.split("/") if part not in ("", ".")]
    if ".." in parts:
        return None
    target = Path(os.path.realpath(root.joinpath(*parts)))
    if target != root and root not in target.parents:
        return None
    if target.is_dir():
        return resolve_request(root, posixpath.join(path, "index.html"))
    return target if target.is_file() else None


def with_reload_script(html: bytes) -> bytes:
    """The page with the reload script before ``</body>`` (or at its end)."""
    end = html.rfind(b"</body>")
    if end < 0:
        return html + RELOAD_TAG
    return html[:end] + RELOAD_TAG + html[end:]


LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def allowed_host(header: str | None, bound: tuple[object, ...]) -> bool:
    """Whether a request's ``Host`` names this server: localhost, or the address it is bound
    to (with its port, or none). Any other name is refused."""
    if not header:
        return False
    host, port = header.strip().lower(), ""
    if host.startswith("["):  # [::1]:8000
        name, _, rest = host[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        name, _, port = host.rpartition(":") if host.count(":") == 1 else (host, "", "")
    address = bound[0].decode() if isinstance(bound[0], bytes | bytearray) else str(bound[0])
    if port and port != str(bound[1]):
        return False
    return name in LOCAL_NAMES or name == address.lower()


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, root: Path, host: str, port: int) -> None:
        self.root = root.resolve()
        self.version = 1
        self.log: Callable[[str], None] | None = None  # where request lines go (none: quiet)
        super().__init__((host, port), PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "worktext-serve"

    def do_GET(self) -> None:
        self._respond(with_body=True)

    def do_HEAD(self) -> None:
        self._respond(with_body=False)

    def _respond(self, with_body: bool) -> None:
        if not allowed_host(self.headers.get("Host"), self.server.server_address):
            # DNS rebinding: a page of another site, whose name now points at this machine,
            # must not read the workspace. Only the bound address and localhost are answered.
            return self._send(b"Misdirected request\n", "text/plain; charset=utf-8", with_body, 421)
        path = urlsplit(self.path).path
        own = self._own_answer(path)
        if own is not None:
            return self._send(*own, with_body)
        target = resolve_request(self.server.root, path)
        if target is None:
            return self._send(b"Not found\n", "text/plain; charset=utf-8", with_body, 404)
        if target.name == "index.html" and not path.endswith(("/", ".html")):
            return self._redirect(path + "/")  # so the page's relative links work
        self._send_file(target, with_body)

    def _own_answer(self, path: str) -> tuple[bytes, str] | None:
        """(content, type) of the paths the preview answers itself: the site's version, and
        the scripts that reload a page when it changes; None for the site's files."""
        version = str(self.server.version)
        if path == VERSION_PATH:
            return version.encode(), "text/plain; charset=utf-8"
        if path == VERSION_SCRIPT_PATH:
            script = f'window.worktextVersion && window.worktextVersion("{version}");\n'
            return script.encode(), "text/javascript; charset=utf-8"
        if path == RELOAD_SCRIPT_PATH:
            return RELOAD_SCRIPT, "text/javascript; charset=utf-8"
        return None

    def _send_file(self, target: Path, with_body: bool) -> None:
        """A file of the built site; HTML pages get the reload script."""
        try:
            data = target.read_bytes()
        except OSError:  # removed by a rebuild in the meantime
            return self._send(b"Not found\n", "text/plain; charset=utf-8", with_body, 404)
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind == "text/html":
            data = with_reload_script(data)
        if kind.startswith("text/") or kind.endswith(("javascript", "json")):
            kind += "; charset=utf-8"
        self._send(data, kind, with_body)

    def _send(self, data: bytes, kind: str, with_body: bool, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        # Another local origin may not embed the site's files (search-index.js holds every
        # title), nor have them read as another type.
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        if with_body:
            self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if self.server.log is not None:
            self.server.log(format % args)


class Preview:
    """A workspace's site, built into ``out_dir``, served, and rebuilt when files change."""

    def __init__(
        self,
        workspace: str | os.PathLike[str] | None,
        out_dir: str | os.PathLike[str],
        *,
        today: dt.date | None = None,
        jobs: int | None = None,
        use_cache: bool = True,
    ) -> None:
        self.workspace = workspace
        self.out = Path(out_dir).resolve()
        self.today = today
        self.jobs = jobs
        self.use_cache = use_cache
        self.root = find_root(workspace)
        self.server: PreviewServer | None = None
        self._thread: threading.Thread | None = None

    def build(self, progress: Progress | None = None) -> BuildResult:
        """Read the settings again, and build (the cache re-reads only changed files)."""
        config, diagnostics = load_config(self.root, self.use_cache)
        today = self.today or dt.date.today()
        result = site.build(
            config,
            self.out,
            today,
            use_cache=self.use_cache,
            jobs=self.jobs,
            progress=progress,
            config_diagnostics=diagnostics,
        )
        if self.server is not None and (result.written or result.removed):
            self.server.version += 1
        return result

    def start(self, host: str = "127.0.0.1", port: int = 8000) -> str:
        """Serve the output folder from a background thread; returns the site's URL."""
        # The watcher's module is loaded before the site is served, not when the watch
        # starts: a Ctrl-C or SIGTERM that comes while a module is imported is raised inside
        # the import machinery, which reports it and drops it, and the preview kept running.
        import watchfiles  # noqa: F401  (only the preview needs the watcher)

        self.server = PreviewServer(self.out, host, port)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self.server.url

    def watch(
        self,
        stop: threading.Event,
        on_build: Callable[[BuildResult | Exception, set[str]], None],
        *,
        debounce_ms: int = 300,
    ) -> None:
        """Rebuild after each batch of changes until ``stop`` is set (or Ctrl-C).

        ``on_build`` gets the result, or the error that stopped a rebuild (the last good site
        stays served), and the changed paths relative to the workspace."""
        from watchfiles import watch  # loaded already (see start)

        for changes in watch(
            self.root,
            watch_filter=self._watched,
            stop_event=stop,
            debounce=debounce_ms,
            raise_interrupt=True,
        ):
            changed = {os.path.relpath(path, self.root) for _, path in changes}
            try:
                result: BuildResult | Exception = self.build()
            except Exception as error:  # a broken worktext.yml must not end the preview
                result = error
            on_build(result, changed)

    def _watched(self, _change: object, path: str) -> bool:
        """Work files (and folders, which may be moved whole) only: not the site being
        written, caches, git's own files or an editor's temporary files."""
        target = Path(path)
        if target == self.out or self.out in target.parents:
            return False
        if target.suffix not in WORK_SUFFIXES and target.suffix != "":  # "": maybe a folder
            return False
        parts = target.relative_to(self.root).parts if self.root in target.parents else ()
        return not any(part.startswith(".") or part == "__pycache__" for part in parts)

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
