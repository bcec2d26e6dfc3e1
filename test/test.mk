# test/: unit tests (one program per test_*.c), fuzz targets (replayed over
# their corpus in `make test`, run by libFuzzer in `make fuzz-smoke`), e2e
# pytest suites and benchmarks.

TEST_UNIT_SRCS := $(sort $(shell find test/unit -name 'test_*.c'))
TEST_UNIT_BINS := $(TEST_UNIT_SRCS:%.c=$(B)/%)
TEST_HARNESS_OBJ := $(OBJ)/test/unit/kube_test.o
FUZZ_SRCS := $(sort $(wildcard test/fuzz/fuzz_*.c))
FUZZ_NAMES := $(basename $(notdir $(FUZZ_SRCS)))
FUZZ_REPLAY_BINS := $(FUZZ_NAMES:%=$(B)/test/fuzz/replay_%)
BENCH_SRCS := $(sort $(wildcard test/bench/*.c))
BENCH_BINS := $(BENCH_SRCS:test/bench/%.c=$(B)/test/bench/%)

LINK_ALL = -Wl,--start-group $(PROGRAM_LIBS) $(LIBKUBE) -Wl,--end-group $(LDLIBS_ALL)
TEST_INCLUDES := -Itest/unit -Itest $(addprefix -I,$(PROGRAMS))

$(OBJ)/test/%.o: CFLAGS_ALL += $(TEST_INCLUDES)

$(B)/test/unit/%: $(OBJ)/test/unit/%.o $(TEST_HARNESS_OBJ) $(PROGRAM_LIBS) $(LIBKUBE)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(TEST_HARNESS_OBJ) $(LINK_ALL)

$(B)/test/fuzz/replay_%: $(OBJ)/test/fuzz/%.o $(OBJ)/test/fuzz/replay_main.o $(PROGRAM_LIBS) $(LIBKUBE)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(OBJ)/test/fuzz/replay_main.o $(LINK_ALL)

$(BIN)/%: $(OBJ)/test/fuzz/%.o $(PROGRAM_LIBS) $(LIBKUBE)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -fsanitize=fuzzer -o $@ $< $(LINK_ALL)

$(B)/test/bench/%: $(OBJ)/test/bench/%.o $(PROGRAM_LIBS) $(LIBKUBE)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS_ALL) -o $@ $< $(LINK_ALL)

unit-bins: $(TEST_UNIT_BINS)
test-bins: all $(TEST_UNIT_BINS) $(FUZZ_REPLAY_BINS) $(BENCH_BINS)

deps:
	@sh packaging/deps.sh

# The README's test command: everything, ending in "N passed, N failed".
test: deps
	@$(MAKE) --no-print-directory -j2 test-bins
	@sh test/run.sh $(B) all

# Unit tests only (CI runs these again under SAN=1).
unit: unit-bins
	@sh test/run.sh $(B) unit

# Unit tests under valgrind's leak checker.
valgrind: unit-bins
	@VALGRIND=1 sh test/run.sh $(B) unit

fuzz:
	@$(MAKE) --no-print-directory FUZZ=1 fuzz-bins

fuzz-bins: $(FUZZ_NAMES:%=$(BIN)/%)

FUZZ_SECONDS ?= 30
fuzz-smoke: fuzz
	@sh test/fuzz/smoke.sh $(O)/fuzz/bin $(FUZZ_SECONDS) $(FUZZ_NAMES)

bench: all $(BENCH_BINS)
	@sh test/bench/run.sh $(B)

cluster: deps all $(B)/test/bench/hollow_nodes
	@sh test/cluster.sh $(BIN)

.PHONY: unit-bins test-bins deps test unit valgrind fuzz fuzz-bins fuzz-smoke bench cluster

# The client tests fork the real API server built next to them.
CLIENT_TEST_BINS := $(filter $(B)/test/unit/libkube/client/%,$(TEST_UNIT_BINS))
$(CLIENT_TEST_BINS): $(BIN)/kube-apiserver
