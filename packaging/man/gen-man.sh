#!/bin/sh
# gen-man.sh BINARY NAME VERSION: print a man page (roff) for NAME, built from
# the description in packaging/man/NAME.desc and the option list printed by
# "BINARY --help". Used by kubernetes.spec at build time; when the program
# cannot print its help yet, the page says to run it with --help.
set -u
bin=$1 name=$2 version=$3
dir=$(dirname "$0")
desc=$(cat "$dir/$name.desc" 2>/dev/null || echo "$name")
summary=$(echo "$desc" | head -1)
body=$(echo "$desc" | tail -n +2)
help=$("$bin" --help 2>/dev/null) || help=""
# roff: a leading "." or "'" starts a request; "\" is the escape character.
esc() { sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"; }

printf '.TH "%s" "1" "" "Kubernetes %s" "Kubernetes"\n' \
	"$(echo "$name" | tr a-z A-Z)" "$version"
printf '.SH NAME\n%s \\- %s\n' "$name" "$summary"
printf '.SH SYNOPSIS\n.B %s\n[\\fIOPTIONS\\fR]\n' "$name"
printf '.SH DESCRIPTION\n'
echo "$body" | esc
printf '.SH OPTIONS\n'
if [ -n "$help" ]; then
	printf '.nf\n'
	echo "$help" | esc
	printf '.fi\n'
else
	printf 'Run \\fB%s \\-\\-help\\fR for the list of options.\n' "$name"
fi
printf '.SH FILES\n'
case $name in
kubectl) printf '.TP\n.I ~/.kube/config\nThe default kubeconfig (cluster, user and context).\n' ;;
*) printf '.TP\n.I /etc/kubernetes/config\nSettings shared by every daemon, as systemd environment variables.\n' ;;
esac
case $name in
kube-apiserver) f=apiserver ;; kube-scheduler) f=scheduler ;;
kube-controller-manager) f=controller-manager ;; kubelet) f=kubelet ;;
kube-proxy) f=proxy ;; *) f= ;;
esac
[ -n "$f" ] && printf '.TP\n.I /etc/kubernetes/%s\nThis daemon'"'"'s own variables, passed by %s.service.\n' "$f" "$name"
printf '.SH SEE ALSO\n'
printf '\\fBkube-apiserver\\fR(1), \\fBkube-scheduler\\fR(1), \\fBkube-controller-manager\\fR(1), \\fBkubelet\\fR(1), \\fBkube-proxy\\fR(1), \\fBkubectl\\fR(1)\n'
