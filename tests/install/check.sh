#!/bin/sh
# check.sh: installation as users do it (CTest label install).
#
# Usage: check.sh build    SOURCE_DIR WORK_DIR  configure and build a release tree
#        check.sh prefix   SOURCE_DIR WORK_DIR  cmake --install into a fresh prefix
#        check.sh deb      SOURCE_DIR WORK_DIR  the Debian packages of debian/
#        check.sh plain    SOURCE_DIR WORK_DIR  cmake -S . -B b, no preset, no option
#        check.sh nocmocka SOURCE_DIR WORK_DIR  configure where cmocka is not found
#
# The tree is a release build (no sanitizers, like a user's).  "prefix"
# installs it into a new directory and checks every file, then compiles and
# runs the program of libsmtpclass(3)'s EXAMPLES against the installed
# library three ways: with pkg-config (shared), against libsmtpclass.a, and
# from a CMake project with find_package(smtpclass).  "deb" builds the four
# packages with dpkg-buildpackage from a copy of the source, requires
# lintian --pedantic to report no tag at all, and checks their control
# fields, contents, hardening and that the tool links the shared library;
# in CI (CI=true) or with SMTPCLASS_TEST_DPKG=1, as root, it installs what
# the build needs, dpkg -i's the set, checks the command, the man pages
# (man -w, groff), the site rules directory, pkg-config, the example built
# with pkg-config and find_package, import smtpclass, and that dpkg -r and
# --purge leave no file behind.  CMAKE names the cmake program (default:
# from PATH).
set -eu

mode=$1
source_dir=$(cd "$2" && pwd)
work_dir=$3
cmake=${CMAKE:-cmake}
cc=${CC:-cc}
failed=0
checks=0

fail() {
	echo "FAIL: $*"
	failed=$((failed + 1))
}

pass() {
	checks=$((checks + 1))
}

finish() {
	echo "$checks passed, $failed failed"
	[ "$failed" -eq 0 ]
}

# Writes the EXAMPLES program of a libsmtpclass.3 to $2/example.c and the
# output the page shows to $2/example.expected.
extract_example() {
	awk -v dir="$2" '
		/^\.Sh EXAMPLES/ { examples = 1; next }
		/^\.Sh / { examples = 0 }
		!examples { next }
		/^\.Bd -literal/ { block++; next }
		/^\.Ed/ { block_done[block] = 1; in_output = 0; next }
		block && !(block in block_done) {
			line = $0
			gsub(/\\e/, "\\", line)
			gsub(/\\&/, "", line)
			if (block == 1)
				print line > (dir "/example.c")
			else if (in_output)
				print line > (dir "/example.expected")
			else if (line ~ /^\$ \.\/example$/)
				in_output = 1
		}' "$1"
	[ -s "$2/example.c" ] && [ -s "$2/example.expected" ]
}

# Compiles nothing: checks that every function of the header is in the
# page's SYNOPSIS.
check_api_documented() {
	for function in $(sed -n 's/^SMTPCLASS_API .*\(smtpclass_[a-z_]*\)(.*/\1/p' "$1"); do
		grep -q "^\.Fn $function " "$2" || grep -q "^\.Fn $function\$" "$2" ||
			fail "libsmtpclass.3 does not document $function()"
	done
	pass
}

run_example() { # NAME EXPECTED [ENV=VALUE...] PROGRAM
	name=$1
	expected=$2
	shift 2
	if ! env "$@" >"$expected.got" 2>&1; then
		fail "$name exited with an error:"
		cat "$expected.got"
	elif ! cmp -s "$expected" "$expected.got"; then
		fail "$name printed something else than libsmtpclass(3) shows:"
		diff "$expected" "$expected.got" || true
	fi
	pass
}

case $mode in
build)
	mkdir -p "$work_dir"
	tree=$work_dir/tree-local
	"$cmake" -S "$source_dir" -B "$tree" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
		>"$work_dir/configure-local.log" 2>&1 || { cat "$work_dir/configure-local.log"; exit 1; }
	"$cmake" --build "$tree" --parallel 2 >"$work_dir/build-local.log" 2>&1 ||
		{ cat "$work_dir/build-local.log"; exit 1; }
	echo "built $tree"
	;;

plain)
	# What a user types first: no preset, no option.  It must build optimised.
	mkdir -p "$work_dir"
	tree=$work_dir/tree-plain
	rm -rf "$tree"
	"$cmake" -S "$source_dir" -B "$tree" >"$work_dir/configure-plain.log" 2>&1 ||
		{ cat "$work_dir/configure-plain.log"; exit 1; }
	grep -qx 'CMAKE_BUILD_TYPE:STRING=Release' "$tree/CMakeCache.txt" ||
		fail "a plain configure does not default to Release: $(grep '^CMAKE_BUILD_TYPE' "$tree/CMakeCache.txt")"
	"$cmake" --build "$tree" --parallel 2 --target smtpclass >"$work_dir/build-plain.log" 2>&1 ||
		{ cat "$work_dir/build-plain.log"; exit 1; }
	"$tree/smtpclass" --version >/dev/null || fail "the plain build's smtpclass does not run"
	pass
	rm -rf "$tree"
	finish
	;;

nocmocka)
	# No cmocka: pkg-config looks only in an empty directory.  The configure
	# must succeed, say on one line that the tests are off, and define none.
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	mkdir "$tmp/empty"
	if ! PKG_CONFIG_LIBDIR=$tmp/empty PKG_CONFIG_PATH= "$cmake" -S "$source_dir" -B "$tmp/tree" \
		>"$tmp/configure.log" 2>&1; then
		cat "$tmp/configure.log"
		fail "the configure fails without cmocka"
	else
		notices=$(grep -c 'tests are off' "$tmp/configure.log" || true)
		[ "$notices" = 1 ] || { cat "$tmp/configure.log"; fail "the configure printed $notices notices that tests are off, not 1"; }
		if grep -q 'CMake Error\|CMake Warning' "$tmp/configure.log"; then
			cat "$tmp/configure.log"
			fail "the configure without cmocka warns or errs"
		fi
		tests=$(cd "$tmp/tree" && ctest -N | sed -n 's/^Total Tests: //p')
		[ "$tests" = 0 ] || fail "without cmocka $tests tests are defined"
	fi
	pass
	finish
	;;

prefix)
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	prefix=$tmp/prefix
	"$cmake" --install "$work_dir/tree-local" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
		{ cat "$tmp/install.log"; exit 1; }
	libdir=$(dirname "$(find "$prefix" -name libsmtpclass.a)")
	for file in bin/smtpclass include/smtpclass.h \
		"${libdir#"$prefix"/}/libsmtpclass.a" "${libdir#"$prefix"/}/libsmtpclass.so" \
		"${libdir#"$prefix"/}/libsmtpclass.so.0.1" "${libdir#"$prefix"/}/pkgconfig/smtpclass.pc" \
		"${libdir#"$prefix"/}/cmake/smtpclass/smtpclassConfig.cmake" \
		"${libdir#"$prefix"/}/cmake/smtpclass/smtpclassConfigVersion.cmake" \
		"${libdir#"$prefix"/}/cmake/smtpclass/smtpclassTargets.cmake" \
		share/man/man1/smtpclass.1 share/man/man3/libsmtpclass.3 share/man/man5/smtpclass-rules.5 \
		share/bash-completion/completions/smtpclass share/zsh/site-functions/_smtpclass \
		etc/smtpclass/rules.d/example.rules; do
		[ -f "$prefix/$file" ] || fail "not installed: $file"
	done
	pass

	# The installed command.
	version=$("$prefix/bin/smtpclass" --version | head -n 1)
	case $version in
	"smtpclass "[0-9]*.[0-9]*.[0-9]*) ;;
	*) fail "smtpclass --version printed '$version'" ;;
	esac
	lookup=$("$prefix/bin/smtpclass" -r '550 5.1.1 <bob@example.com>: User unknown')
	case $lookup in
	"hard "*userunknown*) ;;
	*) fail "installed smtpclass -r gives '$lookup'" ;;
	esac
	pass

	# The library, as libsmtpclass(3) shows it: pkg-config, shared.
	extract_example "$prefix/share/man/man3/libsmtpclass.3" "$tmp" ||
		fail "no example program and output in libsmtpclass.3"
	check_api_documented "$prefix/include/smtpclass.h" "$prefix/share/man/man3/libsmtpclass.3"
	export PKG_CONFIG_PATH="$libdir/pkgconfig"
	[ "$(pkg-config --modversion smtpclass)" = "${version#smtpclass }" ] ||
		fail "pkg-config --modversion says $(pkg-config --modversion smtpclass)"
	case $(pkg-config --variable=prefix smtpclass) in
	"$prefix") ;;
	*) fail "smtpclass.pc has prefix $(pkg-config --variable=prefix smtpclass), not $prefix" ;;
	esac
	pass
	# shellcheck disable=SC2046 # pkg-config prints several words
	if "$cc" -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$tmp/example" "$tmp/example.c" \
		$(pkg-config --cflags --libs smtpclass); then
		readelf -d "$tmp/example" | grep -q 'NEEDED.*libsmtpclass\.so\.0\.1' ||
			fail "the pkg-config build did not link libsmtpclass.so.0.1"
		run_example "example (pkg-config, shared)" "$tmp/example.expected" \
			LD_LIBRARY_PATH="$libdir" "$tmp/example"
	else
		fail "the example does not compile with pkg-config --cflags --libs smtpclass"
	fi
	# Static.
	# shellcheck disable=SC2046
	if "$cc" -std=c11 -o "$tmp/example-static" "$tmp/example.c" \
		$(pkg-config --cflags smtpclass) "$libdir/libsmtpclass.a"; then
		run_example "example (static)" "$tmp/example.expected" "$tmp/example-static"
	else
		fail "the example does not link against libsmtpclass.a"
	fi
	# CMake: find_package(smtpclass).
	mkdir "$tmp/consumer"
	cp "$tmp/example.c" "$tmp/consumer/"
	cat >"$tmp/consumer/CMakeLists.txt" <<'EOF'
cmake_minimum_required(VERSION 3.22)
project(consumer LANGUAGES C)
find_package(smtpclass 0.1 REQUIRED)
add_executable(example example.c)
target_link_libraries(example PRIVATE smtpclass::smtpclass)
add_executable(example_static example.c)
target_link_libraries(example_static PRIVATE smtpclass::smtpclass_static)
EOF
	if "$cmake" -S "$tmp/consumer" -B "$tmp/consumer/build" -DCMAKE_PREFIX_PATH="$prefix" \
		>"$tmp/consumer.log" 2>&1 &&
		"$cmake" --build "$tmp/consumer/build" >>"$tmp/consumer.log" 2>&1; then
		run_example "example (CMake, smtpclass::smtpclass)" "$tmp/example.expected" \
			"$tmp/consumer/build/example"
		run_example "example (CMake, smtpclass::smtpclass_static)" "$tmp/example.expected" \
			"$tmp/consumer/build/example_static"
	else
		cat "$tmp/consumer.log"
		fail "a CMake project cannot use find_package(smtpclass)"
	fi
	# The bash completion loads and binds itself.
	bash --norc --noprofile -c '. "$1" && complete -p smtpclass' sh \
		"$prefix/share/bash-completion/completions/smtpclass" >/dev/null ||
		fail "the installed bash completion does not load"
	pass
	finish
	;;

deb)
	# The Debian packages, built from debian/ with dpkg-buildpackage in a copy
	# of the source, checked with lintian and, in CI or with
	# SMTPCLASS_TEST_DPKG=1 as root, installed, used and removed.
	tmp=$(mktemp -d)
	packages="smtpclass libsmtpclass0.1 libsmtpclass-dev python3-smtpclass"
	installed_by_us=
	cleanup() {
		if [ -n "$installed_by_us" ]; then
			rm -f /etc/smtpclass/rules.d/zz-install-test.rules
			# shellcheck disable=SC2086 # one argument per package
			dpkg --purge $packages >/dev/null 2>&1 || echo "FAIL: dpkg --purge $packages"
		fi
		rm -rf "$tmp"
	}
	trap cleanup EXIT
	may_change_system=
	if [ "${CI:-}" = true ] || [ "${SMTPCLASS_TEST_DPKG:-}" = 1 ]; then
		may_change_system=1
	fi
	if ! command -v dpkg-buildpackage >/dev/null 2>&1; then
		echo "SKIP: no dpkg-buildpackage (Debian package dpkg-dev)"
		exit 77
	fi
	# What the build and the checks need; installed in CI, else a skip.
	needed="debhelper dh-python python3 lintian cmake pkg-config groff-base man-db"
	missing=
	for package in $needed; do
		dpkg-query -W -f='${Status}\n' "$package" 2>/dev/null | grep -q 'install ok installed' ||
			missing="$missing $package"
	done
	if [ -n "$missing" ]; then
		if [ -z "$may_change_system" ] || [ "$(id -u)" -ne 0 ]; then
			echo "SKIP: not installed:$missing (as root, SMTPCLASS_TEST_DPKG=1 installs them)"
			exit 77
		fi
		echo "installing$missing"
		# shellcheck disable=SC2086
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing \
			>"$tmp/apt.log" 2>&1 || { cat "$tmp/apt.log"; echo "FAIL: cannot install$missing"; exit 1; }
	fi

	# The version is written once, in the header: debian/changelog must agree.
	header_version=$(sed -n 's/^#define SMTPCLASS_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)$/\2/p' \
		"$source_dir/include/smtpclass.h" | paste -sd.)
	debian_version=$(dpkg-parsechangelog -l "$source_dir/debian/changelog" -S Version)
	case $debian_version in
	"$header_version"-[0-9]*) ;;
	*) fail "debian/changelog is at $debian_version, the header at $header_version (want $header_version-N)" ;;
	esac
	pass

	mkdir "$tmp/src"
	(cd "$source_dir" && tar --exclude=./build --exclude=./.git --exclude='./obj-*' \
		--exclude=./debian/tmp -cf - .) | (cd "$tmp/src" && tar -xf -)
	if ! (cd "$tmp/src" && DEB_BUILD_OPTIONS=parallel=2 dpkg-buildpackage -b -us -uc) \
		>"$tmp/build.log" 2>&1; then
		cat "$tmp/build.log"
		echo "FAIL: dpkg-buildpackage failed"
		exit 1
	fi
	debs=
	for package in $packages; do
		deb=$(find "$tmp" -maxdepth 1 -name "${package}_*.deb")
		[ -n "$deb" ] || { fail "dpkg-buildpackage made no $package package"; continue; }
		debs="$debs $deb"
		eval "deb_$(echo "$package" | tr -c 'a-z0-9\n' _)=\$deb"
	done
	[ "$failed" -eq 0 ] || { finish; exit 1; }
	echo "built:$(for deb in $debs; do printf ' %s' "$(basename "$deb")"; done)"
	pass

	# lintian: nothing at all, pedantic and informational tags included; a
	# tag that does not apply is overridden in debian/*.lintian-overrides
	# with the reason.
	# shellcheck disable=SC2086
	lintian --pedantic --display-info --tag-display-limit 0 $debs 2>&1 |
		grep -v 'running with root privileges' >"$tmp/lintian.log" || true
	if [ -s "$tmp/lintian.log" ]; then
		cat "$tmp/lintian.log"
		fail "lintian reports tags"
	else
		echo "lintian --pedantic --display-info: no tag on any package"
	fi
	pass

	# Control fields.
	for package in $packages; do
		eval "deb=\$deb_$(echo "$package" | tr -c 'a-z0-9\n' _)"
		[ "$(dpkg-deb -f "$deb" Version)" = "$debian_version" ] ||
			fail "$package has version $(dpkg-deb -f "$deb" Version)"
		[ -n "$(dpkg-deb -f "$deb" Homepage)" ] || fail "$package has no Homepage"
	done
	# shellcheck disable=SC2154 # set by eval above
	case $(dpkg-deb -f "$deb_smtpclass" Depends) in
	*libsmtpclass0.1*) ;;
	*) fail "smtpclass does not depend on libsmtpclass0.1: $(dpkg-deb -f "$deb_smtpclass" Depends)" ;;
	esac
	[ "$(dpkg-deb -f "$deb_smtpclass" Suggests)" = bash-completion ] ||
		fail "smtpclass does not suggest bash-completion"
	# shellcheck disable=SC2154
	dpkg-deb --ctrl-tarfile "$deb_libsmtpclass0_1" | tar -xOf - ./triggers 2>/dev/null |
		grep -qx 'activate-noawait ldconfig' || fail "libsmtpclass0.1 has no ldconfig trigger"
	if dpkg-deb --ctrl-tarfile "$deb_libsmtpclass0_1" | tar -tf - | grep -q 'post\(inst\|rm\)'; then
		dpkg-deb --ctrl-tarfile "$deb_libsmtpclass0_1" | tar -xOf - ./postinst ./postrm 2>/dev/null |
			grep -q ldconfig && fail "libsmtpclass0.1 calls ldconfig in a maintainer script"
	fi
	dpkg-deb --ctrl-tarfile "$deb_smtpclass" | tar -xOf - ./conffiles 2>/dev/null |
		grep -qx /etc/smtpclass/rules.d/example.rules ||
		fail "/etc/smtpclass/rules.d/example.rules is not a conffile"
	pass

	# Contents: what each package must hold.
	check_contents() { # PACKAGE-DEB PATTERN...
		deb=$1
		shift
		dpkg-deb -c "$deb" | awk '{ print $6 }' >"$tmp/contents"
		for pattern in "$@"; do
			grep -q "^\\.$pattern\$" "$tmp/contents" || fail "$(basename "$deb") lacks $pattern"
		done
	}
	check_contents "$deb_smtpclass" /usr/bin/smtpclass /usr/share/man/man1/smtpclass.1.gz \
		/usr/share/man/man5/smtpclass-rules.5.gz /etc/smtpclass/rules.d/example.rules \
		/usr/share/bash-completion/completions/smtpclass /usr/share/zsh/vendor-completions/_smtpclass \
		'/usr/share/doc/smtpclass/README.*' /usr/share/doc/smtpclass/copyright \
		/usr/share/doc/smtpclass/changelog.Debian.gz \
		/usr/share/doc/smtpclass/examples/smtpclass.conf \
		/usr/share/doc/smtpclass/examples/smtpclass-report \
		/usr/share/doc/smtpclass/examples/site.rules
	check_contents "$deb_libsmtpclass0_1" '/usr/lib/.*/libsmtpclass\.so\.0\.1\.0' \
		/usr/share/doc/libsmtpclass0.1/copyright /usr/share/doc/libsmtpclass0.1/changelog.Debian.gz
	# shellcheck disable=SC2154
	check_contents "$deb_libsmtpclass_dev" /usr/include/smtpclass.h '/usr/lib/.*/libsmtpclass\.a' \
		'/usr/lib/.*/pkgconfig/smtpclass\.pc' '/usr/lib/.*/cmake/smtpclass/smtpclassConfig\.cmake' \
		/usr/share/man/man3/libsmtpclass.3.gz /usr/share/doc/libsmtpclass-dev/copyright
	dpkg-deb -c "$deb_libsmtpclass_dev" | grep -q ' \./usr/lib/.*/libsmtpclass\.so -> libsmtpclass\.so\.0\.1$' ||
		fail "libsmtpclass-dev lacks the libsmtpclass.so link"
	# shellcheck disable=SC2154
	check_contents "$deb_python3_smtpclass" /usr/lib/python3/dist-packages/smtpclass/__init__.py \
		/usr/share/doc/python3-smtpclass/copyright
	pass

	# The tool links the shared library, and both carry dpkg-buildflags'
	# hardening: PIE, bindnow, relro, stack protector, fortify.
	dpkg-deb -x "$deb_smtpclass" "$tmp/root"
	dpkg-deb -x "$deb_libsmtpclass0_1" "$tmp/root"
	tool=$tmp/root/usr/bin/smtpclass
	library=$(find "$tmp/root" -name 'libsmtpclass.so.0.1.0')
	readelf -d "$tool" | grep -q 'NEEDED.*\[libsmtpclass\.so\.0\.1\]' ||
		fail "the packaged smtpclass does not link libsmtpclass.so.0.1"
	readelf -h "$tool" | grep -q 'Type: *DYN' || fail "the packaged smtpclass is not PIE"
	for binary in "$tool" "$library"; do
		name=$(basename "$binary")
		readelf -d "$binary" | grep -q 'BIND_NOW\|FLAGS.*NOW' || fail "$name: not linked with bindnow"
		readelf -l "$binary" | grep -q GNU_RELRO || fail "$name: no relro"
	done
	nm -D "$tool" | grep -q '__stack_chk_fail' || fail "smtpclass: no stack protector"
	nm -D "$tool" | grep -q '_chk@' || fail "smtpclass: no fortified function"
	nm -D "$library" | grep -q '__stack_chk_fail' || fail "libsmtpclass: no stack protector"
	tool_size=$(wc -c <"$tool")
	[ "$tool_size" -lt 400000 ] || fail "the packaged smtpclass is $tool_size bytes: does it hold the tables?"
	pass

	if [ -z "$may_change_system" ]; then
		echo "not in CI: the packages were not installed (SMTPCLASS_TEST_DPKG=1 does it)"
		finish
		exit
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: dpkg -i needs root"
		exit 77
	fi
	for package in $packages; do
		if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed\|config-files'; then
			echo "SKIP: $package is installed already; not touching it"
			exit 77
		fi
	done
	# shellcheck disable=SC2086
	dpkg -i $debs >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; finish; exit 1; }
	installed_by_us=1
	# Everything the set installed, for the removal check.
	# shellcheck disable=SC2086
	dpkg -L $packages | sort -u >"$tmp/files"
	[ "$(command -v smtpclass)" = /usr/bin/smtpclass ] || fail "smtpclass is not /usr/bin/smtpclass"
	lookup=$(/usr/bin/smtpclass -r '550 5.1.1 <bob@example.com>: User unknown')
	case $lookup in
	"hard "*userunknown*) ;;
	*) fail "smtpclass -r gives '$lookup'" ;;
	esac
	pass

	# Man pages: found by man, rendered by groff without a warning and whole.
	for page in 1:smtpclass 5:smtpclass-rules 3:libsmtpclass; do
		path=$(man -w "${page#*:}.${page%%:*}" 2>/dev/null) || { fail "man -w ${page#*:}.${page%%:*} finds nothing"; continue; }
		case $path in
		/usr/share/man/*.gz) ;;
		*) fail "man -w found $path" ;;
		esac
		warnings=$(zcat "$path" | groff -mandoc -ww -z 2>&1)
		[ -z "$warnings" ] || { echo "$warnings"; fail "groff warns on $path"; }
		zcat "$path" | groff -mandoc -Tutf8 -P-cbou 2>/dev/null | grep -qx 'AUTHORS\|SEE ALSO' ||
			fail "$path does not render to its end"
	done
	pass

	# Site rules from /etc/smtpclass/rules.d, and --no-site-rules.
	reply='554 5.7.1 blocked using zen.spamhaus.org'
	printf 'id\tphrases\treason\taction\tverdict\tbare_verdict\tprovider\tsource\n%s\n' \
		'install-test	spamhaus	blocked	retry	soft	-	-	tests/install/check.sh' \
		>/etc/smtpclass/rules.d/zz-install-test.rules
	case $(/usr/bin/smtpclass -r "$reply") in
	"soft "*) ;;
	*) fail "a rule in /etc/smtpclass/rules.d is not applied" ;;
	esac
	case $(/usr/bin/smtpclass --no-site-rules -r "$reply") in
	"hard "*) ;;
	*) fail "--no-site-rules does not turn off /etc/smtpclass/rules.d" ;;
	esac
	rm -f /etc/smtpclass/rules.d/zz-install-test.rules
	bash --norc --noprofile -c '. /usr/share/bash-completion/completions/smtpclass && complete -p smtpclass' \
		>/dev/null || fail "the installed bash completion does not load"
	pass

	# The -dev package: pkg-config, and the example of libsmtpclass(3) built
	# with pkg-config and with find_package.
	[ "$(pkg-config --modversion smtpclass)" = "$header_version" ] ||
		fail "pkg-config --modversion smtpclass says $(pkg-config --modversion smtpclass)"
	extract_example "$(man -w libsmtpclass.3)" "$tmp" 2>/dev/null ||
		{ zcat "$(man -w libsmtpclass.3)" >"$tmp/libsmtpclass.3" && extract_example "$tmp/libsmtpclass.3" "$tmp"; } ||
		fail "no example in libsmtpclass(3)"
	# shellcheck disable=SC2046
	if "$cc" -std=c11 -Wall -Wextra -Werror -o "$tmp/example" "$tmp/example.c" \
		$(pkg-config --cflags --libs smtpclass); then
		readelf -d "$tmp/example" | grep -q 'NEEDED.*libsmtpclass\.so\.0\.1' ||
			fail "the pkg-config build did not link libsmtpclass.so.0.1"
		run_example "example (installed, pkg-config)" "$tmp/example.expected" "$tmp/example"
	else
		fail "the example does not build with pkg-config against the installed package"
	fi
	mkdir "$tmp/consumer"
	cp "$tmp/example.c" "$tmp/consumer/"
	cat >"$tmp/consumer/CMakeLists.txt" <<'CMAKE'
cmake_minimum_required(VERSION 3.22)
project(consumer LANGUAGES C)
find_package(smtpclass 0.1 REQUIRED)
add_executable(example example.c)
target_link_libraries(example PRIVATE smtpclass::smtpclass)
add_executable(example_static example.c)
target_link_libraries(example_static PRIVATE smtpclass::smtpclass_static)
CMAKE
	if "$cmake" -S "$tmp/consumer" -B "$tmp/consumer/build" >"$tmp/consumer.log" 2>&1 &&
		"$cmake" --build "$tmp/consumer/build" >>"$tmp/consumer.log" 2>&1; then
		run_example "example (installed, find_package, shared)" "$tmp/example.expected" \
			"$tmp/consumer/build/example"
		run_example "example (installed, find_package, static)" "$tmp/example.expected" \
			"$tmp/consumer/build/example_static"
	else
		cat "$tmp/consumer.log"
		fail "find_package(smtpclass) fails against the installed package"
	fi

	# The Python package, from the installed files only, with Debian's
	# python3 (the one on PATH may be another, such as pyenv's).
	python=$(cd / && env -u PYTHONPATH -u SMTPCLASS_LIBRARY /usr/bin/python3 -c '
import smtpclass
r = smtpclass.classify("550 5.1.1 <bob@example.com>: User unknown")
print(smtpclass.__file__, r.verdict, r.reason)') || fail "python3 -c 'import smtpclass' fails"
	case $python in
	"/usr/lib/python3/dist-packages/smtpclass/__init__.py hard userunknown") ;;
	*) fail "the installed Python package says '$python'" ;;
	esac
	pass

	# Removal: dpkg -r leaves only conffiles (dpkg -S still knows them),
	# dpkg --purge nothing at all.
	# shellcheck disable=SC2086
	dpkg -r $packages >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -r failed"; }
	while read -r file; do
		[ -e "$file" ] && [ ! -d "$file" ] || continue
		case $file in
		/etc/smtpclass/*) ;;
		*) fail "left after dpkg -r: $file" ;;
		esac
	done <"$tmp/files"
	# shellcheck disable=SC2086
	dpkg --purge $packages >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg --purge failed"; }
	installed_by_us=
	while read -r file; do
		case $file in
		/. | /usr | /usr/bin | /usr/lib | /usr/lib/* | /usr/share | /usr/share/* | /usr/include | /etc) ;;
		*) [ -e "$file" ] && fail "left after dpkg --purge: $file" ;;
		esac
		case $file in
		*smtpclass*)
			[ -e "$file" ] && fail "left after dpkg --purge: $file"
			owner=$(dpkg -S "$file" 2>/dev/null) && fail "dpkg -S still finds $file: $owner"
			;;
		esac
	done <"$tmp/files"
	pass
	finish
	;;

*)
	echo "usage: $0 build|prefix|deb|plain|nocmocka SOURCE_DIR WORK_DIR" >&2
	exit 2
	;;
esac
