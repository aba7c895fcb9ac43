# Keel build entry points. `make test` and `make up` must work on a fresh Debian machine as root.
SHELL := /bin/bash
.DEFAULT_GOAL := build

APT_PACKAGES := librocksdb-dev libprotobuf-c-dev protobuf-c-compiler pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
SWIFT ?= swift

.PHONY: deps build debug test clean

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

## test: install what is missing, build, run every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

clean:
	rm -rf .build
