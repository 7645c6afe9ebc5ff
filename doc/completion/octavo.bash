# bash completion for octavo(1). Installed as share/bash-completion/completions/octavo.
_octavo()
{
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -*) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "build extract issues opds help --help --version" -- "$cur"))
        return
    fi
    local opts
    case $cmd in
    build)
        case $prev in
        -o|--output|--recipe|--state|--report|--warc|--from-warc|--cookies)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --cache-dir|--local-root)
            COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --title|--language|--author|--publisher|--description|--series|--issue|--pattern|\
        --oldest|--max-articles|--max-pixels|--book-budget|--user-agent|--concurrency|\
        --per-host|--delay|--timeout|--retries|--base|--send-to|--smtp|--mail-from|--deadline)
            return ;;
        --device)
            COMPREPLY=($(compgen -W "kindle-paperwhite kobo-clara generic-eink tablet generic" -- "$cur")); return ;;
        esac
        opts="--recipe --base --state --since-last --send-to --smtp --mail-from --output --mkdir
              --title --language --author --publisher --description --series --issue
              --no-masthead --no-source-footer --pattern --oldest --max-articles --full-content
              --local-root --no-images --grayscale --device --max-pixels --book-budget --cache-dir
              --no-cache --user-agent --cookies --concurrency --per-host --delay --timeout
              --retries --ignore-robots --insecure --deadline --allow-private --warc --from-warc --report --quiet
              --progress --help" ;;
    extract)
        case $prev in --url|--content-type) return ;; esac
        opts="--json --url --content-type --help" ;;
    issues)
        case $prev in
        --state) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --recipe) return ;;
        esac
        opts="--state --recipe --articles --json --help" ;;
    opds)
        case $prev in --title|--base-url) return ;; esac
        if [[ $cur != -* ]]; then COMPREPLY=($(compgen -d -- "$cur")); return; fi
        opts="--title --base-url --help" ;;
    help)
        COMPREPLY=($(compgen -W "build extract issues opds" -- "$cur")); return ;;
    *) return ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _octavo octavo
