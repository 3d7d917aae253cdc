# Packaging: make dist, and the tests that prove the packages.
#   make dist [DISTDIR=dir]  $(DISTDIR)/runqslower-ts-VERSION.tar.gz (default: here)
# In a git checkout the tarball holds the last commit (git archive HEAD;
# uncommitted changes are left out, and make dist lists them); elsewhere,
# such as in an unpacked tarball, the tree without what builds leave in it.
# Either way it is repacked the same way: names sorted, owner and group 0,
# modes 644/755, every mtime SOURCE_DATE_EPOCH (default: the last commit's
# time, or without git the newest file's), gzip without name or time. So
# the same commit gives the same bytes from any checkout, and a tarball
# unpacked and packed again gives itself back.
.PHONY: dist check-package check-dist

DIST := $(NAME)-$(VERSION)
DISTDIR ?= .
# What builds leave in a tree (only used without git): build products,
# tarballs, and what dpkg-buildpackage writes under debian/.
DIST_EXCLUDE := ./.git ./$(OUT) ./$(BIN) './*.tar.gz' './*.deb' './*.rpm' \
	./debian/.debhelper ./debian/$(NAME) ./debian/tmp ./debian/files \
	'./debian/*.substvars' './debian/*.debhelper.log' ./debian/debhelper-build-stamp

dist:
	$(call msg,DIST,$(DISTDIR)/$(DIST).tar.gz)
	$(Q)set -e; epoch=; \
	stage=$$(mktemp -d); trap 'rm -rf "$$stage"' EXIT; \
	mkdir "$$stage/$(DIST)"; \
	if [ -e .git ]; then \
		changed=$$(git --no-optional-locks status --porcelain --untracked-files=no); \
		[ -z "$$changed" ] || printf '%s\n' "$(NAME): make dist packs HEAD; not in the tarball:" "$$changed" >&2; \
		git archive --format=tar -o "$$stage/src.tar" HEAD; \
		epoch=$${SOURCE_DATE_EPOCH:-$$(git log -1 --format=%ct HEAD)}; \
	else \
		tar -cf "$$stage/src.tar" --anchored $(addprefix --exclude=,$(DIST_EXCLUDE)) .; \
	fi; \
	tar -xf "$$stage/src.tar" -C "$$stage/$(DIST)"; \
	[ -n "$${epoch:-}" ] || epoch=$${SOURCE_DATE_EPOCH:-$$(find "$$stage/$(DIST)" -type f -printf '%T@\n' | sort -n | tail -1 | cut -d. -f1)}; \
	tar -C "$$stage" --sort=name --format=gnu --mtime="@$$epoch" --owner=0 --group=0 \
		--numeric-owner --mode=u+rw,go=rX -cf "$$stage/dist.tar" $(DIST); \
	gzip -n -9 < "$$stage/dist.tar" > "$(DISTDIR)/$(DIST).tar.gz.tmp"; \
	mv "$(DISTDIR)/$(DIST).tar.gz.tmp" "$(DISTDIR)/$(DIST).tar.gz"

# Cheap, unprivileged: man page, options, install, dist, reproducible binary.
check-package: $(BIN)
	$(Q)st=0; tests/package/run.sh || st=1; tests/package/reproducible.sh --binary || st=1; \
		RQS=$(abspath $(BIN)) tests/package/systemd.sh || st=1; exit $$st

# Expensive: the .deb (lintian, hardening, install, smoke test), the .rpm,
# and .debs built in two directories compared.
check-dist:
	$(Q)st=0; tests/package/dist.sh || st=1; tests/package/reproducible.sh --deb || st=1; exit $$st

CHECK_ALL_STAGES += check-package check-dist
