# kube-scheduler: main.c plus libscheduler.a from the other files here.
$(eval $(call program,kube-scheduler,kube-scheduler,scheduler))
