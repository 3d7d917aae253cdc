# Packaging: make dist, and the tests that prove the packages.
.PHONY: dist check-package check-dist

DIST := $(NAME)-$(VERSION)
# The last commit's time: the tarball is the same from every checkout.
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null)

dist:
	$(Q)test -d .git || { echo "$(NAME): make dist needs a git checkout" >&2; exit 1; }
	$(call msg,DIST,$(DIST).tar.gz)
	$(Q)git archive --format=tar --prefix=$(DIST)/ HEAD | gzip -n -9 > $(DIST).tar.gz

# Cheap, unprivileged: man page, options, install, tarball, reproducibility.
check-package: $(BIN)
	$(Q)tests/package/run.sh

# Expensive: the .deb (lintian, hardening, install, smoke test) and the .rpm.
check-dist:
	$(Q)tests/package/dist.sh

CHECK_STAGES += check-package check-dist
