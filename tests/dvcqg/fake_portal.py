"""A stand-in for the national portal's JSON adapter, served over real HTTP on 127.0.0.1.

It speaks the OpenCPS shape (domain.md §16): ``POST /login {username, password}`` answers a session
token; ``POST /service {session, madonvi, service, ...}`` answers ``{error_code, result[]}``. It
implements TraCuuHoSo, DongBoHoSoMC, CapNhatTienDoHoSoMC and the pull of online dossiers, keeps
what it was told, and records every request, so tests can read exactly what motcua sent.

Knobs for tests: ``down`` (every request answers 503), ``fail_progress_after`` (accept that many
more progress records, then answer 503), ``expire_sessions()`` (the next request answers 401).
"""

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

USERNAME = "motcua-test"
PASSWORD = "mat-khau-thu"
UNIT_CODE = "000.00.00.H26"
PULL_SERVICE = "LayDanhSachHoSo"


class FakePortal:
    def __init__(self):
        self.lock = threading.Lock()
        self.requests: list[dict] = []  # {"path": ..., "body": ...} for every request
        self.dossiers: dict[str, dict] = {}  # MaHoSo → the latest DongBoHoSoMC record
        self.progress: list[dict] = []  # every CapNhatTienDoHoSoMC record accepted, in order
        self.online: list[dict] = []  # online dossiers handed out by the pull service
        self.sessions: set[str] = set()
        self.down = False
        self.fail_progress_after: int | None = None
        portal = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw.decode("utf-8"))
                except ValueError:
                    body = None
                status, reply = portal.handle(self.path, body)
                data = json.dumps(reply, ensure_ascii=False).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # keep test output clean
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # --------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    # --------------------------------------------------------------- what tests read

    def calls(self, service: str) -> list[dict]:
        """The bodies of every request for ``service`` ("login" for the log-ins)."""
        with self.lock:
            if service == "login":
                return [r["body"] for r in self.requests if r["path"] == "/login"]
            return [
                r["body"]
                for r in self.requests
                if r["path"] == "/service" and (r["body"] or {}).get("service") == service
            ]

    def progress_of(self, code: str) -> list[dict]:
        with self.lock:
            return [p for p in self.progress if p.get("MaHoSo") == code]

    def expire_sessions(self) -> None:
        with self.lock:
            self.sessions.clear()

    # --------------------------------------------------------------- the portal

    def handle(self, path: str, body) -> tuple[int, dict]:
        with self.lock:
            self.requests.append({"path": path, "body": body})
            if self.down:
                return 503, {"error_code": 503, "message": "Hệ thống đang bảo trì"}
            if not isinstance(body, dict):
                return 400, {"error_code": 400, "message": "Bad request"}
            if path == "/login":
                return self._login(body)
            if path == "/service":
                if body.get("session") not in self.sessions:
                    return 401, {"error_code": 401, "message": "Session expired"}
                if body.get("madonvi") != UNIT_CODE:
                    return 200, {"error_code": 2, "message": "Mã đơn vị không đúng"}
                return self._service(body)
            return 404, {"error_code": 404, "message": "Not found"}

    def _login(self, body: dict) -> tuple[int, dict]:
        if body.get("username") != USERNAME or body.get("password") != PASSWORD:
            return 200, {"error_code": 1, "message": "Sai tên đăng nhập hoặc mật khẩu"}
        session = secrets.token_hex(8)
        self.sessions.add(session)
        return 200, {"error_code": 0, "session": session}

    def _service(self, body: dict) -> tuple[int, dict]:
        service = body.get("service")
        if service == "TraCuuHoSo":
            found = self.dossiers.get(body.get("MaHoSo"))
            return 200, {"error_code": 0, "result": [found] if found else []}
        if service == "DongBoHoSoMC":
            for record in body.get("data") or []:
                code = record.get("MaHoSo")
                updating = body.get("isUpdating") == "True"
                if updating != (code in self.dossiers):
                    message = "Hồ sơ chưa có" if updating else "Hồ sơ đã tồn tại"
                    return 200, {"error_code": 3, "message": message}
                self.dossiers[code] = record
            return 200, {"error_code": 0, "result": []}
        if service == "CapNhatTienDoHoSoMC":
            for record in body.get("data") or []:
                if record.get("MaHoSo") not in self.dossiers:
                    return 200, {"error_code": 4, "message": "Hồ sơ chưa được đồng bộ"}
                if self.fail_progress_after is not None:
                    if self.fail_progress_after <= 0:
                        return 503, {"error_code": 503, "message": "Quá tải"}
                    self.fail_progress_after -= 1
                self.progress.append(record)
            return 200, {"error_code": 0, "result": []}
        if service == PULL_SERVICE:
            return 200, {"error_code": 0, "result": list(self.online)}
        return 200, {"error_code": 9, "message": f"Không có dịch vụ {service}"}
