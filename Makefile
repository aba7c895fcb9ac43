# Keel build entry points. `make test` and `make up` must work on a fresh Debian machine as root.
SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := librocksdb-dev libprotobuf-c-dev protobuf-c-compiler pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift

.PHONY: deps build debug test sim clean

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

## test: install what is missing, build, run every test, then the Raft simulation.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) sim SEEDS=1000

## sim: deterministic Raft simulation, SEEDS seeds (alternating 3 and 5 nodes) of SIM_TICKS
## fault ticks each; ends with "N passed, M failed". Replay a seed with the printed command.
SEEDS ?= 1000
SIM_TICKS ?= 2000
SIM_START ?= 1
sim:
	$(SWIFT) build -c release --product keel-sim
	.build/release/keel-sim --seeds $(SEEDS) --start-seed $(SIM_START) --ticks $(SIM_TICKS) --nodes 3 --nodes 5

clean:
	rm -rf .build
