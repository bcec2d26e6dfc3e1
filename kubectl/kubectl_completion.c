/* kubectl_completion: `completion bash`, a bash script completing
 * commands, resource types (from api-resources) and names (from
 * `get -o name`), with the same entry points as upstream's script
 * (`__start_kubectl`, `complete -F __start_kubectl kubectl`). */
#include <string.h>

#include "kubectl_cmd.h"

static int completion_run(kubectl_ctx_t *ctx)
{
	const char *shell = ctx->nargs ? ctx->args[0] : "";

	if (!*shell)
		return kubectl_usage_error(ctx, "Shell not specified.");
	if (strcmp(shell, "bash") != 0)
		return kubectl_errorf(ctx, "Unsupported shell type \"%s\".", shell);
	fputs("# bash completion for kubectl                              -*- shell-script -*-\n\n"
	      "__kubectl_commands=\"", ctx->out);
	for (size_t i = 0; kubectl_commands[i]; i++)
		fprintf(ctx->out, "%s%s", i ? " " : "", kubectl_commands[i]->name);
	fputs("\"\n\n"
	      "__kubectl_flags()\n{\n"
	      "    local i out=()\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        case \"${COMP_WORDS[i]}\" in\n"
	      "            -n|--namespace|-s|--server|--context|--kubeconfig|--cluster|--user|--cache-dir)\n"
	      "                out+=(\"${COMP_WORDS[i]}\" \"${COMP_WORDS[i+1]}\"); ((i++));;\n"
	      "            --namespace=*|--server=*|--context=*|--kubeconfig=*|--cache-dir=*) out+=(\"${COMP_WORDS[i]}\");;\n"
	      "        esac\n"
	      "    done\n"
	      "    echo \"${out[@]}\"\n}\n\n"
	      "__start_kubectl()\n{\n"
	      "    local cur words=() i cmd=\"\" nwords=0\n"
	      "    cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
	      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "        case \"${COMP_WORDS[i]}\" in\n"
	      "            -n|--namespace|-s|--server|--context|--kubeconfig|--cluster|--user|--cache-dir|-o|--output|-l|--selector|-f|--filename) ((i++));;\n"
	      "            -*) ;;\n"
	      "            *) if [[ -z $cmd ]]; then cmd=\"${COMP_WORDS[i]}\"; else words+=(\"${COMP_WORDS[i]}\"); fi;;\n"
	      "        esac\n"
	      "    done\n"
	      "    if [[ -z $cmd ]]; then\n"
	      "        COMPREPLY=($(compgen -W \"${__kubectl_commands}\" -- \"$cur\"))\n"
	      "        return\n"
	      "    fi\n"
	      "    if [[ $cur == -* ]]; then\n"
	      "        COMPREPLY=($(compgen -W \"$(kubectl \"$cmd\" --help 2>/dev/null | grep -o -- '--[a-z0-9-]*' | sort -u)\" -- \"$cur\"))\n"
	      "        return\n"
	      "    fi\n"
	      "    case \"$cmd\" in\n"
	      "        get|describe|delete|edit|label|annotate|patch|scale|rollout|wait|set|explain)\n"
	      "            if [[ ${#words[@]} -eq 0 ]]; then\n"
	      "                COMPREPLY=($(compgen -W \"$(kubectl $(__kubectl_flags) api-resources -o name --cached 2>/dev/null | sed 's/\\..*//')\" -- \"$cur\"))\n"
	      "            else\n"
	      "                COMPREPLY=($(compgen -W \"$(kubectl $(__kubectl_flags) get \"${words[0]}\" -o jsonpath='{.items[*].metadata.name}' 2>/dev/null)\" -- \"$cur\"))\n"
	      "            fi;;\n"
	      "        config)\n"
	      "            if [[ ${#words[@]} -eq 0 ]]; then\n"
	      "                COMPREPLY=($(compgen -W \"view get-contexts current-context use-context set-context set-cluster set-credentials delete-context\" -- \"$cur\"))\n"
	      "            else\n"
	      "                COMPREPLY=($(compgen -W \"$(kubectl config get-contexts -o name 2>/dev/null)\" -- \"$cur\"))\n"
	      "            fi;;\n"
	      "        cordon|uncordon|taint)\n"
	      "            COMPREPLY=($(compgen -W \"$(kubectl $(__kubectl_flags) get nodes -o jsonpath='{.items[*].metadata.name}' 2>/dev/null)\" -- \"$cur\"));;\n"
	      "        completion) COMPREPLY=($(compgen -W \"bash\" -- \"$cur\"));;\n"
	      "        *) COMPREPLY=($(compgen -f -- \"$cur\"));;\n"
	      "    esac\n}\n\n"
	      "if [[ $(type -t compopt) = \"builtin\" ]]; then\n"
	      "    complete -o default -F __start_kubectl kubectl\n"
	      "else\n"
	      "    complete -o default -o nospace -F __start_kubectl kubectl\n"
	      "fi\n\n"
	      "# ex: ts=4 sw=4 et filetype=sh\n", ctx->out);
	return 0;
}

const kubectl_command_t kubectl_cmd_completion = {
	"completion", "Output shell completion code for the specified shell (bash, zsh, fish, or powershell)",
	NULL, completion_run,
};
