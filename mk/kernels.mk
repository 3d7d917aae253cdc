# make vmtest: one static binary on several kernels (tests/kernels/run.sh).
.PHONY: vmtest
STATIC_OUT := $(OUT)/static

$(STATIC_OUT)/latgen: tests/tools/latgen.c tests/tools/cli.h
	$(Q)mkdir -p $(STATIC_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -static -pthread $< -o $@

$(STATIC_OUT)/qwake: tests/tools/qwake.c tests/tools/cli.h
	$(Q)mkdir -p $(STATIC_OUT)
	$(call msg,CC,$@)
	$(Q)$(CC) -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -O2 -static -pthread $< -o $@

vmtest: $(STATIC_OUT)/latgen $(STATIC_OUT)/qwake
	$(Q)$(MAKE) --no-print-directory OUT=$(STATIC_OUT) BIN=$(STATIC_OUT)/$(NAME) STATIC=1 VMLINUX_FALLBACK=1 $(STATIC_OUT)/$(NAME)
	$(Q)tests/kernels/run.sh

CHECK_STAGES += vmtest
