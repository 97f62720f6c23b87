#!/usr/bin/env bash
# ansible-test sanity on this collection, as Galaxy reviewers run it.
#
# ansible-test must run inside an ansible_collections/NAMESPACE/NAME tree, with the
# collections it depends on in the same tree, so the tracked files are copied to
# .build/ansible_collections/recovery/aws_backup and amazon.aws is linked beside them.
# It gets a HOME of its own (.cache/ansible-test-home): ansible-test passes nothing of the
# environment but HOME to the virtual environments it builds, and downloads its pip bootstrap
# from a host CI cannot reach; tests/tools/ansible_test_get_pip.py stands in for it there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/.build/ansible_collections
home=$root/.cache/ansible-test-home

rm -rf "$build/recovery"
mkdir -p "$build/recovery/aws_backup" "$build/amazon" "$home/.ansible/test/cache"
(cd "$root" && git ls-files --cached --others --exclude-standard -z | xargs -0 -I{} cp --parents {} "$build/recovery/aws_backup/")
ln -sfn "$root/.collections/ansible_collections/amazon/aws" "$build/amazon/aws"
for version in $("$root/.venv/bin/python" - <<'PY'
import re, pathlib, ansible_test
source = pathlib.Path(ansible_test.__file__).parent / "_internal" / "python_requirements.py"
print(" ".join(sorted(set(re.findall(r"pip='([0-9.]+)'", source.read_text())))))
PY
); do
  cp "$root/tests/tools/ansible_test_get_pip.py" "$home/.ansible/test/cache/get_pip_${version//./_}.py"
done
cd "$build/recovery/aws_backup"
# ansible-test lists a collection's files with git; .build is ignored by ours, so index the copy.
git init --quiet && git add --all
HOME=$home exec "$root/.venv/bin/ansible-test" sanity --python 3.11 --color no "$@"
