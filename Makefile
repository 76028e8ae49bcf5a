# SPDX-License-Identifier: BSD-2-Clause
# The front door. `make` builds; `make test` installs what is missing, builds
# with ASan+UBSan (and the fuzzers, with clang) and runs everything via ctest.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

.PHONY: all build test fuzz demo bench bench-instr bench-build install clean deps soak doc-images

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
	CC=gcc cmake -S . -B $(TEST_BUILD)-gcc -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(TEST_BUILD)-gcc -j $(JOBS) >/dev/null
	@# ...and pass its deterministic tests: gcc evaluates arguments in another
	@# order than clang, which has caught unsequenced reads in tests.
	cd $(TEST_BUILD)-gcc && ctest -LE interop -j $(JOBS) --output-on-failure >/dev/null || \
		(cd $(TEST_BUILD)-gcc && ctest -LE interop --rerun-failed --output-on-failure; exit 1)
	@# Interop tests talk to the Linux kernel in real time: a failure gets one
	@# more run (ctest prints both). Everything else runs once, deterministic.
	@# Each run writes a JUnit file; the summary at the end (the conformance
	@# tables and every skipped test with its reason) is read from them, and is
	@# printed whether the runs passed or not.
	@rm -f $(TEST_BUILD)/junit-*.xml
	@cd $(TEST_BUILD) && export ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1; \
		echo "ctest --output-on-failure -L interop --repeat until-pass:2"; \
		ctest --output-on-failure -L interop --repeat until-pass:2 --output-junit "$$PWD/junit-interop.xml"; a=$$?; \
		echo "ctest --output-on-failure -j $(JOBS) -LE interop"; \
		ctest --output-on-failure -j $(JOBS) -LE interop --output-junit "$$PWD/junit-rest.xml"; b=$$?; \
		$(CURDIR)/scripts/test_summary.sh junit-interop.xml junit-rest.xml; \
		[ $$a = 0 ] && [ $$b = 0 ]

# Every fuzz target for FUZZ_SECONDS, from its committed seeds (tests/fuzz/
# corpus/NAME, when there are) into fuzz-corpus/NAME, with the TCP option
# dictionary for the targets that parse options; then executions, coverage
# and crashes per target (FUZZ_SECONDS=0: only run the seeds, as a regression).
fuzz:
	@scripts/deps.sh build
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_FUZZ=ON -DTETHER_SANITIZE=ON
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	@set -e; rc=0; for f in $(FUZZ_BUILD)/tests/fuzz_*; do \
		[ -x "$$f" ] || continue; n=$$(basename $$f); mkdir -p fuzz-corpus/$$n; \
		seeds=; [ -d tests/fuzz/corpus/$$n ] && seeds=tests/fuzz/corpus/$$n; \
		[ $$n = fuzz_drill_parse ] && seeds="$$seeds tests/conformance"; \
		dict=; case $$n in fuzz_wire_tcp|fuzz_stack_input|fuzz_tcp_conn) dict=-dict=tests/fuzz/tcp_options.dict;; esac; \
		echo "== $$n ($(FUZZ_SECONDS) s)"; \
		$$f -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -print_final_stats=1 $$dict \
			-artifact_prefix=fuzz-corpus/$$n- fuzz-corpus/$$n $$seeds > fuzz-corpus/$$n.log 2>&1 || rc=1; \
		execs=$$(sed -n 's/^stat::number_of_executed_units: *//p' fuzz-corpus/$$n.log); \
		cov=$$(grep -o 'cov: [0-9]*' fuzz-corpus/$$n.log | tail -1); \
		echo "$$n: execs $${execs:-?}, $${cov:-cov: ?}, crashes $$(ls fuzz-corpus/$$n-crash-* 2>/dev/null | wc -l)"; \
	done; exit $$rc

demo: build
	$(BUILD)/tether demo

# docs/ladder-demo.svg and .png from the command the README shows (needs chromium).
doc-images: build
	@scripts/deps.sh test
	scripts/doc_images.sh $(BUILD)/tether

# Benchmarks (bench/run.sh lists them with their sizes): `make bench` times
# them; `make bench-instr` counts instructions under callgrind (the figures
# of record), at shorter sizes, when valgrind is installed.
bench: bench-build
	bench/run.sh build-bench
	@# SYN flood against tether serve with Linux clients (root, namespaces; 77 = skipped).
	@bash bench/syn_flood.sh build-bench/tether build-bench/bench/synflood_gen; rc=$$?; [ $$rc = 0 ] || [ $$rc = 77 ]

bench-instr: bench-build
	bench/run.sh --instr build-bench

bench-build:
	@scripts/deps.sh build
	cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DTETHER_TESTS=OFF
	cmake --build build-bench -j $(JOBS)

# PREFIX=/some/where installs there instead of the configured prefix
# (/usr/local); DESTDIR=/stage puts everything under /stage (for packaging).
install: build
	DESTDIR="$(DESTDIR)" cmake --install $(BUILD) $(if $(PREFIX),--prefix "$(PREFIX)")

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(TEST_BUILD)-gcc $(FUZZ_BUILD) build-bench

# The long randomized sweep (docs/testing.md): SOAK_SEEDS seeds (100000) from
# SOAK_FIRST (1), transfers SOAK_SCALE (4) times the default sizes, sanitized,
# split over $(JOBS) processes. Each failing seed is printed with its replay line.
soak:
	@scripts/deps.sh test
	CC=clang cmake -S . -B build-soak -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTETHER_SANITIZE=ON
	cmake --build build-soak -j $(JOBS) --target test_xfer_sweep
	@n=$(or $(SOAK_SEEDS),100000); first=$(or $(SOAK_FIRST),1); scale=$(or $(SOAK_SCALE),4); \
	j=$(JOBS); per=$$(( (n + j - 1) / j )); pids=; rm -f build-soak/soak-*.log; \
	echo "soak: $$n seeds from $$first, scale $$scale, $$j processes"; \
	for i in $$(seq 0 $$((j - 1))); do \
		f=$$((first + i * per)); c=$$per; \
		[ $$((f + c)) -gt $$((first + n)) ] && c=$$((first + n - f)); \
		[ $$c -gt 0 ] || continue; \
		ASAN_OPTIONS=detect_leaks=1 TT_SWEEP_FIRST=$$f TT_SWEEP_SEEDS=$$c TT_SWEEP_SCALE=$$scale \
			build-soak/tests/test_xfer_sweep > build-soak/soak-$$i.log 2>&1 & pids="$$pids $$!"; \
	done; rc=0; for p in $$pids; do wait $$p || rc=1; done; \
	grep -h -E "sweep:|FAILED|replay" build-soak/soak-*.log; \
	[ $$rc = 0 ] && echo "soak: passed" || echo "soak: FAILED (logs in build-soak/soak-*.log)"; exit $$rc
