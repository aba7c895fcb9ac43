# Keel build entry points. `make test` and `make up` must work on a fresh Debian machine as root.
SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := librocksdb-dev libprotobuf-c-dev protobuf-c-compiler pkg-config shellcheck
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift

.PHONY: deps build debug test sim chaos clean proto proto-check up down status scripts-check bench bench-deps bench-compare

## deps: install the Debian packages Keel builds against (only those missing).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	else echo "deps: all present"; fi

## build: release binaries.
build: deps
	$(SWIFT) build -c release

debug: deps
	$(SWIFT) build

## proto: regenerate the protobuf-c code from keel.proto, in place (commit the result).
PROTO_DIR := Sources/CKeelProto
PROTO_SRC := keel.proto
# Runs protoc-c into the directory given as $(1); output is keel.pb-c.c and keel.pb-c.h.
proto_generate = protoc-c --proto_path=$(PROTO_DIR) --c_out=$(1) $(PROTO_SRC)

proto: deps
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(call proto_generate,"$$tmp") && \
	cp "$$tmp/keel.pb-c.c" $(PROTO_DIR)/keel.pb-c.c && \
	cp "$$tmp/keel.pb-c.h" $(PROTO_DIR)/include/keel.pb-c.h && \
	echo "proto: regenerated $(PROTO_DIR)/keel.pb-c.c and $(PROTO_DIR)/include/keel.pb-c.h"

## proto-check: fail when the committed generated code is not what `make proto` would produce.
proto-check: deps
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(call proto_generate,"$$tmp") && \
	stale=""; \
	cmp -s "$$tmp/keel.pb-c.c" $(PROTO_DIR)/keel.pb-c.c || stale="$$stale $(PROTO_DIR)/keel.pb-c.c"; \
	cmp -s "$$tmp/keel.pb-c.h" $(PROTO_DIR)/include/keel.pb-c.h || stale="$$stale $(PROTO_DIR)/include/keel.pb-c.h"; \
	if [ -n "$$stale" ]; then \
	  echo "proto-check: generated code is out of date with $(PROTO_DIR)/$(PROTO_SRC):$$stale" >&2; \
	  echo "proto-check: run 'make proto' and commit the result ($$(protoc-c --version | head -1))" >&2; \
	  exit 1; \
	fi; \
	echo "proto-check: generated code matches $(PROTO_DIR)/$(PROTO_SRC)"

## test: install what is missing, check the generated code and the cluster scripts, build, run
## every test (KeelOpsTests drive cluster/ and keelctl on free ports), two one-minute chaos runs
## on the debug build (the second with --async-log-writes), then the Raft simulation.
test: deps proto-check scripts-check
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	@# A violation (1) or a run that could not be carried out (3) fails; undecided (2: the checker's
	@# search budget ran out) is reported but does not fail the suite.
	@# The second run starts the nodes with the log writer thread (--async-log-writes).
	for options in "" "--async-log-writes"; do \
	  .build/debug/keel-chaos --duration 60 --history .chaos/test-history.jsonl $$options; \
	  status=$$?; if [ $$status -eq 2 ]; then echo "chaos: undecided (checker budget), not a failure"; \
	  elif [ $$status -ne 0 ]; then exit $$status; fi; \
	done
	$(MAKE) sim SEEDS=1000

## sim: deterministic Raft simulation, SEEDS seeds (alternating 3 and 5 nodes) of SIM_TICKS
## fault ticks each; ends with "N passed, M failed". Replay a seed with the printed command.
SEEDS ?= 1000
SIM_TICKS ?= 2000
SIM_START ?= 1
sim:
	$(SWIFT) build -c release --product keel-sim
	.build/release/keel-sim --seeds $(SEEDS) --start-seed $(SIM_START) --ticks $(SIM_TICKS) --nodes 3 --nodes 5

## scripts-check: shellcheck every cluster/ script.
CLUSTER_SCRIPTS := cluster/common.sh cluster/up cluster/down cluster/status cluster/kill cluster/stop cluster/start \
	cluster/restart cluster/add-node cluster/clean cluster/recover
scripts-check: deps
	shellcheck -x -P SCRIPTDIR $(CLUSTER_SCRIPTS)
	@echo "scripts-check: cluster/ scripts are shellcheck-clean"

## up: install what is missing, build the release binaries, start the local three-node cluster
## (cluster/up: waits for a leader, prints the status; says so when it already runs).
up: deps
	$(SWIFT) build -c release --product keel-server
	$(SWIFT) build -c release --product keelctl
	cluster/up
	@echo
	@echo "The cluster runs: clients on 127.0.0.1:7101-7103, metrics on http://127.0.0.1:7301-7303/metrics,"
	@echo "data in cluster/data, logs in cluster/logs. Try:"
	@echo "  .build/release/keelctl status"
	@echo "  .build/release/keelctl kv put greeting hello && .build/release/keelctl kv get greeting"
	@echo "  .build/release/keelctl leader transfer --to 2"
	@echo "  cluster/kill 1; cluster/start 1; cluster/add-node 4"
	@echo "  make status; make down    (see docs/operations.md)"

## down: stop the local cluster (SIGTERM, SIGKILL after a timeout).
down:
	cluster/down

## status: which node processes run, and keelctl status.
status:
	cluster/status

## chaos: fault-injection run against real keel-server processes (release build), checked for
## linearizability; see docs/testing.md. SEED empty picks one and prints it; FAULTS is a comma
## list of kill,pause,partition,transfer,membership (or none). Exit status 0 passed, 1 violation,
## 2 undecided, 3 the run could not be carried out.
DURATION ?= 60
SEED ?=
CLIENTS ?= 5
NODES ?= 3
FAULTS ?= kill,pause,partition,transfer,membership
KEYS ?= 6
HISTORY ?= .chaos/history.jsonl
chaos: deps
	$(SWIFT) build -c release --product keel-server
	$(SWIFT) build -c release --product keel-chaos
	.build/release/keel-chaos --duration $(DURATION) $(if $(SEED),--seed $(SEED)) --clients $(CLIENTS) \
	  --nodes $(NODES) --faults $(FAULTS) --keys $(KEYS) --history $(HISTORY)

## bench: release build, the fsync probe, a fresh local 3-node cluster, the standard suite
## (BENCH_DURATION seconds per workload), and the suite's table rewritten in docs/benchmarks.md.
## The cluster/ scripts are not used yet: keel-bench --local starts and stops the cluster itself.
BENCH_DURATION ?= 10
BENCH_FAILOVER_TRIALS ?= 5
bench: deps
	$(SWIFT) build -c release --product keel-server
	$(SWIFT) build -c release --product keel-bench
	.build/release/keel-bench suite --local --duration $(BENCH_DURATION) --failover-trials $(BENCH_FAILOVER_TRIALS) \
	  --doc docs/benchmarks.md --json .build/bench-suite.json

## bench-deps: install etcd and Redis from Debian when missing; a package this release does not
## have is reported and left out (keel-bench compare then leaves that system's rows out).
## Services are kept from starting during the install (policy-rc.d), so nothing listens afterwards.
BENCH_APT_PACKAGES := etcd-server etcd-client redis-server redis-tools
bench-deps:
	@missing=""; for p in $(BENCH_APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then echo "bench-deps: all present"; exit 0; fi; \
	$(SUDO) apt-get update -q >/dev/null; \
	available=""; for p in $$missing; do \
	  candidate=$$(apt-cache policy $$p 2>/dev/null | awk '/Candidate:/ {print $$2}'); \
	  if [ -n "$$candidate" ] && [ "$$candidate" != "(none)" ]; then available="$$available $$p"; \
	  else echo "bench-deps: $$p is not in this Debian release's archive; its rows will be left out" >&2; fi; \
	done; \
	if [ -n "$$available" ]; then \
	  echo "installing:$$available"; \
	  policy=/usr/sbin/policy-rc.d; made=""; \
	  if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' | $(SUDO) tee $$policy >/dev/null && $(SUDO) chmod +x $$policy && made=1; fi; \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$available; status=$$?; \
	  if [ -n "$$made" ]; then $(SUDO) rm -f $$policy; fi; \
	  exit $$status; \
	fi

## bench-compare: etcd (3 members) and Redis (appendfsync always, everysec) on loopback next to
## Keel, same operations and client counts, side-by-side table with the ratio Keel/other
## rewritten in docs/benchmarks.md. keel-bench compare starts and stops every server.
bench-compare: deps bench-deps
	$(SWIFT) build -c release --product keel-server
	$(SWIFT) build -c release --product keel-bench
	.build/release/keel-bench compare --duration $(BENCH_DURATION) --failover-trials $(BENCH_FAILOVER_TRIALS) \
	  --doc docs/benchmarks.md --json .build/bench-compare.json

clean:
	rm -rf .build
