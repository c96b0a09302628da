"""Drive the system's headless Chromium over the Chrome DevTools Protocol (CDP), stdlib only.

No browser download and no Python dependency: the browser is Debian's `chromium` (installed by
`make sysdeps`), and the DevTools websocket is spoken by the small client below. The session
records what a test needs to judge a page: console errors and uncaught exceptions, every network
request, and JavaScript dialogs (alert/confirm/prompt, dismissed at once so the page never blocks).
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

# The flags that work here as root on a machine without a network (see the machine notes): without
# the background-networking ones Chromium keeps trying to reach Google's hosts.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--no-default-browser-check",
         "--disable-breakpad", "--disable-crash-reporter", "--metrics-recording-only", "--mute-audio",
         "--hide-scrollbars", "--disable-dev-shm-usage", "--remote-debugging-address=127.0.0.1",
         "--remote-debugging-port=0"]
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def find_chromium() -> str | None:
    """$XXGK_CHROMIUM, else the first Chromium on PATH."""
    env = os.environ.get("XXGK_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    for name in CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    return None


class BrowserError(RuntimeError):
    pass


# ----------------------------------------------------------------------------- websocket (RFC 6455)
class WebSocket:
    """A minimal client: text frames out (masked), text/binary/continuation/ping/close in."""

    def __init__(self, url: str, timeout: float = 30.0):
        u = urllib.parse.urlsplit(url)
        if u.scheme != "ws" or u.hostname not in ("127.0.0.1", "localhost"):
            raise BrowserError(f"refusing a non-loopback DevTools address: {url}")
        self.sock = socket.create_connection((u.hostname, u.port), timeout=timeout)
        key = base64.b64encode(os.urandom(16)).decode()
        path = u.path + (f"?{u.query}" if u.query else "")
        req = (f"GET {path} HTTP/1.1\r\nHost: {u.hostname}:{u.port}\r\nUpgrade: websocket\r\n"
               f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n")
        self.sock.sendall(req.encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise BrowserError("DevTools closed the connection during the handshake")
            head += chunk
        head, self.buf = head.split(b"\r\n\r\n", 1)
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            raise BrowserError(f"websocket handshake refused: {status.decode(errors='replace')}")

    def _exact(self, n: int) -> bytes:
        while len(self.buf) < n:
            chunk = self.sock.recv(max(65536, n - len(self.buf)))
            if not chunk:
                raise BrowserError("DevTools connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _frame(self, opcode: int, payload: bytes) -> None:
        n = len(payload)
        head = bytes([0x80 | opcode])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 1 << 16:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _xor(payload, mask)
        self.sock.sendall(head + mask + masked)

    def send(self, text: str) -> None:
        self._frame(0x1, text.encode("utf-8"))

    def recv(self) -> str:
        parts: list[bytes] = []
        while True:
            b0, b1 = self._exact(2)
            opcode, n = b0 & 0x0F, b1 & 0x7F
            if n == 126:
                n = struct.unpack("!H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack("!Q", self._exact(8))[0]
            mask = self._exact(4) if b1 & 0x80 else None
            data = self._exact(n)
            if mask:
                data = _xor(data, mask)
            if opcode == 0x9:  # ping
                self._frame(0xA, data)
                continue
            if opcode == 0x8:
                raise BrowserError("DevTools closed the websocket")
            if opcode in (0x0, 0x1, 0x2):
                parts.append(data)
                if b0 & 0x80:
                    return b"".join(parts).decode("utf-8")

    def close(self) -> None:
        try:
            self._frame(0x8, b"")
        except OSError:
            pass
        self.sock.close()


def _xor(data: bytes, mask: bytes) -> bytes:
    n = len(data)
    m = int.from_bytes((mask * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(data, "big") ^ m).to_bytes(n, "big")


# ----------------------------------------------------------------------------- browser + page session
class Browser:
    """A headless Chromium with a new empty profile, and a CDP session on its one page."""

    def __init__(self, binary: str, width: int = 1280, height: int = 900, timeout: float = 30.0):
        self.width, self.height, self.timeout = width, height, timeout
        self.profile = tempfile.mkdtemp(prefix="xxgk-chromium-")
        self.log = open(Path(self.profile) / "chromium.log", "wb")  # noqa: SIM115 - closed in close()
        self.proc = subprocess.Popen(
            [binary, *FLAGS, f"--user-data-dir={self.profile}", f"--window-size={width},{height}", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.ws: WebSocket | None = None
        try:
            port = self._port()
            self.ws = WebSocket(self._page_ws(port), timeout=timeout)
        except BaseException:
            self.close()
            raise
        self._id = 0
        self.events: list[dict] = []
        self.dialogs: list[dict] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})

    def _port(self) -> int:
        marker = Path(self.profile) / "DevToolsActivePort"
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise BrowserError(f"Chromium exited with {self.proc.returncode} before DevTools came up: "
                                   f"{self.output()[-2000:]}")
            if marker.exists():
                lines = marker.read_text().split()
                if lines:
                    return int(lines[0])
            time.sleep(0.05)
        raise BrowserError(f"Chromium did not open DevTools within {self.timeout:.0f} s: {self.output()[-2000:]}")

    def _page_ws(self, port: int) -> str:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # loopback: never a proxy
        deadline = time.monotonic() + self.timeout
        while True:
            with opener.open(f"http://127.0.0.1:{port}/json/list", timeout=self.timeout) as resp:
                pages = [t for t in json.load(resp) if t.get("type") == "page"]
            if pages:
                return pages[0]["webSocketDebuggerUrl"]
            if time.monotonic() > deadline:
                raise BrowserError("Chromium opened no page")
            time.sleep(0.05)

    def output(self) -> str:
        try:
            self.log.flush()
            return (Path(self.profile) / "chromium.log").read_text(errors="replace")
        except OSError:
            return ""

    # --------------------------------------------------------------------------------- protocol
    def _handle(self, msg: dict) -> None:
        method, p = msg.get("method"), msg.get("params", {})
        self.events.append(msg)
        if method == "Page.javascriptDialogOpening":
            self.dialogs.append(p)
            self.ws.send(json.dumps({"id": 0, "method": "Page.handleJavaScriptDialog", "params": {"accept": False}}))
        elif method == "Network.requestWillBeSent":
            self.requests.append(p["request"]["url"])
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.errors.append(f"exception: {d.get('exception', {}).get('description') or d.get('text')}"
                               f" at {d.get('url', '')}:{d.get('lineNumber', '')}")
        elif method == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
            args = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            self.errors.append(f"console.{p['type']}: {args}")
        elif method == "Log.entryAdded" and p["entry"].get("level") == "error":
            e = p["entry"]
            self.errors.append(f"log[{e.get('source')}]: {e.get('text')} {e.get('url', '')}".strip())

    def call(self, method: str, params: dict | None = None) -> dict:
        self._id += 1
        mid = self._id
        self.ws.send(json.dumps({"id": mid, "method": method, "params": params or {}}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == mid:
                if "error" in msg:
                    raise BrowserError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            if "method" in msg:
                self._handle(msg)

    def wait_for(self, method: str, timeout: float | None = None) -> dict:
        """The next event `method` (events already recorded are not looked at)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while time.monotonic() < deadline:
            self.ws.sock.settimeout(max(0.05, deadline - time.monotonic()))
            try:
                msg = json.loads(self.ws.recv())
            except TimeoutError:
                break
            finally:
                self.ws.sock.settimeout(self.timeout)
            if "method" in msg:
                self._handle(msg)
                if msg["method"] == method:
                    return msg.get("params", {})
        raise BrowserError(f"no {method} within {timeout or self.timeout:.0f} s")

    def settle(self, seconds: float = 0.2) -> None:
        """Read events for a moment (late console messages, dialogs)."""
        try:
            self.wait_for("__never__", seconds)
        except BrowserError:
            pass

    def reset_records(self) -> None:
        self.events.clear()
        self.dialogs.clear()
        self.requests.clear()
        self.errors.clear()

    # --------------------------------------------------------------------------------- page helpers
    def open(self, url: str) -> None:
        """Navigate and wait for the load event (and a moment more for late messages)."""
        mark = len(self.events)
        res = self.call("Page.navigate", {"url": url})
        if res.get("errorText"):
            raise BrowserError(f"navigation to {url} failed: {res['errorText']}")
        if not any(e.get("method") == "Page.loadEventFired" for e in self.events[mark:]):
            self.wait_for("Page.loadEventFired")
        self.settle(0.1)

    def js(self, expression: str):
        """Evaluate `expression` in the page and return its value (JSON-able)."""
        res = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                             "awaitPromise": True, "userGesture": True})
        if "exceptionDetails" in res:
            raise BrowserError(f"JS failed: {res['exceptionDetails'].get('exception', {}).get('description')}")
        return res.get("result", {}).get("value")

    def click(self, selector: str) -> None:
        """A real mouse click in the middle of the element (scrolled into view first)."""
        box = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                      " if (!e) return null; e.scrollIntoView({block: 'center'});"
                      " const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        if not box:
            raise BrowserError(f"nothing matches {selector}")
        for kind in ("mousePressed", "mouseReleased"):
            self.call("Input.dispatchMouseEvent", {"type": kind, "x": box[0], "y": box[1], "button": "left",
                                                   "clickCount": 1})

    def type_into(self, selector: str, text: str) -> None:
        """Focus the field, select what is in it, and type `text` as keyboard input would."""
        ok = self.js(f"(() => {{ const e = document.querySelector({json.dumps(selector)});"
                     " if (!e) return false; e.scrollIntoView({block: 'center'}); e.focus(); e.select();"
                     " return document.activeElement === e; })()")
        if not ok:
            raise BrowserError(f"cannot focus {selector}")
        if text:
            self.call("Input.insertText", {"text": text})
        else:
            for kind in ("rawKeyDown", "keyUp"):
                self.call("Input.dispatchKeyEvent", {"type": kind, "key": "Backspace", "code": "Backspace",
                                                     "windowsVirtualKeyCode": 8})

    def screenshot(self, path: Path) -> bytes:
        self.js("window.scrollTo(0, 0)")
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"})["data"])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return data

    def close(self) -> None:
        if self.ws is not None:
            try:
                self.call("Browser.close")
            except (BrowserError, OSError):
                pass
            self.ws.close()
            self.ws = None
        if self.proc.poll() is None:
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the group we started (start_new_session)
                except ProcessLookupError:
                    pass
                self.proc.wait(5)
        self.log.close()
        shutil.rmtree(self.profile, ignore_errors=True)
