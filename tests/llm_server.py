"""A loopback server speaking the Anthropic Messages API (POST /v1/messages and /v1/messages/count_tokens) with
scripted answers and usage: the real SDK talks to it over HTTP on 127.0.0.1, nothing reaches the network."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Script:
    """What the server answers, in order; every request it got."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, Any]]] = []  # (status, body) for /v1/messages
        self.requests: list[dict[str, Any]] = []  # {"path", "headers", "body"}
        self.count_status = 200

    def tool_answer(self, fix: dict[str, Any], usage: dict[str, int], model: str = "claude-test") -> None:
        self.answers.append(
            (
                200,
                {
                    "id": f"msg_{len(self.answers)}",
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [{"type": "tool_use", "id": "toolu_1", "name": "propose_fix", "input": fix}],
                    "stop_reason": "tool_use",
                    "stop_sequence": None,
                    "usage": {"cache_creation_input_tokens": 0, "cache_read_input_tokens": 0, **usage},
                },
            )
        )

    def error(self, status: int, kind: str, message: str) -> None:
        self.answers.append((status, {"type": "error", "error": {"type": kind, "message": message}}))

    def calls(self, path: str = "/v1/messages") -> list[dict[str, Any]]:
        return [r for r in self.requests if r["path"] == path]


def serve(script: Script) -> tuple[ThreadingHTTPServer, str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:  # quiet
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length", 0))
            body = json.loads(self.rfile.read(length) or b"{}")
            path = self.path.split("?")[0]
            script.requests.append({"path": path, "headers": dict(self.headers), "body": body})
            if path == "/v1/messages/count_tokens":
                text = json.dumps(body.get("system", "")) + json.dumps(body.get("messages", []))
                status, answer = script.count_status, {"input_tokens": len(text) // 4}
            elif script.answers:
                status, answer = script.answers.pop(0)
            else:
                status, answer = 500, {"type": "error", "error": {"type": "api_error", "message": "no answer scripted"}}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"
