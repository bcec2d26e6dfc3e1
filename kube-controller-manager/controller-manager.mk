# kube-controller-manager: main.c plus libcontroller_manager.a from the other files here.
$(eval $(call program,kube-controller-manager,kube-controller-manager,controller_manager))
