# GroupDesk: `make run` and `make test` set up a fresh Debian 12 machine, build and go.
# Everything comes from Debian packages; nothing is downloaded at build time.

PACKAGES := build-essential cmake ninja-build pkg-config git \
            libssl-dev libcurl4-openssl-dev libtinyxml2-dev nlohmann-json3-dev \
            libsqlitecpp-dev libsqlite3-dev libspdlog-dev libboost-dev libre2-dev libabsl-dev \
            googletest libgtest-dev libgmock-dev libbenchmark-dev \
            clang libclang-rt-14-dev \
            tzdata ca-certificates

BUILD_DIR  ?= build
ASAN_DIR   ?= build-asan
FUZZ_DIR   ?= build-fuzz
JOBS       ?= $(shell nproc)
CONFIG     ?=
FUZZ_SECONDS       ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TARGETS := fuzz_decrypt fuzz_xml_codec fuzz_json_codec fuzz_aibot_frames fuzz_query_string

.PHONY: all deps configure build run test asan fuzz fuzz-build fuzz-smoke bench clean

all: build

# Installs only what is missing; `apt-get update` runs only when something is.
deps:
	@missing=""; \
	for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

configure: deps
	@[ -f $(BUILD_DIR)/build.ninja ] || cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	$(BUILD_DIR)/bot/groupdesk serve $(if $(CONFIG),--config $(CONFIG))

test: build
	$(MAKE) --no-print-directory fuzz-smoke
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

# Unit and integration tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	@[ -f $(ASAN_DIR)/build.ninja ] || cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug \
	  -DGROUPDESK_SANITIZE=ON -DGROUPDESK_BENCH=OFF
	cmake --build $(ASAN_DIR) -j $(JOBS)
	cd $(ASAN_DIR) && ctest --output-on-failure -j $(JOBS)

fuzz-build: deps
	@[ -f $(FUZZ_DIR)/build.ninja ] || CC=clang CXX=clang++ cmake -S . -B $(FUZZ_DIR) -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGROUPDESK_FUZZ=ON -DGROUPDESK_TESTS=OFF -DGROUPDESK_BENCH=OFF
	cmake --build $(FUZZ_DIR) -j $(JOBS) --target $(FUZZ_TARGETS)

# Each fuzzer for FUZZ_SECONDS, corpus kept in fuzz-corpus/ (seeded from fuzz/seeds/).
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  ./fuzz/run_fuzzer.sh $(FUZZ_DIR)/fuzz/$$t $(FUZZ_SECONDS) fuzz-corpus/$$t || exit 1; \
	done

# The short run CI does: each fuzzer for FUZZ_SMOKE_SECONDS on a throw-away corpus.
fuzz-smoke: fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  ./fuzz/run_fuzzer.sh $(FUZZ_DIR)/fuzz/$$t $(FUZZ_SMOKE_SECONDS) || exit 1; \
	done

bench: build
	$(BUILD_DIR)/bench/crypto_bench
	$(BUILD_DIR)/bench/codec_bench
	$(BUILD_DIR)/bench/ticket_store_bench

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
