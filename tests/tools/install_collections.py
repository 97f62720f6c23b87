"""Install collections this one depends on into a collections path without Galaxy.

Galaxy is not reachable from our CI, but the `ansible` community package on PyPI
bundles amazon.aws (and the other community collections). We download that wheel
with pip and unpack only the collections named on the command line, so the test
environment holds exactly the dependencies galaxy.yml declares: an undeclared
dependency fails our tests instead of being hidden by the bundle.

`--collection amazon.aws==9.0.0` also checks that the bundle holds that version, so a
support matrix that names a version tests that version and no other.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path


def download(ansible_version: str, cache: Path) -> Path:
    """The `ansible` wheel, from the cache or from PyPI."""
    wheel = cache / f"ansible-{ansible_version}-py3-none-any.whl"
    if wheel.exists():
        return wheel
    cache.mkdir(parents=True, exist_ok=True)
    # Into a directory of its own, then renamed: the support matrix runs several of these at
    # once, and none may read a wheel another is still writing.
    with tempfile.TemporaryDirectory(dir=cache) as partial:
        subprocess.run(
            # The wheel is only unpacked, never installed, so the Python it asks for does not
            # matter: the collections of `ansible` 14 (Python >= 3.12) install from Python 3.11.
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
             "--ignore-requires-python", "--dest", partial, f"ansible=={ansible_version}"],
            check=True,
        )  # fmt: skip
        os.replace(Path(partial) / wheel.name, wheel)
    return wheel


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ansible-version", required=True, help="version of the `ansible` PyPI package to take collections from")
    parser.add_argument("--collection", action="append", required=True, dest="collections",
                        help="namespace.name of a collection to install, or namespace.name==VERSION to also "
                             "require that version; repeat for several")
    parser.add_argument("--collections-path", required=True, type=Path)
    parser.add_argument("--cache", required=True, type=Path, help="where the downloaded wheel is kept")
    args = parser.parse_args()

    wheel = download(args.ansible_version, args.cache)
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        for spec in args.collections:
            collection, _separator, wanted = spec.partition("==")
            namespace, name = collection.split(".")
            prefix = f"ansible_collections/{namespace}/{name}/"
            target = args.collections_path / prefix
            if target.exists():
                shutil.rmtree(target)
            members = [member for member in names if member.startswith(prefix)]
            if not members:
                print(f"{wheel.name} holds no {collection} collection", file=sys.stderr)
                return 1
            archive.extractall(args.collections_path, members)
            manifest = json.loads((target / "MANIFEST.json").read_text())
            version = manifest["collection_info"]["version"]
            if wanted and version != wanted:
                shutil.rmtree(target)
                print(f"{wheel.name} holds {collection} {version}, not {wanted}", file=sys.stderr)
                return 1
            print(f"{collection} {version} installed in {args.collections_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
