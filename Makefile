# SPDX-License-Identifier: BSD-2-Clause
# The front door. `make` builds; `make test` installs what is missing, builds
# with ASan+UBSan (and the fuzzers, with clang) and runs everything via ctest.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all build test fuzz demo bench install clean deps soak

all: build

build:
	@scripts/deps.sh build
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_TESTS=OFF
	cmake --build $(BUILD) -j $(JOBS)

test:
	@scripts/deps.sh test
	CC=clang cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=Debug -DTETHER_SANITIZE=ON -DTETHER_FUZZ=ON
	cmake --build $(TEST_BUILD) -j $(JOBS)
	@# gcc must build it warning-free too (-Werror), core freestanding check included.
	CC=gcc cmake -S . -B $(TEST_BUILD)-gcc -DCMAKE_BUILD_TYPE=Release -DTETHER_TESTS=OFF >/dev/null
	cmake --build $(TEST_BUILD)-gcc -j $(JOBS) >/dev/null
	cd $(TEST_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

fuzz:
	@scripts/deps.sh build
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_FUZZ=ON -DTETHER_SANITIZE=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@set -e; for f in $(FUZZ_BUILD)/tests/fuzz_*; do \
		[ -x "$$f" ] || continue; n=$$(basename $$f); mkdir -p fuzz-corpus/$$n; \
		echo "== $$n ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 fuzz-corpus/$$n; done

demo: build
	$(BUILD)/tether demo

bench:
	@scripts/deps.sh build
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTETHER_TESTS=OFF
	cmake --build build-bench -j $(JOBS)
	@for b in build-bench/bench/bench_*; do [ -x "$$b" ] && "$$b"; done

install: build
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(TEST_BUILD)-gcc $(FUZZ_BUILD) build-bench
