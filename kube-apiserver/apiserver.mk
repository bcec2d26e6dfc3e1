# kube-apiserver: main.c plus libapiserver.a from the other files here.
$(eval $(call program,kube-apiserver,kube-apiserver,apiserver))
