"""Install collections this one depends on into a collections path without Galaxy.

Galaxy is not reachable from our CI, but the `ansible` community package on PyPI
bundles amazon.aws (and the other community collections). We download that wheel
with pip and unpack only the collections named on the command line, so the test
environment holds exactly the dependencies galaxy.yml declares: an undeclared
dependency fails our tests instead of being hidden by the bundle.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ansible-version", required=True, help="version of the `ansible` PyPI package to take collections from")
    parser.add_argument("--collection", action="append", required=True, dest="collections",
                        help="namespace.name of a collection to install; repeat for several")
    parser.add_argument("--collections-path", required=True, type=Path)
    parser.add_argument("--cache", required=True, type=Path, help="where the downloaded wheel is kept")
    args = parser.parse_args()

    wheel_name = f"ansible-{args.ansible_version}-py3-none-any.whl"
    wheel = args.cache / wheel_name
    if not wheel.exists():
        args.cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--dest", str(args.cache), f"ansible=={args.ansible_version}"],
            check=True,
        )
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for collection in args.collections:
            namespace, name = collection.split(".")
            prefix = f"ansible_collections/{namespace}/{name}/"
            target = args.collections_path / prefix
            if target.exists():
                shutil.rmtree(target)
            members = [member for member in names if member.startswith(prefix)]
            if not members:
                print(f"{wheel_name} holds no {collection} collection", file=sys.stderr)
                return 1
            archive.extractall(args.collections_path, members)
            manifest = json.loads((target / "MANIFEST.json").read_text())
            print(f"{collection} {manifest['collection_info']['version']} installed in {args.collections_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
