#!/bin/sh
# controller_manager_bench.sh: kube-controller-manager with the real
# kube-apiserver and hollow nodes (a small binder stands in for the
# scheduler): the time for a REPLICAS-replica deployment (default 10,000)
# to have every pod created, then bound and Running; a rolling update of a
# ROLL-pod deployment (default 1,000); the controller manager's RSS.
# Figures only. Env: NODES (default 1,000), REPLICAS, ROLL, KCM_QPS.
exec /usr/bin/python3 "$(dirname "$0")/controller_manager_bench.py"
