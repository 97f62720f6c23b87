#!/usr/bin/env bash
# The execution environment's build context (`make ee`), with this checkout as recovery.aws_backup.
#
# Usage: tests/tools/ee.sh CONTEXT_DIR
#
# The definition is docs/execution-environment's, unchanged, so what users copy is what is built
# here; only the tarball it expects beside it is added, in a scratch directory, so the docs
# directory never holds a build product and parallel runs do not share one.
# Writing the context needs no container engine; building the image from it does.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$root/.venv/bin
context=$(realpath -m "${1:?usage: $0 CONTEXT_DIR}")

# The context is rewritten from scratch (a stale one could hold an older tarball), but a
# directory that is not one of ours is never emptied.
if [ -n "$(ls -A "$context" 2>/dev/null)" ] && [ ! -d "$context/_build" ]; then
  echo "ee: $context is not empty and not a build context; choose another EE_CONTEXT" >&2
  exit 1
fi
rm -rf "$context"
# The default context lies inside the collection; an empty build/ would still be packed.
rmdir "$root/build" 2>/dev/null || true

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

(cd "$root" && "$bin/ansible-galaxy" collection build --force --output-path "$stage/dist" >/dev/null)
tarballs=("$stage"/dist/recovery-aws_backup-*.tar.gz)
tarball=${tarballs[0]}
if [ ! -f "$tarball" ]; then
  echo "ee: ansible-galaxy collection build made no recovery-aws_backup tarball" >&2
  exit 1
fi
version=$(basename "$tarball" .tar.gz)
version=${version#recovery-aws_backup-}
# galaxy.yml's build_ignore does not know build/: a context left there would go into the
# collection (and into every image built from it).
# (The listing goes to a file: grep -q leaving a pipe early would fail tar under pipefail.)
tar -tzf "$tarball" >"$stage/contents"
if grep -q '^build/' "$stage/contents"; then
  echo "ee: the collection tarball contains build/ ($(grep -v '^build/$' "$stage/contents" | grep -m1 '^build/')):" >&2
  echo "    remove it, or add build to build_ignore in galaxy.yml" >&2
  exit 1
fi

cp "$root/docs/execution-environment/execution-environment.yml" \
   "$root/docs/execution-environment/requirements.yml" "$stage/"
cp "$tarball" "$stage/recovery-aws_backup.tar.gz"
# Containerfile whatever engine is installed: podman and docker both build from it with -f.
"$bin/ansible-builder" create --file "$stage/execution-environment.yml" --context "$context" \
  --output-filename Containerfile >/dev/null

# ansible-builder only warns when additional_build_files matches nothing; the image would then
# fail in its galaxy stage, far from the cause.
if [ ! -f "$context/_build/collections/recovery-aws_backup.tar.gz" ]; then
  echo "ee: ansible-builder did not copy the collection tarball into $context/_build/collections" >&2
  exit 1
fi

if command -v podman >/dev/null 2>&1 || timeout 5 docker info >/dev/null 2>&1; then
  engine_note="A container engine is installed here: build with one of the commands above."
else
  engine_note="No container engine (podman, or docker with a running daemon) is available on this
machine: copy the context to one that has one and build there."
fi
cat <<EOF
Execution environment build context for recovery.aws_backup $version: $context
  Containerfile                                  the image build
  _build/requirements.yml                        collections to install (recovery.aws_backup from the tarball)
  _build/collections/recovery-aws_backup.tar.gz  this checkout, from ansible-galaxy collection build
Build the image from it with
  podman build -f $context/Containerfile -t recovery-aws-backup-ee:$version $context
or
  docker build -f $context/Containerfile -t recovery-aws-backup-ee:$version $context
$engine_note
EOF
