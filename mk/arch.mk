# The target architecture; the Makefile includes this before its flags (and
# its closing wildcard include finds it again: hence the guard).
#   ARCH        the kernel's name of the target (x86, arm64, ...), default
#               CC's target; x86_64 or aarch64 are taken as well. It sets
#               the BPF programs' __TARGET_ARCH_$(ARCH), which libbpf's
#               bpf_tracing.h needs to know the target's struct pt_regs.
#   CROSS_ARCH  1 when ARCH is not the build machine's: then its kernel BTF
#               says nothing of the target, and the fallback header is used.
#   BPF_TARGET  bpfel or bpfeb, CC's byte order (clang's plain "bpf" is the
#               build machine's, wrong for a cross build to s390x).
ifndef RQS_ARCH_MK
RQS_ARCH_MK := 1

# kernel_arch NAME: the kernel's name for a GNU CPU name or uname -m
kernel_arch = $(strip $(or \
	$(if $(filter x86 x86_64 amd64 x32 i386 i486 i586 i686,$(1)),x86), \
	$(if $(filter arm64 aarch64 aarch64_be,$(1)),arm64), \
	$(if $(filter arm%,$(1)),arm), \
	$(if $(filter powerpc% ppc%,$(1)),powerpc), \
	$(if $(filter s390%,$(1)),s390), \
	$(if $(filter mips%,$(1)),mips), \
	$(if $(filter riscv%,$(1)),riscv), \
	$(if $(filter loongarch%,$(1)),loongarch), \
	$(if $(filter sparc%,$(1)),sparc), \
	$(1)))

# CC's target triplet and byte order (empty if CC does not run, as in make -n
# with a made-up CC: then the build machine's)
CC_TARGET := $(shell $(CC) -dumpmachine 2> /dev/null; echo __BYTE_ORDER__ | $(CC) -E -P -x c - 2> /dev/null)
CC_TRIPLET := $(word 1,$(CC_TARGET))
HOST_ARCH := $(call kernel_arch,$(shell uname -m))
CC_ARCH := $(if $(CC_TRIPLET),$(call kernel_arch,$(firstword $(subst -, ,$(CC_TRIPLET)))),$(HOST_ARCH))

ifeq ($(origin ARCH),undefined)
ARCH := $(CC_ARCH)
else
override ARCH := $(call kernel_arch,$(ARCH))
ifneq ($(ARCH),$(CC_ARCH))
$(error runqslower-ts: ARCH=$(ARCH): $(CC) builds for $(or $(CC_TRIPLET),$(CC_ARCH)); set CROSS_COMPILE (such as aarch64-linux-gnu-) or CC)
endif
endif
CROSS_ARCH := $(if $(filter-out $(HOST_ARCH),$(ARCH)),1)
BPF_TARGET := $(or $(if $(filter 1234,$(word 2,$(CC_TARGET))),bpfel),$(if $(filter 4321,$(word 2,$(CC_TARGET))),bpfeb),bpf)

endif
