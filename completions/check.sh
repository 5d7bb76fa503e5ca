#!/bin/sh
# check.sh: the bash and zsh completions offer exactly the options of
# `smtpclass --help`, with the same kind of argument, and complete exactly
# the values that the help names and the program accepts (CTest: completions).
#
# Usage: completions/check.sh SMTPCLASS
#
# --help is the source of truth: main.c builds it from its option table.
# When an option is added there, this test names what the completion files
# lack.  Options whose argument is free text or a file, so that there is no
# list of values to offer, are listed in free_options below.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
smtpclass=$1
bash_file=$here/smtpclass.bash
zsh_file=$here/_smtpclass
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checks=0

# Options that take free text or a file: no values to complete.
free_options="reply rules year top width interval report-file describe fields since until"

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

pass() {
	checks=$((checks + 1))
}

# NAME KIND DESCRIPTION for each option of --help; KIND is none, required or
# optional.  Short options are NAME too ("r").
# A description wraps onto lines that open with spaces and no dash.
"$smtpclass" --help | awk '
	function flush(   n, i, name, tokens) {
		if (spec == "") return
		kind = "none"
		if (spec ~ /\[=[A-Z]+\]/) kind = "optional"
		else if (spec ~ /[ =][A-Z]+$/) kind = "required"
		n = split(spec, tokens, /[ ,=[]+/)
		for (i = 1; i <= n; i++)
			if (tokens[i] ~ /^--?[a-zA-Z]/) {
				name = tokens[i]; sub(/^--?/, "", name)
				printf "%s\t%s\t%s\n", name, kind, description
			}
		spec = ""
	}
	/^ +-/ {
		flush()
		sub(/^ +/, "")
		split($0, parts, /  +/)
		spec = parts[1]; description = substr($0, length(spec) + 1); sub(/^ +/, "", description)
		next
	}
	/^      +[^ -]/ && spec != "" {
		sub(/^ +/, "")
		description = description == "" ? $0 : description " " $0
		next
	}
	{ flush() }
	END { flush() }' >"$work/help.tsv"
[ -s "$work/help.tsv" ] || { echo "FAIL: no option in --help"; exit 1; }

# --- the option names -------------------------------------------------------
# bash: the words of options='...'; zsh: the options in the _arguments specs,
# descriptions in [...] removed first.
sed -n "/local options='/,/'\$/p" "$bash_file" | tr -s " \t'" '\n' |
	grep '^-' | sed 's/^--*//; s/=$//' | sort -u >"$work/bash.names"
grep "^	'" "$zsh_file" | sed 's/\[[^]]*\]//g' |
	grep -o -e "--[a-z][-a-z]*" -e "[{',(]-[a-zA-Z]" | sed "s/^[{',(]//; s/^--*//" |
	sort -u >"$work/zsh.names"
cut -f1 "$work/help.tsv" | sort -u >"$work/help.names"
for shell in bash zsh; do
	for name in $(comm -23 "$work/help.names" "$work/$shell.names"); do
		fail "$shell completion lacks option $name of --help"
	done
	for name in $(comm -13 "$work/help.names" "$work/$shell.names"); do
		fail "$shell completion offers $name, which --help does not have"
	done
	pass
done

# --- the kind of argument ----------------------------------------------------
dashes() {
	if [ ${#1} -eq 1 ]; then echo "-$1"; else echo "--$1"; fi
}
while IFS='	' read -r name kind description; do
	option=$(dashes "$name")
	case $kind in
	required)
		if [ ${#name} -gt 1 ]; then
			grep -q -e "$option=[[}]" "$zsh_file" ||
				fail "zsh: $option takes an argument: write '$option=[...]'"
		else
			grep -q -e "{$option+," "$zsh_file" ||
				fail "zsh: $option takes an argument: write '{$option+,...}'"
		fi
		;;
	optional)
		grep -q -e "$option=-\[" "$zsh_file" ||
			fail "zsh: $option has an optional argument: write '$option=-[...]'"
		grep -q -e " $option=\$\| $option=[ ']" "$bash_file" ||
			fail "bash: $option has an optional argument: list $option and $option="
		;;
	none)
		if grep -q -e "$option=" "$zsh_file"; then
			fail "zsh: $option takes no argument"
		fi
		;;
	esac
	if [ "$kind" = required ] && [ ${#name} -gt 1 ] &&
		! sed -n "/local options='/,/'\$/p" "$bash_file" | grep -q -e "$option="; then
		case " $free_options " in
		*" $name "*) ;; # "--reply REPLY" is offered without '='
		*) fail "bash: $option takes an argument: list it as $option=" ;;
		esac
	fi
	pass
done <"$work/help.tsv"

# --- the values --------------------------------------------------------------
# The values the program accepts among the words of an option's description
# (alone, or in summary mode: --format=html is for --summary).
accepted_words() {
	for word in $(echo "$2" | tr -c 'a-z\n' ' '); do
		if "$smtpclass" "--$1=$word" </dev/null >/dev/null 2>&1 || [ $? -ne 64 ] ||
			"$smtpclass" --summary "--$1=$word" </dev/null >/dev/null 2>&1 || [ $? -ne 64 ]; then
			echo "$word"
		fi
	done | sort -u
}
while IFS='	' read -r name kind description; do
	[ "$kind" != none ] && [ ${#name} -gt 1 ] || continue
	case " $free_options " in *" $name "*) continue ;; esac
	accepted_words "$name" "$description" >"$work/want"
	sed -n "s/^	--$name) values='\\([^']*\\)'.*/\\1/p" "$bash_file" | tr ' ' '\n' |
		sed '/^$/d' | sort -u >"$work/bash.values"
	sed 's/\[[^]]*\]//g' "$zsh_file" |
		sed -n "s/^	'--$name=-*::*[^:]*:(\\([^)]*\\)).*/\\1/p" | tr ' ' '\n' |
		sed '/^$/d' | sort -u >"$work/zsh.values"
	[ -s "$work/want" ] ||
		fail "--$name: --help names none of its values (or add it to free_options)"
	for shell in bash zsh; do
		if ! cmp -s "$work/want" "$work/$shell.values"; then
			fail "$shell: --$name completes [$(echo $(cat "$work/$shell.values"))]," \
				"--help and the program say [$(echo $(cat "$work/want"))]"
		fi
	done
	pass
done <"$work/help.tsv"

# --- bash, for real ------------------------------------------------------------
# COMP_WORDS as bash splits them: "--format=j" is "--format" "=" "j".
bash_complete() {
	bash --norc --noprofile -c '
		. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=()
		_smtpclass
		[ ${#COMPREPLY[@]} -eq 0 ] || printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "' \
		sh "$bash_file" "$@"
}
expect_bash() {
	want=$1
	shift
	got=$(bash_complete "$@")
	if [ "$got" != "$want" ]; then
		fail "bash: completing [$*] gives [$got], want [$want]"
	fi
	pass
}
expect_bash "--format= " smtpclass --for
expect_bash "csv html json text tsv " smtpclass --format =
expect_bash "json " smtpclass --format = j
expect_bash "postfix " smtpclass --mta p
expect_bash "rcpt " smtpclass --stage = r
expect_bash "--rsyslog " smtpclass --rs
expect_bash "-V " smtpclass -V
expect_bash "" smtpclass -r ""
expect_bash "$here/check.sh " smtpclass -j "$here/check."

# --- zsh, when it is there -------------------------------------------------------
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$zsh_file" || fail "zsh: $zsh_file does not parse"
	got=$(zsh -f -c 'fpath=("$1" $fpath); autoload -Uz compinit; compinit -u -d "$2/zcompdump"
		print -r -- ${_comps[smtpclass]}' zsh "$here" "$work")
	[ "$got" = _smtpclass ] || fail "zsh: compinit does not bind _smtpclass to smtpclass"
	pass
else
	echo "zsh not installed: its file was only compared, not parsed"
fi

echo "$checks passed, $failed failed"
[ "$failed" -eq 0 ]
