"""The emulator as a server: every moto service plus our AWS Backup extension, and the
test controls under /_emulator/ (see control.py).

    python -m tests.emulator.server --port 5123     (what `make emulator PORT=5123` runs)

Listens on 127.0.0.1 only and serves in the foreground until killed.
"""

from __future__ import annotations

import argparse
import signal
import sys
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import run_simple

from . import install
from .control import ControlMiddleware


def make_app() -> Any:
    """moto's server application with the extension installed and the controls in front."""
    install()
    return ControlMiddleware(DomainDispatcherApplication(create_backend_app))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", "-p", type=int, default=5123, help="TCP port on 127.0.0.1 (default 5123)")
    args = parser.parse_args(argv)
    # a clean exit on SIGTERM, as on Ctrl-C
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(f"AWS emulator on http://127.0.0.1:{args.port}", flush=True)  # noqa: T201
    try:
        run_simple(
            "127.0.0.1",
            args.port,
            make_app(),
            threaded=True,
            request_handler=MotoRequestHandler,
        )
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
