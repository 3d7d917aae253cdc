# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# runqslower-ts. Packagers: CC CFLAGS CPPFLAGS LDFLAGS DESTDIR prefix sbindir
# mandir are honoured and only ever appended to; V=1 shows every command.
#   VMLINUX_BTF=path   generate vmlinux.h from this BTF (a kernel's vmlinux)
#   VMLINUX_FALLBACK=1 use the committed vmlinux/vmlinux_fallback.h
#   LIBBPF_STATIC=1    link libbpf (and libelf, zlib) statically
#   STATIC=1           link the whole binary statically (used by make vmtest)
#   ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-   cross build (kernel names);
#                      or CC=aarch64-linux-gnu-gcc PKG_CONFIG=aarch64-linux-gnu-pkg-config

NAME := runqslower-ts
VERSION := $(shell sed -n 's/^\#define RQS_VERSION "\(.*\)"/\1/p' src/common/version.h)

prefix ?= /usr/local
exec_prefix ?= $(prefix)
sbindir ?= $(exec_prefix)/sbin
datarootdir ?= $(prefix)/share
mandir ?= $(datarootdir)/man
man8dir ?= $(mandir)/man8
INSTALL ?= install
INSTALL_PROGRAM ?= $(INSTALL)
INSTALL_DATA ?= $(INSTALL) -m 644

CLANG ?= clang
LLVM_STRIP ?= llvm-strip
BPFTOOL ?= bpftool
CROSS_COMPILE ?=
ifneq ($(CROSS_COMPILE),)
ifeq ($(origin CC),default)
CC = $(CROSS_COMPILE)gcc
endif
endif
PKG_CONFIG ?= $(CROSS_COMPILE)pkg-config

# The distributions' hardening (Debian's and Fedora's defaults), part of the
# default CFLAGS and LDFLAGS: a packager's own replace them. _FORTIFY_SOURCE
# needs -O, so it goes with -O2 in CFLAGS; -U first, as some compilers
# define it already. A static binary (STATIC=1) is not PIE.
HARDENING_CFLAGS := -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2 -fstack-protector-strong $(if $(filter 1,$(STATIC)),,-fPIE)
HARDENING_LDFLAGS := $(if $(filter 1,$(STATIC)),,-pie) -Wl,-z,relro,-z,now
CFLAGS ?= -O2 -g $(HARDENING_CFLAGS)
LDFLAGS ?= $(HARDENING_LDFLAGS)
BPF_CFLAGS ?= -O2 -g
OUT ?= build
BIN ?= $(NAME)

ifeq ($(V),1)
Q :=
msg :=
else
Q := @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

include mk/arch.mk

# --- vmlinux.h -------------------------------------------------------------
# The build machine's kernel BTF only where it is the target's architecture.
VMLINUX_FALLBACK ?= 0
ifneq ($(VMLINUX_FALLBACK),1)
ifeq ($(CROSS_ARCH),)
VMLINUX_BTF ?= $(firstword $(wildcard /sys/kernel/btf/vmlinux /boot/vmlinux-$(shell uname -r)))
endif
endif
VMLINUX_SOURCE := $(if $(filter 1,$(VMLINUX_FALLBACK)),fallback,$(or $(VMLINUX_BTF),fallback))

# --- flags -----------------------------------------------------------------
LIBBPF_CFLAGS := $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
ifeq ($(STATIC),1)
LIBBPF_LIBS := $(or $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null),-lbpf -lelf -lz) -lzstd
STATIC_LDFLAGS := -static
else ifeq ($(LIBBPF_STATIC),1)
LIBBPF_LIBS := -Wl,-Bstatic $(or $(shell $(PKG_CONFIG) --static --libs libbpf 2>/dev/null),-lbpf -lelf -lz) -Wl,-Bdynamic -lzstd
else
LIBBPF_LIBS := $(or $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null),-lbpf)
endif

# --metrics serves HTTP with libmicrohttpd. Debian's libmicrohttpd.a is built
# with HTTPS: it needs GnuTLS, whose libgnutls.a needs p11-kit, of which
# Debian ships no static archive. So STATIC=1 has the exporter only with a
# libmicrohttpd that needs no GnuTLS (configure --disable-https; pkg-config
# finds it through PKG_CONFIG_PATH), else builds without it, and --metrics
# then says so. METRICS=1 forces it, METRICS=0 leaves it out.
# --web-config: libyaml reads the file, libcrypt (libxcrypt) checks bcrypt
WEB_LIBS = $(or $(shell $(PKG_CONFIG) --libs yaml-0.1 2>/dev/null),-lyaml) -lcrypt
MHD_STATIC_LIBS = $(shell $(PKG_CONFIG) --static --libs libmicrohttpd 2>/dev/null)
METRICS ?= $(if $(filter 1,$(STATIC)),$(if $(filter -lgnutls,$(MHD_STATIC_LIBS)),0,1),1)
ifeq ($(METRICS),1)
MHD_CFLAGS := $(shell $(PKG_CONFIG) --cflags libmicrohttpd 2>/dev/null)
ifeq ($(STATIC),1)
MHD_LIBS := $(or $(MHD_STATIC_LIBS),-lmicrohttpd) \
	$(or $(shell $(PKG_CONFIG) --static --libs zlib 2>/dev/null),-lz)
else
MHD_LIBS := $(or $(shell $(PKG_CONFIG) --libs libmicrohttpd 2>/dev/null),-lmicrohttpd) \
	$(or $(shell $(PKG_CONFIG) --libs zlib 2>/dev/null),-lz)
endif
MHD_LIBS += $(WEB_LIBS)
# --web-config client_auth_type: the client's certificate is checked with
# GnuTLS itself, which a static binary cannot have (see above)
ifneq ($(STATIC),1)
GNUTLS_LIBS := $(shell $(PKG_CONFIG) --libs gnutls 2>/dev/null)
ifneq ($(GNUTLS_LIBS),)
MHD_CFLAGS += -DRQS_CLIENT_CERTS $(shell $(PKG_CONFIG) --cflags gnutls 2>/dev/null)
MHD_LIBS += $(GNUTLS_LIBS)
endif
endif
else
MHD_CFLAGS := -DRQS_NO_METRICS
endif

PREFIX_MAP := -ffile-prefix-map=$(CURDIR)=.
RQS_CPPFLAGS := -I$(OUT) -Isrc $(LIBBPF_CFLAGS) $(MHD_CFLAGS)
RQS_CFLAGS := -std=c11 -D_GNU_SOURCE -Wall -Wextra $(PREFIX_MAP)
ALL_CFLAGS = $(RQS_CPPFLAGS) $(CPPFLAGS) $(RQS_CFLAGS) $(CFLAGS)
BPF_ALL_CFLAGS = -target $(BPF_TARGET) -D__TARGET_ARCH_$(ARCH) -I$(OUT) -Ibpf $(LIBBPF_CFLAGS) -Wall $(PREFIX_MAP) $(BPF_CFLAGS)

# --- sources ---------------------------------------------------------------
# src/ by stage: cli/ (arguments and the plan), trace/ (the BPF side and the
# event loop), report/ (each wait, losses, --stats), summary/ (histograms,
# exporter), common/ (what several stages use). LIB_SRCS is the code that
# needs neither libbpf nor a kernel: the unit tests and fuzz targets link it.
LIB_SRCS := $(wildcard src/common/*.c src/cli/*.c) \
	src/report/text_lines.c src/report/json_records.c src/report/why_columns.c src/report/wake_source.c src/report/event_printer.c \
	src/report/stats_report.c src/report/loss_lines.c \
	src/summary/log2_hist.c src/summary/prometheus.c src/summary/exemplars.c src/summary/pod_labels.c src/summary/blame_pairs.c \
	src/summary/retired_cgroups.c src/summary/metric_label.c src/summary/summary_render.c \
	src/summary/process_metrics.c src/summary/http_list.c src/summary/accept_encoding.c src/summary/accept_format.c src/summary/listen_address.c
TOOL_SRCS := $(sort $(wildcard src/*.c src/*/*.c))
SRC_HDRS := $(wildcard src/*/*.h)
TOOL_OBJS := $(TOOL_SRCS:src/%.c=$(OUT)/%.o)
SKELS := $(addprefix $(OUT)/,runqslower_task.skel.h runqslower_hash.skel.h \
	probe_task_storage.skel.h prefill.skel.h cgroup_level.skel.h)
BENCH_SKELS := $(addprefix $(OUT)/,floor.skel.h floor_clock.skel.h lookup_floor.skel.h lookup_steps.skel.h)
BPF_HDRS := $(wildcard bpf/*.h)

.SECONDARY:
.PHONY: all clean check check-deploy check-unit check-asan check-report check-live check-fallback bench install uninstall FORCE
all: $(BIN)

$(OUT) $(OUT)/asan:
	$(Q)mkdir -p $@

$(OUT)/vmlinux.source: FORCE | $(OUT)
	$(Q)echo '$(VMLINUX_SOURCE)' | cmp -s - $@ || echo '$(VMLINUX_SOURCE)' > $@

# rebuild everything when the target (ARCH, CC's, BPF byte order) changes
$(OUT)/target: FORCE | $(OUT)
	$(Q)echo '$(ARCH) $(CC_TRIPLET) $(BPF_TARGET)' | cmp -s - $@ || echo '$(ARCH) $(CC_TRIPLET) $(BPF_TARGET)' > $@

ifeq ($(VMLINUX_SOURCE),fallback)
$(OUT)/vmlinux.h: $(OUT)/vmlinux.source vmlinux/vmlinux_fallback.h
	@echo '  VMLINUX  $(if $(CROSS_ARCH),a cross build for $(ARCH) without VMLINUX_BTF or VMLINUX_FALLBACK=1,no kernel BTF (VMLINUX_BTF, /sys/kernel/btf/vmlinux, /boot/vmlinux-$(shell uname -r)) or VMLINUX_FALLBACK=1): using the committed vmlinux/vmlinux_fallback.h'
	$(Q)cp vmlinux/vmlinux_fallback.h $@
else
$(OUT)/vmlinux.h: $(OUT)/vmlinux.source $(wildcard $(VMLINUX_BTF))
	$(call msg,VMLINUX,$(VMLINUX_BTF))
	$(Q)test -r '$(VMLINUX_BTF)' || { echo "$(NAME): VMLINUX_BTF '$(VMLINUX_BTF)' is not readable" >&2; exit 1; }
	$(Q)$(BPFTOOL) btf dump file '$(VMLINUX_BTF)' format c > $@.tmp
	$(Q)mv $@.tmp $@
endif

# One BPF object from $<, with $(1) added to the flags
define bpf_compile
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_ALL_CFLAGS) $(1) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@
endef

$(OUT)/runqslower_%.bpf.o: bpf/runqslower.bpf.c $(BPF_HDRS) $(OUT)/vmlinux.h $(OUT)/target
	$(call bpf_compile,-DRQS_STORAGE_HEADER='"storage_$*.bpf.h"')

$(OUT)/%.bpf.o: bpf/%.bpf.c $(BPF_HDRS) $(OUT)/vmlinux.h $(OUT)/target
	$(call bpf_compile)

# the benchmark's own programs (bench/), never loaded by the tool
$(OUT)/%.bpf.o: bench/%.bpf.c $(BPF_HDRS) $(wildcard bench/*.h) $(OUT)/vmlinux.h
	$(call bpf_compile,-Ibench)

# a test tool's own reference programs (tests/tools/), never loaded by the tool
$(OUT)/%.bpf.o: tests/tools/%.bpf.c $(OUT)/vmlinux.h $(OUT)/target
	$(call bpf_compile)

# Each BPF fragment compiles alone, as a translation unit of one #include:
# it includes what it uses and takes nothing (cfg, count(), another
# fragment) from the file that includes it. -Werror: clang only warns of a
# call to an undeclared function.
BPF_FRAGMENTS := $(wildcard bpf/*.bpf.h bench/*.bpf.h)
.PHONY: check-bpf-headers
check-bpf-headers: $(BPF_FRAGMENTS:%.bpf.h=$(OUT)/fragments/%.o)

$(OUT)/fragments/%.o: %.bpf.h $(BPF_HDRS) $(wildcard bench/*.h) $(OUT)/vmlinux.h $(OUT)/target
	$(call msg,BPF-HDR,$<)
	$(Q)mkdir -p $(@D)
	$(Q)echo '#include "$<"' | $(CLANG) $(BPF_ALL_CFLAGS) -Werror -x c -c - -o $@

$(OUT)/%.skel.h: $(OUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp
	$(Q)mv $@.tmp $@

$(OUT)/%.o: src/%.c $(SRC_HDRS) bpf/runqslower.h bpf/histogram.h $(SKELS) $(OUT)/target | $(OUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -c $< -o $@

# relink when the link mode (LIBBPF_STATIC, STATIC) changes
$(OUT)/link.flags: FORCE | $(OUT)
	$(Q)echo '$(LIBBPF_LIBS) $(MHD_LIBS) $(STATIC_LDFLAGS)' | cmp -s - $@ || echo '$(LIBBPF_LIBS) $(MHD_LIBS) $(STATIC_LDFLAGS)' > $@

$(BIN): $(TOOL_OBJS) $(OUT)/link.flags
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) $(STATIC_LDFLAGS) $(TOOL_OBJS) -o $@ $(LIBBPF_LIBS) $(MHD_LIBS) -lm -pthread

FLOOR_OBJS := $(addprefix $(OUT)/,trace/prog_stats.o trace/program_table.o report/stats_report.o \
	common/json_writer.o common/untrusted_text.o)
$(OUT)/rqs-floor: bench/floor.c $(FLOOR_OBJS) $(BENCH_SKELS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) bench/floor.c $(FLOOR_OBJS) -o $@ $(LIBBPF_LIBS)

# The tool with one piece of the wakeup taken out (bench/omit.bpf.h), for
# the benchmark's omit-PIECE modes only; never installed.
BENCH_OMIT := filters oncpu runs lookup pending
$(OUT)/bench-omit-%/$(NAME): FORCE
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/bench-omit-$* BIN=$@ \
		BPF_CFLAGS='$(BPF_CFLAGS) -I$(CURDIR)/bench -include omit.bpf.h -DRQS_BENCH_OMIT_$(shell echo $* | tr a-z A-Z)' $@

# The tool with the run queue's clock instead of CLOCK_MONOTONIC
# (bench/rq_clock.bpf.h), for the benchmark's task-rqclock mode only.
$(OUT)/bench-rqclock/$(NAME): FORCE
	$(Q)$(MAKE) --no-print-directory OUT=$(OUT)/bench-rqclock BIN=$@ \
		BPF_CFLAGS='$(BPF_CFLAGS) -I$(CURDIR)/bench -DRQS_CLOCK_HEADER=\"rq_clock.bpf.h\"' $@

bench: $(BIN) $(OUT)/rqs-floor $(OUT)/sleepers $(OUT)/forkloop $(OUT)/bench-rqclock/$(NAME) \
	$(BENCH_OMIT:%=$(OUT)/bench-omit-%/$(NAME))
	$(Q)bench/run.sh

# --- tests -----------------------------------------------------------------
UNIT_TESTS := test_args test_output test_escape test_target test_json test_cgroup test_summary_opts test_histogram \
	test_metrics test_label test_cgroup_names test_retired test_plan test_stats_report test_report_golden test_program_table test_summary_render \
	test_loss_lines test_http test_web_config test_blame test_k8s_cgroup test_exemplars
CMOCKA_LIBS := $(or $(shell $(PKG_CONFIG) --libs cmocka 2>/dev/null),-lcmocka)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

# the program table against the BPF objects: opens them, loads nothing
PROGRAM_TABLE_SRCS := tests/unit/test_program_table.c src/trace/program_table.c
$(OUT)/test_program_table: $(PROGRAM_TABLE_SRCS) $(SRC_HDRS) $(SKELS) $(OUT)/target | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(PROGRAM_TABLE_SRCS) -o $@ $(CMOCKA_LIBS) $(LIBBPF_LIBS)

$(OUT)/asan/test_program_table: $(PROGRAM_TABLE_SRCS) $(SRC_HDRS) $(SKELS) $(OUT)/target | $(OUT)/asan
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $(PROGRAM_TABLE_SRCS) -o $@ $(CMOCKA_LIBS) $(LIBBPF_LIBS)

# the web configuration file's reader, with libyaml and libcrypt
WEB_CONFIG_SRCS := tests/unit/test_web_config.c src/summary/web_config.c src/summary/sha256.c
$(OUT)/test_web_config: $(WEB_CONFIG_SRCS) $(SRC_HDRS) $(OUT)/target | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $(WEB_CONFIG_SRCS) -o $@ $(CMOCKA_LIBS) $(WEB_LIBS)

$(OUT)/asan/test_web_config: $(WEB_CONFIG_SRCS) $(SRC_HDRS) $(OUT)/target | $(OUT)/asan
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $(WEB_CONFIG_SRCS) -o $@ $(CMOCKA_LIBS) $(WEB_LIBS)

$(OUT)/%: tests/unit/%.c $(LIB_SRCS) $(SRC_HDRS) tests/unit/capture.h bpf/runqslower.h bpf/histogram.h $(OUT)/target | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB_SRCS) -o $@ $(CMOCKA_LIBS) -lm

$(OUT)/asan/%: tests/unit/%.c $(LIB_SRCS) $(SRC_HDRS) tests/unit/capture.h bpf/runqslower.h bpf/histogram.h $(OUT)/target | $(OUT)/asan
	$(call msg,CC-ASAN,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(SAN_FLAGS) $(LDFLAGS) $< $(LIB_SRCS) -o $@ $(CMOCKA_LIBS) -lm

TEST_TOOLS := $(OUT)/latgen $(OUT)/sleepers $(OUT)/qwake $(OUT)/pingpong $(OUT)/stale_race $(OUT)/bpffault $(OUT)/storm $(OUT)/plant_pending $(OUT)/hot_create $(OUT)/udpflood $(OUT)/selfwake $(OUT)/rbwakes $(OUT)/exitreuse
$(OUT)/%: tests/tools/%.c tests/tools/cli.h tests/tools/sync.h $(OUT)/target | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra $(PREFIX_MAP) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -pthread $< -o $@

# writes a tracer's map the way a missed switch-in would leave it
$(OUT)/plant_pending: tests/tools/plant_pending.c bpf/runqslower.h tests/tools/cli.h tests/tools/map_of_pid.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) tests/tools/plant_pending.c -o $@ $(LIBBPF_LIBS)

# counts the wakeups of a running tracer's ring buffer
$(OUT)/rbwakes: tests/tools/rbwakes.c tests/tools/cli.h tests/tools/map_of_pid.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) tests/tools/rbwakes.c -o $@ $(LIBBPF_LIBS)

# the task-storage tracer with cfg.hot_create off or on, against a task
# that has no storage
$(OUT)/hot_create: tests/tools/hot_create.c $(OUT)/runqslower_task.skel.h $(OUT)/enqueue_oracle.skel.h bpf/runqslower.h bpf/histogram.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) tests/tools/hot_create.c -o $@ $(LIBBPF_LIBS)

# src/trace/stale_entries.c against a hash map changed under it (a live
# test: needs BPF)
$(OUT)/stale_race: tests/tools/stale_race.c src/trace/stale_entries.c src/trace/stale_entries.h tests/tools/cli.h | $(OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) $(ALL_CFLAGS) $(LDFLAGS) -pthread tests/tools/stale_race.c src/trace/stale_entries.c -o $@ $(LIBBPF_LIBS)

# deploy/: the Kubernetes manifests against their schemas and the
# properties that matter, the Prometheus rules with promtool test rules
# (tests/deploy/install-tools.sh installs the validator)
check-deploy:
	$(Q)tests/deploy/check.sh

check-unit: $(addprefix $(OUT)/,$(UNIT_TESTS))
	$(Q)tests/run-unit.sh $^

check-asan: $(addprefix $(OUT)/asan/,$(UNIT_TESTS))
	$(Q)tests/run-unit.sh $^

# bench/report.sh's medians, ratios and goal verdicts on made-up runs
check-report:
	$(Q)tests/bench/report.sh

# The live suites (tests/live/run.sh --list), each its own script;
# make check-live-SUITE runs one, such as check-live-filters.
check-live: $(BIN) $(TEST_TOOLS)
	$(Q)RQS=$(abspath $(BIN)) tests/live/run.sh

check-live-%: $(BIN) $(TEST_TOOLS)
	$(Q)RQS=$(abspath $(BIN)) tests/live/run.sh $*

# The tool built from the committed vmlinux fallback: make check runs a
# short smoke test against it, make check-all every live suite.
FALLBACK_BIN := $(OUT)/fallback/$(NAME)
FALLBACK_MAKE := --no-print-directory OUT=$(OUT)/fallback BIN=$(FALLBACK_BIN) VMLINUX_FALLBACK=1 $(FALLBACK_BIN)

check-fallback-build:
	$(Q)$(MAKE) $(FALLBACK_MAKE)

check-fallback: check-fallback-build $(TEST_TOOLS)
	$(Q)RQS=$(abspath $(FALLBACK_BIN)) tests/live/smoke.sh

check-fallback-live: check-fallback-build $(TEST_TOOLS)
	$(Q)RQS=$(abspath $(FALLBACK_BIN)) tests/live/run.sh

# make check: the fast stages, a few minutes as root. make check-all: those
# and every other, as CI runs it (mk/*.mk append to CHECK_ALL_STAGES).
# What the fast stages build is built first, CHECK_JOBS at a time; a build
# that fails there fails again, and is reported, in its stage.
.PHONY: check-all check-build check-fallback-build check-fallback-live

# the man page: formatters' warnings, and every option a tagged paragraph
.PHONY: check-man
check-man: $(BIN)
	$(Q)tests/man/lint.sh man/$(NAME).8 ./$(BIN)
CHECK_STAGES := check-unit check-asan check-bpf-headers check-man check-deploy check-report check-live check-fallback
CHECK_ALL_STAGES := $(CHECK_STAGES) check-fallback-live
CHECK_JOBS ?= $(shell nproc 2> /dev/null || echo 2)
check-build: $(addprefix $(OUT)/,$(UNIT_TESTS)) $(addprefix $(OUT)/asan/,$(UNIT_TESTS)) $(TEST_TOOLS) check-fallback-build

check: all
	-$(Q)$(MAKE) --no-print-directory -k -j$(CHECK_JOBS) check-build
	$(Q)tests/check.sh $(CHECK_STAGES)

check-all: all
	-$(Q)$(MAKE) --no-print-directory -k -j$(CHECK_JOBS) check-build
	$(Q)tests/check.sh $(CHECK_ALL_STAGES)

# --- install ---------------------------------------------------------------
install: $(BIN)
	$(INSTALL) -d $(DESTDIR)$(sbindir) $(DESTDIR)$(man8dir)
	$(INSTALL_PROGRAM) $(BIN) $(DESTDIR)$(sbindir)/$(NAME)
	$(INSTALL_DATA) man/$(NAME).8 $(DESTDIR)$(man8dir)/$(NAME).8

uninstall:
	rm -f $(DESTDIR)$(sbindir)/$(NAME) $(DESTDIR)$(man8dir)/$(NAME).8

clean:
	rm -rf $(OUT) $(BIN)

# Packaging (dist, deb, rpm, reproducibility), benchmark, QEMU kernel matrix.
include $(wildcard mk/*.mk)
