"""Runs moto's server with smguard's extension loaded.

    python -m smguard_emulator --host 127.0.0.1 --port 0 [--parent-pid PID] [--port-file FILE]

Started exactly like ``moto_server``; with ``--port 0`` it picks a free port and writes it to
``--port-file`` (so a test harness never races for a port). It exits when the process
``--parent-pid`` ends, so a test run that dies leaves no emulator behind.

Besides moto's own ``/moto-api/`` it serves:

- ``POST /_smguard/lifecycle`` ``{"account", "region", "kind", "name", "status"?}``: moves the
  resource to its next status (or to ``status``), emitting its state-change event. ``kind`` is
  the ARN resource type: ``notebook-instance``, ``training-job``, ``processing-job``,
  ``transform-job``, ``hyper-parameter-tuning-job``, ``compilation-job``, ``automl-job``,
  ``labeling-job``. Answers ``{"status": …}``, 404 for an unknown resource, 409 when nothing
  follows its status.
- ``GET /_smguard/requests?access_key=AKID``: the AWS API calls made with that access key, in
  order (``requests.py``), for benchmarks that count calls per event.
- ``POST /_smguard/faults`` / ``DELETE /_smguard/faults``: faults in a caller's requests
  (``faults.py``); ``GET /_smguard/faults?access_key=AKID``: how many of them fired.
- ``POST /_smguard/endpoints`` ``{"access_key", "vpc_endpoint_id"}``: that caller's S3 requests come
  through this VPC endpoint (their data events carry ``vpcEndpointId``; ``null`` clears it).

S3 object writes become CloudTrail data events on the requester's and the bucket owner's buses
(``s3_trail.py``).
"""

import argparse
import json
import os
import socket
import sys
import threading
import time
import urllib.parse
from typing import Any, Callable, Iterable

from werkzeug.serving import make_server

from . import faults, install, lifecycle, management_trail, requests, s3_trail


def control_app(moto_app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if not environ.get("PATH_INFO", "").startswith("/_smguard/"):
            caller = requests.record(environ)
            fault = faults.take(*caller) if caller else None
            if fault:
                status, headers, body = fault
                if status == "DroppedConnection":
                    # Close the socket without an answer, as a broken connection does.
                    import socket as sockets

                    connection = environ.get("werkzeug.socket")
                    if connection is not None:
                        try:
                            connection.shutdown(sockets.SHUT_RDWR)
                        except OSError:
                            pass
                    return []
                if status == "Slow":
                    time.sleep(float(dict(headers)["seconds"]))
                else:
                    start_response(status, headers)
                    return [body]
            managed = management_trail.middleware(environ, caller, moto_app, start_response)
            if managed is not None:
                return managed
            return s3_trail.middleware(environ, caller, moto_app, start_response)

        def answer(status: str, body: dict[str, Any]) -> Iterable[bytes]:
            start_response(status, [("Content-Type", "application/json")])
            return [json.dumps(body).encode()]

        if environ["PATH_INFO"] == "/_smguard/faults":
            if environ["REQUEST_METHOD"] == "DELETE":
                query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
                faults.clear(query["access_key"][0] if "access_key" in query else None)
                return answer("200 OK", {})
            if environ["REQUEST_METHOD"] == "GET":
                query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
                if "access_key" not in query:
                    return answer("400 Bad Request", {"error": "name the caller with ?access_key="})
                return answer("200 OK", {"fired": faults.fired(query["access_key"][0])})
            if environ["REQUEST_METHOD"] == "POST":
                try:
                    length = int(environ.get("CONTENT_LENGTH") or 0)
                    faults.add(json.loads(environ["wsgi.input"].read(length) or b"{}"))
                    return answer("200 OK", {})
                except (ValueError, TypeError) as error:
                    return answer("400 Bad Request", {"error": str(error)})

        if environ["PATH_INFO"] == "/_smguard/endpoints" and environ["REQUEST_METHOD"] == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
                s3_trail.set_endpoint(body["access_key"], body.get("vpc_endpoint_id"))
                return answer("200 OK", {})
            except (ValueError, TypeError, KeyError) as error:
                return answer("400 Bad Request", {"error": f"expected {{access_key, vpc_endpoint_id}}: {error}"})

        if environ["PATH_INFO"] == "/_smguard/requests" and environ["REQUEST_METHOD"] == "GET":
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            if "access_key" not in query:
                return answer("400 Bad Request", {"error": "name the caller with ?access_key="})
            return answer("200 OK", {"requests": requests.made_by(query["access_key"][0])})
        if environ["PATH_INFO"] != "/_smguard/lifecycle" or environ["REQUEST_METHOD"] != "POST":
            return answer("404 Not Found", {"error": "unknown emulator endpoint"})
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            request = json.loads(environ["wsgi.input"].read(length) or b"{}")
            from moto.sagemaker.models import sagemaker_backends

            backend = sagemaker_backends[request["account"]][request["region"]]
            status = lifecycle.advance(backend, request["kind"], request["name"], request.get("status"))
            return answer("200 OK", {"status": status})
        except KeyError as error:
            return answer("404 Not Found", {"error": str(error)})
        except ValueError as error:
            return answer("409 Conflict", {"error": str(error)})

    return app


def _exit_with_parent(parent_pid: int) -> None:
    while True:
        try:
            os.kill(parent_pid, 0)
        except ProcessLookupError:
            os._exit(0)
        except PermissionError:
            pass
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="smguard_emulator")
    parser.add_argument("-H", "--host", default="127.0.0.1")
    parser.add_argument("-p", "--port", type=int, default=0)
    parser.add_argument("--parent-pid", type=int)
    parser.add_argument("--port-file")
    args = parser.parse_args(argv)

    install()
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app

    moto_app = DomainDispatcherApplication(create_backend_app)
    server = make_server(args.host, args.port, control_app(moto_app), threaded=True, request_handler=MotoRequestHandler)
    port = server.socket.getsockname()[1]
    os.environ.setdefault("MOTO_PORT", str(port))
    if args.port_file:
        temporary = f"{args.port_file}.tmp"
        with open(temporary, "w") as file:
            file.write(str(port))
        os.replace(temporary, args.port_file)
    if args.parent_pid:
        threading.Thread(target=_exit_with_parent, args=(args.parent_pid,), daemon=True).start()
    print(f"smguard emulator (moto) on http://{args.host}:{port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    socket.setdefaulttimeout(None)
    main()
