# packaging/: RPMs and release tarballs of the built programs.
#
#   make rpm       kubernetes, -master, -node, -client RPMs into $(O)/rpm/
#   make release   $(O)/release/kubernetes-{server,client}-linux-<arch>.tar.gz,
#                  laid out as upstream's (kubernetes/server/bin/<programs>)
#
# Both package the binaries of the normal build ($(O)/bin, not SAN/FUZZ).

PKG_BIN := $(O)/bin
# Version from the programs' own (v1.32.0-kubec -> 1.32.0); release as given.
RPM_VERSION ?= $(shell sed -n 's/.*define KUBE_GIT_VERSION "v\([0-9.]*\).*/\1/p' libkube/core/kube_core.h)
RPM_RELEASE ?= 1
RPMBUILD_FLAGS ?= --nodeps
RELEASE_ARCH ?= $(patsubst x86_64,amd64,$(patsubst aarch64,arm64,$(shell uname -m)))
PKG_PROGRAMS := $(addprefix $(PKG_BIN)/,$(PROGRAMS))

rpm: $(PKG_PROGRAMS)
	@rm -rf $(O)/rpmbuild && mkdir -p $(O)/rpm $(O)/rpmbuild
	rpmbuild -bb $(RPMBUILD_FLAGS) --quiet \
		--define "_topdir $(abspath $(O))/rpmbuild" \
		--define "_rpmdir $(abspath $(O))/rpm" \
		--define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
		--define "kube_src $(CURDIR)" \
		--define "kube_bin $(abspath $(PKG_BIN))" \
		--define "kube_version $(RPM_VERSION)" \
		--define "kube_release $(RPM_RELEASE)" \
		packaging/kubernetes.spec
	@ls $(O)/rpm/*-$(RPM_VERSION)-$(RPM_RELEASE)*.rpm

# tar options for reproducible archives owned by root.
PKG_TAR := tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0

release: $(PKG_PROGRAMS)
	@rm -rf $(O)/release && mkdir -p $(O)/release/server/kubernetes/server/bin \
		$(O)/release/client/kubernetes/client/bin
	cp -p $(PKG_PROGRAMS) $(O)/release/server/kubernetes/server/bin/
	@# The contrib-style units, env files and SysV scripts, for hosts
	@# installed from the tarball.
	mkdir -p $(O)/release/server/kubernetes/contrib/init/systemd/environ \
		$(O)/release/server/kubernetes/contrib/init/sysv
	cp -p packaging/systemd/*.service packaging/systemd/*.target \
		packaging/systemd/kubernetes.sysusers packaging/systemd/kubernetes.tmpfiles \
		$(O)/release/server/kubernetes/contrib/init/systemd/
	cp -p packaging/etc/kubernetes/* $(O)/release/server/kubernetes/contrib/init/systemd/environ/
	cp -p packaging/init.d/* $(O)/release/server/kubernetes/contrib/init/sysv/
	cp -p $(PKG_BIN)/kubectl $(O)/release/client/kubernetes/client/bin/
	$(PKG_TAR) -C $(O)/release/server -czf $(O)/release/kubernetes-server-linux-$(RELEASE_ARCH).tar.gz kubernetes
	$(PKG_TAR) -C $(O)/release/client -czf $(O)/release/kubernetes-client-linux-$(RELEASE_ARCH).tar.gz kubernetes
	@rm -rf $(O)/release/server $(O)/release/client
	@ls $(O)/release/*.tar.gz

.PHONY: rpm release
