# Kubernetes in C: one non-recursive Makefile. Each folder adds its part in a
# *.mk fragment; sources are found by wildcard, so adding a file needs no edit.
#
#   make            libkube.a and the six programs into _output/bin/
#   make test       packaging/deps.sh, build, every test suite, "N passed, N failed"
#   make SAN=1 ...  the same with ASan+UBSan, into _output/san/
#   make fuzz       libFuzzer targets with clang, into _output/fuzz/bin/
#   make cluster    a one-node cluster on this machine (embedded store)
#   make bench      the benchmarks in test/bench/

O ?= _output
SAN ?= 0
FUZZ ?= 0

ifeq ($(FUZZ),1)
B := $(O)/fuzz
CC := clang
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
else ifeq ($(SAN),1)
B := $(O)/san
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
else
B := $(O)
SANFLAGS :=
endif

OBJ := $(B)/obj
BIN := $(B)/bin
LIB := $(B)/lib
GEN := $(B)/gen

PKGS := libevent libevent_pthreads libcjson libnghttp2 yaml-0.1 sqlite3 libprotobuf-c
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
# Debian's mbedTLS 2.28 ships no pkg-config file; use it when one exists.
MBEDTLS_LIBS := $(shell pkg-config --libs mbedtls mbedx509 mbedcrypto 2>/dev/null || echo -lmbedtls -lmbedx509 -lmbedcrypto)

GIT_VERSION := $(shell git describe --tags --always --dirty 2>/dev/null || echo unknown)
WARN := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes -Wno-unused-parameter
CFLAGS_ALL := -std=gnu11 -O2 -g $(WARN) -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 \
	-DKUBE_GIT_COMMIT='"$(GIT_VERSION)"' \
	-Ilibkube -I$(GEN) $(PKG_CFLAGS) $(SANFLAGS) $(CFLAGS)
LDFLAGS_ALL := $(SANFLAGS) $(LDFLAGS)
LDLIBS_ALL := $(PKG_LIBS) $(MBEDTLS_LIBS) -lpthread -lm $(LDLIBS)

# $(call program,NAME,FOLDER,SHORT): FOLDER/main.c plus lib$(SHORT).a built from
# the folder's other .c files, linked with libkube into $(BIN)/NAME.
define program
$(3)_SRCS := $$(filter-out $(2)/main.c,$$(sort $$(wildcard $(2)/*.c)))
$(3)_OBJS := $$($(3)_SRCS:%.c=$$(OBJ)/%.o)
$(3)_LIB := $$(LIB)/lib$(3).a
$$($(3)_LIB): $$($(3)_OBJS)
	@mkdir -p $$(dir $$@)
	rm -f $$@
	$$(AR) rcs $$@ $$^
$$(BIN)/$(1): $$(OBJ)/$(2)/main.o $$($(3)_LIB) $$(LIBKUBE)
	@mkdir -p $$(dir $$@)
	$$(CC) $$(LDFLAGS_ALL) -o $$@ $$^ $$(LDLIBS_ALL)
endef

PROGRAMS := kube-apiserver kube-scheduler kube-controller-manager kubelet kube-proxy kubectl

all: $(addprefix $(BIN)/,$(PROGRAMS))

include libkube/libkube.mk
include kube-apiserver/apiserver.mk
include kube-scheduler/scheduler.mk
include kube-controller-manager/controller-manager.mk
include kubelet/kubelet.mk
include kube-proxy/proxy.mk
include kubectl/kubectl.mk
# Every program library, in link order, then libkube.
PROGRAM_LIBS := $(apiserver_LIB) $(scheduler_LIB) $(controller_manager_LIB) \
	$(kubelet_LIB) $(proxy_LIB) $(kubectl_LIB)

include test/test.mk
include packaging/packaging.mk


$(OBJ)/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -MMD -MP -c -o $@ $<

# Generated protobuf-c sources, one rule per .proto file listed in ALL_PROTOS.
define proto_rule
$(GEN)/$(basename $(notdir $(1))).pb-c.c $(GEN)/$(basename $(notdir $(1))).pb-c.h: $(1)
	@mkdir -p $(GEN)
	protoc-c --proto_path=$(dir $(1)) --c_out=$(GEN) $(1)
endef
$(foreach p,$(ALL_PROTOS),$(eval $(call proto_rule,$(p))))

$(OBJ)/gen/%.o: $(GEN)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -MMD -MP -c -o $@ $<

clean:
	rm -rf $(O)

.PHONY: all clean
.DELETE_ON_ERROR:
.SECONDARY:

-include $(shell find $(OBJ) -name '*.d' 2>/dev/null)
