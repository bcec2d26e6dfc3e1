# kube-proxy: main.c plus libproxy.a from the other files here.
$(eval $(call program,kube-proxy,kube-proxy,proxy))
