# kubelet: main.c plus libkubelet.a from the other files here.
$(eval $(call program,kubelet,kubelet,kubelet))
