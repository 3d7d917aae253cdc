# Reliability (issue #15): faults at the bpf() boundary, stress, fuzzing,
# the tool itself under ASan/UBSan and valgrind.
#   make check-faults      refusals, kills, privileges (live, root)
#   make check-stress      the stress tests with short settings (in make check-all)
#   make stress            the same with the long settings (by hand; see
#                          tests/stress/run.sh for each STRESS_* setting)
#   make check-fuzz        every fuzz target FUZZ_TIME s (default 20; in make check-all)
#   make fuzz              every fuzz target FUZZ_LONG_TIME s (default 600)
#   make check-asan-live   the tool built with ASan/UBSan, on live runs
.PHONY: check-faults check-stress stress check-fuzz fuzz check-asan-live

RELIABILITY_TOOLS := $(OUT)/latgen $(OUT)/sleepers $(OUT)/bpffault $(OUT)/storm

check-faults: $(BIN) $(RELIABILITY_TOOLS)
	$(Q)RQS=$(abspath $(BIN)) tests/live/faults.sh

check-stress: $(BIN) $(RELIABILITY_TOOLS)
	$(Q)RQS=$(abspath $(BIN)) tests/stress/run.sh

stress: $(BIN) $(RELIABILITY_TOOLS)
	$(Q)RQS=$(abspath $(BIN)) STRESS_CYCLES=$${STRESS_CYCLES:-200} \
		STRESS_STORM_TASKS=$${STRESS_STORM_TASKS:-100000} STRESS_FLOOD_S=$${STRESS_FLOOD_S:-60} \
		STRESS_SPIN_THREADS=$${STRESS_SPIN_THREADS:-4000} \
		STRESS_RATES="$${STRESS_RATES:-2000 5000 10000 20000 40000 80000}" \
		STRESS_SCRAPES=$${STRESS_SCRAPES:-10000} \
		tests/stress/run.sh

# --- fuzzing: tests/fuzz/fuzz_NAME.c, seeds in tests/fuzz/corpus/NAME/.
# Every target links the frontend's pure code (LIB_SRCS: no libbpf, no
# kernel); a new target needs only its file and its seed directory.
FUZZ_CC ?= clang
FUZZ_TIME ?= 20
FUZZ_LONG_TIME ?= 600
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(OUT)/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))

$(OUT)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRCS) $(SRC_HDRS)
	$(Q)mkdir -p $(OUT)/fuzz
	$(call msg,FUZZ-CC,$@)
	$(Q)$(FUZZ_CC) $(RQS_CPPFLAGS) $(CPPFLAGS) -std=c11 -D_GNU_SOURCE -Wall -Wextra $(FUZZ_FLAGS) $< $(LIB_SRCS) -o $@

check-fuzz: $(FUZZ_TARGETS)
	$(Q)tests/fuzz/run.sh $(FUZZ_TIME) $(OUT)/fuzz $^

fuzz: $(FUZZ_TARGETS)
	$(Q)tests/fuzz/run.sh $(FUZZ_LONG_TIME) $(OUT)/fuzz $^

# --- the tool itself under ASan/UBSan: its own build directory
check-asan-live: $(RELIABILITY_TOOLS)
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/asan-tool BIN=$(OUT)/asan-tool/$(NAME) \
		CFLAGS="$(CFLAGS) $(SAN_FLAGS)" LDFLAGS="$(LDFLAGS) $(SAN_FLAGS)" $(OUT)/asan-tool/$(NAME)
	$(Q)RQS=$(abspath $(OUT)/asan-tool/$(NAME)) tests/live/sanitizers.sh

CHECK_ALL_STAGES += check-faults check-stress check-fuzz check-asan-live
