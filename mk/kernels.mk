# make vmtest: one static binary on several kernels (tests/kernels/run.sh).
#   make vmtest        Debian's x86-64 kernels under QEMU, and natively
#                      (VMTEST_SET=all: also those of vmtest-more)
#   make vmtest-more   bullseye's 5.10 and sid's 7.2 and 7.2-rt under QEMU,
#                      the 7.2 guests also under scx_simple, built from
#                      sid's linux-source-7.2 (tests/kernels/build-scx.sh)
#   make vmtest-arm64  Debian's arm64 kernels under QEMU (-M virt -cpu max):
#                      the binary and latgen cross-built, ARCH=arm64
#                      CROSS_COMPILE=$(ARM64_CROSS_COMPILE)
.PHONY: vmtest vmtest-more vmtest-arm64
STATIC_OUT := $(OUT)/static
ARM64_OUT := $(OUT)/static-arm64
ARM64_CROSS_COMPILE ?= aarch64-linux-gnu-

$(STATIC_OUT)/latgen: tests/tools/latgen.c tests/tools/cli.h tests/tools/sync.h
	$(Q)mkdir -p $(STATIC_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -static -pthread $< -o $@

$(STATIC_OUT)/qwake: tests/tools/qwake.c tests/tools/cli.h tests/tools/sync.h
	$(Q)mkdir -p $(STATIC_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -static -pthread $< -o $@

# the load of the load-task and load-hash checks
$(STATIC_OUT)/storm $(STATIC_OUT)/sleepers: $(STATIC_OUT)/%: tests/tools/%.c tests/tools/cli.h
	$(Q)mkdir -p $(STATIC_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -static -pthread $< -o $@

VMTEST_CACHE ?= /var/cache/runqslower-ts-vmtest

# The sched_ext checks' scheduler, where the 7.2 guests boot (vmtest-more,
# or VMTEST_SET=all): a build that fails says why, and the matrix runs
# without it, its scx checks skipped (a failure under CI=true).
SCX_FOR = $(if $(or $(filter vmtest-more,$@),$(filter all,$(VMTEST_SET))),1)
vmtest vmtest-more: $(STATIC_OUT)/latgen $(STATIC_OUT)/qwake $(STATIC_OUT)/storm $(STATIC_OUT)/sleepers
	$(Q)$(MAKE) --no-print-directory OUT=$(STATIC_OUT) BIN=$(STATIC_OUT)/$(NAME) STATIC=1 VMLINUX_FALLBACK=1 $(STATIC_OUT)/$(NAME)
	$(Q)$(if $(SCX_FOR),if tests/kernels/build-scx.sh $(VMTEST_CACHE) $(STATIC_OUT)/scx_simple; then \
		export SCX_SIMPLE=$(abspath $(STATIC_OUT)/scx_simple); fi;) \
		VMTEST_CACHE=$(VMTEST_CACHE) tests/kernels/run.sh $(if $(filter vmtest-more,$@),x86-more,x86)

# Without the cross compiler or libbpf-dev:arm64 nothing is built, and
# run.sh says what is missing (SKIP; a failure under CI=true).
vmtest-arm64:
	$(Q)if command -v $(ARM64_CROSS_COMPILE)gcc > /dev/null && $(ARM64_CROSS_COMPILE)pkg-config --exists libbpf 2> /dev/null; then \
		$(MAKE) --no-print-directory ARCH=arm64 CROSS_COMPILE=$(ARM64_CROSS_COMPILE) OUT=$(ARM64_OUT) STATIC_OUT=$(ARM64_OUT) \
			BIN=$(ARM64_OUT)/$(NAME) STATIC=1 VMLINUX_FALLBACK=1 $(ARM64_OUT)/$(NAME) $(ARM64_OUT)/latgen $(ARM64_OUT)/qwake \
			$(ARM64_OUT)/storm $(ARM64_OUT)/sleepers; \
	fi
	$(Q)ARM64_CROSS_COMPILE=$(ARM64_CROSS_COMPILE) tests/kernels/run.sh arm64

CHECK_ALL_STAGES += vmtest vmtest-more vmtest-arm64
