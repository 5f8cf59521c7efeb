"""A local HTTP server standing in for another system (a webhook receiver, the portal): it
records every POST and answers `status` (a list is answered in turn, its last one then on)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StandIn:
    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []
        self.statuses: list[int] = [200]
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                standin.received.append({"path": self.path, "headers": self.headers, "body": body})
                status = standin.statuses.pop(0) if len(standin.statuses) > 1 else standin.statuses[0]
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(json.dumps({"answered": status}).encode())

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
