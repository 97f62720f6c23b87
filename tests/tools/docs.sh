#!/usr/bin/env bash
# Generate the collection's documentation pages from the code with antsibull-docs (every
# module, the role's argument spec, with examples) into the directory given (default
# docs/collection). `make docs` runs it; tests/unit/test_docs.py checks the committed pages.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
dest=${1:-$root/docs/collection}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
chmod 700 "$work"
ANSIBLE_COLLECTIONS_PATH=$root/.collections ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false PATH=$root/.venv/bin:$PATH \
  "$root/.venv/bin/antsibull-docs" collection --use-current --dest-dir "$work" recovery.aws_backup >/dev/null
rm -rf "$dest"
mkdir -p "$dest"
cp -r "$work/collections/." "$dest/"
