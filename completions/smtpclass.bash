# bash completion for smtpclass(1)                          -*- shell-script -*-
#
# Installed as .../bash-completion/completions/smtpclass.  It needs nothing of
# the bash-completion package.  The options and their values are those of
# `smtpclass --help`; completions/check.sh fails when they differ.

_smtpclass()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev='' option=''
	local options='-r --reply --format= --fields= -j --json --header --csv-raw -H --with-filename --no-filename -q --quiet -e --exit-status --stage=
		--line-buffered --color --color= --width= --stats --direction= --rules= --no-site-rules --explain --taxonomy --all --mta= --year=
		--since= --until= --summary --top= --interval= --report-file= --merge --addresses= --mail --rsyslog -a --text --describe --list-reasons
		--list-actions --list-mtas -h --help -V --version'

	((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
	# "--format=js" arrives as three words: "--format" "=" "js".
	if [[ $cur == = ]]; then
		option=$prev
		cur=''
	elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then
		option=${COMP_WORDS[COMP_CWORD - 2]}
	elif [[ $cur != -* ]]; then
		option=$prev
	fi

	local values=''
	case $option in
	--format) values='text json tsv csv html' ;;
	--stage) values='connect helo mail rcpt data eod' ;;
	--color) values='auto always never' ;;
	--mta) values='postfix exim sendmail opensmtpd qmail exchange courier generic' ;;
	--addresses) values='remove soft' ;;
	--direction) values='in out' ;;
	--rules | --report-file)
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return
		;;
	-r | --reply | --describe | --year | --top | --width | --interval | --since | --until)
		COMPREPLY=()
		return
		;;
	esac
	if [[ -n $values ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$values" -- "$cur")
		return
	fi

	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$options" -- "$cur")
		# "--format=" wants its value right after the '='.
		if [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]]; then
			compopt -o nospace 2>/dev/null
		fi
		return
	fi
	compopt -o filenames 2>/dev/null
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
}
complete -F _smtpclass smtpclass
