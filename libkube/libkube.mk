# libkube: the shared library every program links (see DESIGN.md).
LIBKUBE_SRCS := $(sort $(wildcard libkube/*/*.c))
LIBKUBE_PROTOS := $(sort $(wildcard libkube/*/proto/*.proto))
ALL_PROTOS += $(LIBKUBE_PROTOS)
LIBKUBE_GEN_SRCS := $(patsubst %.proto,$(GEN)/%.pb-c.c,$(notdir $(LIBKUBE_PROTOS)))
GEN_HEADERS += $(LIBKUBE_GEN_SRCS:.c=.h)
LIBKUBE_OBJS := $(LIBKUBE_SRCS:%.c=$(OBJ)/%.o) \
	$(patsubst $(GEN)/%.c,$(OBJ)/gen/%.o,$(LIBKUBE_GEN_SRCS))
LIBKUBE := $(LIB)/libkube.a

$(LIBKUBE): $(LIBKUBE_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@
	$(AR) rcs $@ $^

libkube: $(LIBKUBE)
.PHONY: libkube
