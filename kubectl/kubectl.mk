# kubectl: main.c plus libkubectl.a from the other files here.
$(eval $(call program,kubectl,kubectl,kubectl))
