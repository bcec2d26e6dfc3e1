# bash completion for kubectl (static fallback).
#
# kubernetes.spec ships the output of "kubectl completion bash" from the
# freshly built kubectl; while our kubectl cannot print it yet (issue 4), the
# spec installs this small file instead. It completes subcommands, resource
# types, common flags, and object and namespace names by asking the server.

_kubectl_resources="pods services deployments replicasets replicationcontrollers
nodes namespaces configmaps secrets serviceaccounts endpoints events jobs
cronjobs daemonsets statefulsets persistentvolumes persistentvolumeclaims
ingresses limitranges resourcequotas componentstatuses all"

_kubectl_commands="annotate api-resources api-versions apply attach auth
autoscale cluster-info completion config cordon cp create delete describe diff
drain edit exec explain expose get label logs patch port-forward proxy replace
rollout run scale set taint top uncordon version wait"

_kubectl_flags="--namespace -n --output -o --selector -l --all-namespaces -A
--kubeconfig --context --server -s --filename -f --watch -w --help -h"

__kubectl_names() { # $1: resource type; prints object names
	local ns=()
	[ -n "${_kubectl_ns:-}" ] && ns=(--namespace "$_kubectl_ns")
	kubectl get "${ns[@]}" "$1" -o 'jsonpath={.items[*].metadata.name}' 2>/dev/null
}

_kubectl() {
	local cur prev cmd="" res="" i
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	_kubectl_ns=""
	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-n|--namespace) _kubectl_ns=${COMP_WORDS[i+1]}; i=$((i + 1)) ;;
		--namespace=*) _kubectl_ns=${COMP_WORDS[i]#*=} ;;
		-*) ;;
		*) if [ -z "$cmd" ]; then cmd=${COMP_WORDS[i]}; elif [ -z "$res" ]; then res=${COMP_WORDS[i]}; fi ;;
		esac
	done
	case $prev in
	-n|--namespace)
		COMPREPLY=($(compgen -W "$(__kubectl_names namespaces)" -- "$cur")); return ;;
	-o|--output)
		COMPREPLY=($(compgen -W "json yaml wide name jsonpath= custom-columns=" -- "$cur")); return ;;
	-f|--filename|--kubeconfig)
		COMPREPLY=($(compgen -f -- "$cur")); return ;;
	esac
	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$_kubectl_flags" -- "$cur"))
	elif [ -z "$cmd" ]; then
		COMPREPLY=($(compgen -W "$_kubectl_commands" -- "$cur"))
	elif [ -z "$res" ]; then
		case $cmd in
		get|describe|delete|edit|label|annotate|patch|explain|scale|expose|rollout|wait)
			COMPREPLY=($(compgen -W "$_kubectl_resources" -- "$cur")) ;;
		logs|exec|attach|port-forward)
			COMPREPLY=($(compgen -W "$(__kubectl_names pods)" -- "$cur")) ;;
		esac
	else
		COMPREPLY=($(compgen -W "$(__kubectl_names "$res")" -- "$cur"))
	fi
}

complete -o default -F _kubectl kubectl
