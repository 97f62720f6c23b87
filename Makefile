# The contributor's entry points. `make test` on a fresh clone sets up everything and runs every test.
SHELL := /bin/bash
PYTHON ?= python3
VENV := $(CURDIR)/.venv
BIN := $(VENV)/bin
COLLECTIONS := $(CURDIR)/.collections
ANSIBLE_VERSION := 12.3.0
PORT ?= 5123
# Where `make ee` writes the execution environment's build context.
EE_CONTEXT ?= $(CURDIR)/build/ee

export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH := false
export PATH := $(BIN):$(PATH)

.PHONY: setup test pytest sanity lint docs unit integration emulator drill compat compat-ends moto-suites bench ee evidence-screenshot clean

setup: $(VENV)/.installed $(COLLECTIONS)/.installed

$(VENV)/.installed: tests/requirements.txt requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
	touch $@

# amazon.aws from the `ansible` wheel (no Galaxy here), and this checkout linked in as recovery.aws_backup.
$(COLLECTIONS)/.installed: $(VENV)/.installed tests/tools/install_collections.py
	$(BIN)/python tests/tools/install_collections.py --ansible-version $(ANSIBLE_VERSION) \
	  --collection amazon.aws --collection community.aws --collections-path $(COLLECTIONS) --cache $(CURDIR)/.cache/wheels
	mkdir -p $(COLLECTIONS)/ansible_collections/recovery
	ln -sfn $(CURDIR) $(COLLECTIONS)/ansible_collections/recovery/aws_backup
	touch $@

# Debian's chromium, for the test that opens the evidence report in a headless browser (and for
# the README's screenshot of it); installed with apt-get only when missing.
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium

# The support matrix (every ansible-core and amazon.aws we claim) is `make compat`, which CI runs
# after this.
# pytest, sanity and lint side by side (each one's output shown whole when it ends): pytest mostly
# waits on ansible-playbook runs and emulated jobs, which leaves room for the other two.
test: setup
	$(MAKE) --no-print-directory -j3 --output-sync=target pytest sanity lint

# Unit and integration tests, four workers (each with its own emulator server; most tests wait on
# ansible-playbook and emulated jobs), long tests rebalanced across workers (worksteal).
pytest: setup $(CHROMIUM)
	$(BIN)/python -m pytest -n 4 --dist worksteal --durations=25

# ansible-test sanity, as Galaxy reviewers run it (see tests/tools/sanity.sh).
sanity: setup
	bash tests/tools/sanity.sh

unit: setup
	$(BIN)/python -m pytest tests/unit

integration: setup $(CHROMIUM)
	$(BIN)/python -m pytest tests/integration

# The AWS emulator (moto + our AWS Backup extension) in the foreground on 127.0.0.1:$(PORT).
emulator: setup
	$(BIN)/python -m tests.emulator.server --port $(PORT)

# The DR drill demo: emulator on a free port, seeded, playbooks/dr_drill.yml in drill mode, report.
drill: setup
	$(BIN)/python tests/tools/drill.py

# The collection's documentation pages, generated from the code (antsibull-docs) into docs/collection.
docs: setup
	bash tests/tools/docs.sh

# ansible-lint at the production profile on the role and the playbooks (.ansible-lint).
lint: setup
	$(BIN)/ansible-lint roles/ playbooks/

# The support matrix (noxfile.py): every supported ansible-core on each Python it supports, with
# the amazon.aws / community.aws of its `ansible` package and the lowest we declare; each
# combination in its own virtualenv (.nox/) runs ansible-doc, backup_restore_job and the DR drill
# against the emulator. Two at a time: a combination mostly waits on ansible and the emulator.
compat: setup
	$(BIN)/nox --sessions compat --parallel 2 --report $(CURDIR)/.cache/compat/report.json

# The matrix's oldest and newest combinations end to end (a quick look before `make compat`).
compat-ends: setup
	$(BIN)/nox --tags oldest newest --parallel 2 --report $(CURDIR)/.cache/compat/report-ends.json

# moto's own test suites (from moto's sdist of the pinned version, cached in .cache/moto-suites) for
# the services the emulator extends, run with the emulator installed; the tests where the emulator
# knowingly follows AWS over moto are tests/emulator/moto_known_differences.txt (strict xfails).
# MOTO_SUITES="backup rds" runs some of them (tests/tools/moto_suites.py).
moto-suites: setup
	$(BIN)/python tests/tools/moto_suites.py -n 2 $(MOTO_SUITES)

# What restores cost on the emulator (tests/tools/bench.py): re-run reads with 0/1,000/5,000 other
# restore jobs, completion lateness, one restore vs the AWS CLI, drill overhead at N=1/10/50 and a
# 50-target drill's memory. Writes .cache/bench/results.json and docs/performance.md. Not part of
# `make test`: it takes minutes and measures wall-clock time.
bench: setup
	$(BIN)/python tests/tools/bench.py

# The execution environment's build context (docs/execution-environment/README.md): this
# checkout's collection tarball and docs/execution-environment's definition, through
# `ansible-builder create` into $(EE_CONTEXT). Building the image needs podman or docker.
ee: setup
	bash tests/tools/ee.sh "$(EE_CONTEXT)"

# The README's picture of the evidence report (docs/evidence-report.png), from a sample history.
evidence-screenshot: setup $(CHROMIUM)
	$(BIN)/python tests/tools/evidence_screenshot.py docs/evidence-report.png

clean:
	rm -rf $(VENV) $(COLLECTIONS) .cache .build build .pytest_cache .nox
