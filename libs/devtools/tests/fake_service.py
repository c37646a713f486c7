"""A stand-in for `python -m shop_<service>`: copied as `shop_<service>/__main__.py` by tests.

migrate / seed touch a marker file under MEDIA_ROOT; serve answers /health on <SERVICE>_PORT
(and, as orders, /api/catalog with one media, or none with FAKE_EMPTY_CATALOG=1).
FAKE_FAIL="<service>:<command>" makes that command fail; FAKE_UNHEALTHY="<service>" answers 503.
"""

import json
import os
import signal
import sys
from http.server import BaseHTTPRequestHandler, HTTPServer

service = (__package__ or "shop_x").removeprefix("shop_")
command = sys.argv[1]
if os.environ.get("FAKE_FAIL") == f"{service}:{command}":
    print(f"boom: {service} {command} failed on purpose", flush=True)
    sys.exit(3)
if command in ("migrate", "seed"):
    with open(os.path.join(os.environ["MEDIA_ROOT"], f"{service}-{command}"), "w") as marker:
        marker.write(os.environ[f"{service.upper()}_DATABASE_URL"])
    sys.exit(0)


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        code = 503 if os.environ.get("FAKE_UNHEALTHY") == service else 200
        answer: dict[str, object] = {"service": service, "pid": os.getpid()}
        if self.path == "/api/catalog":
            answer["media"] = [] if os.environ.get("FAKE_EMPTY_CATALOG") else [{"id": "m"}]
        body = json.dumps(answer).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
print(f"{service} serving", flush=True)
HTTPServer(("127.0.0.1", int(os.environ[f"{service.upper()}_PORT"])), Handler).serve_forever()
