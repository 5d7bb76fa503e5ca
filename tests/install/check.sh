#!/bin/sh
# check.sh: installation as users do it (CTest label install).
#
# Usage: check.sh build   SOURCE_DIR WORK_DIR   configure and build two release trees
#        check.sh prefix  SOURCE_DIR WORK_DIR   cmake --install into a fresh prefix
#        check.sh deb     SOURCE_DIR WORK_DIR   the .deb that CPack builds
#        check.sh plain   SOURCE_DIR WORK_DIR   cmake -S . -B b, no preset, no option
#        check.sh nocmocka SOURCE_DIR WORK_DIR  configure where cmocka is not found
#
# The trees are release builds (no sanitizers, like a user's), one with the
# default prefix and one with /usr for the Debian package.  "prefix" installs
# into a new directory and checks every file, then compiles and runs the
# program of libsmtpclass(3)'s EXAMPLES against the installed library three
# ways: with pkg-config (shared), against libsmtpclass.a, and from a CMake
# project with find_package(smtpclass).  "deb" builds the package with CPack
# and checks its control fields and contents; in CI (CI=true) or with
# SMTPCLASS_TEST_DPKG=1, as root, it installs it with dpkg -i, runs the
# installed smtpclass and the example, and removes it again.
# CMAKE and CPACK name the cmake and cpack programs (default: from PATH).
set -eu

mode=$1
source_dir=$(cd "$2" && pwd)
work_dir=$3
cmake=${CMAKE:-cmake}
cpack=${CPACK:-cpack}
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
	for tree in local usr; do
		prefix_option=
		[ "$tree" = usr ] && prefix_option=-DCMAKE_INSTALL_PREFIX=/usr
		# shellcheck disable=SC2086 # the option is empty or one word
		"$cmake" -S "$source_dir" -B "$work_dir/tree-$tree" -DCMAKE_BUILD_TYPE=Release \
			-DBUILD_TESTING=OFF $prefix_option >"$work_dir/configure-$tree.log" 2>&1 ||
			{ cat "$work_dir/configure-$tree.log"; exit 1; }
		"$cmake" --build "$work_dir/tree-$tree" --parallel 2 >"$work_dir/build-$tree.log" 2>&1 ||
			{ cat "$work_dir/build-$tree.log"; exit 1; }
	done
	echo "built $work_dir/tree-local and $work_dir/tree-usr"
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
	version=$("$prefix/bin/smtpclass" --version)
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
	tmp=$(mktemp -d)
	installed_by_us=
	cleanup() {
		if [ -n "$installed_by_us" ]; then
			dpkg --purge smtpclass >/dev/null 2>&1 || echo "FAIL: dpkg --purge smtpclass"
		fi
		rm -rf "$tmp"
	}
	trap cleanup EXIT
	if ! command -v dpkg-deb >/dev/null 2>&1; then
		echo "SKIP: no dpkg-deb"
		exit 77
	fi
	tree=$work_dir/tree-usr
	(cd "$tree" && "$cpack" -G DEB -B "$tmp/package") >"$tmp/cpack.log" 2>&1 ||
		{ cat "$tmp/cpack.log"; exit 1; }
	deb=$(find "$tmp/package" -maxdepth 1 -name 'smtpclass_*.deb')
	[ -n "$deb" ] || { cat "$tmp/cpack.log"; echo "FAIL: cpack made no .deb"; exit 1; }
	echo "built $(basename "$deb")"
	for field in Package:smtpclass Version:0 Section:mail Depends:libc6 Architecture:; do
		name=${field%%:*}
		value=$(dpkg-deb -f "$deb" "$name")
		case $value in
		"${field#*:}"*) ;;
		*) fail "control field $name is '$value'" ;;
		esac
	done
	pass
	dpkg-deb -c "$deb" | awk '{ print $6 }' >"$tmp/contents"
	for pattern in ./usr/bin/smtpclass ./usr/include/smtpclass.h \
		'./usr/lib/.*libsmtpclass\.so\.0\.1' './usr/lib/.*libsmtpclass\.a' \
		'./usr/lib/.*pkgconfig/smtpclass\.pc' './usr/lib/.*cmake/smtpclass/smtpclassConfig\.cmake' \
		'./usr/share/man/man1/smtpclass\.1' './usr/share/man/man3/libsmtpclass\.3' \
		./usr/share/bash-completion/completions/smtpclass \
		./usr/share/zsh/vendor-completions/_smtpclass; do
		grep -q "^$pattern" "$tmp/contents" || fail "the .deb lacks $pattern"
	done
	pass
	dpkg-deb -x "$deb" "$tmp/root"
	pc=$(find "$tmp/root" -name smtpclass.pc)
	grep -qx 'prefix=/usr' "$pc" || fail "the packaged smtpclass.pc does not say prefix=/usr"
	"$tmp/root/usr/bin/smtpclass" --version >/dev/null || fail "the packaged smtpclass does not run"
	pass

	if [ "${CI:-}" != true ] && [ "${SMTPCLASS_TEST_DPKG:-}" != 1 ]; then
		echo "not in CI: the package was not installed (SMTPCLASS_TEST_DPKG=1 does it)"
		finish
		exit
	fi
	if [ "$(id -u)" -ne 0 ]; then
		echo "SKIP: dpkg -i needs root"
		exit 77
	fi
	if dpkg-query -W -f='${Status}' smtpclass 2>/dev/null | grep -q 'ok installed'; then
		echo "SKIP: a smtpclass package is installed already; not touching it"
		exit 77
	fi
	dpkg -i "$deb" >"$tmp/dpkg.log" 2>&1 || { cat "$tmp/dpkg.log"; fail "dpkg -i failed"; finish; exit 1; }
	installed_by_us=1
	[ "$(command -v smtpclass)" = /usr/bin/smtpclass ] || fail "smtpclass is not /usr/bin/smtpclass"
	/usr/bin/smtpclass --version || fail "smtpclass --version failed"
	lookup=$(/usr/bin/smtpclass -r '550 5.1.1 <bob@example.com>: User unknown')
	echo "$lookup"
	case $lookup in
	"hard "*userunknown*) ;;
	*) fail "smtpclass -r gives '$lookup'" ;;
	esac
	pass
	# The library as a system library: found by pkg-config and the loader.
	extract_example /usr/share/man/man3/libsmtpclass.3 "$tmp" || fail "no example in the page"
	if command -v pkg-config >/dev/null 2>&1; then
		# shellcheck disable=SC2046
		"$cc" -std=c11 -o "$tmp/example" "$tmp/example.c" $(pkg-config --cflags --libs smtpclass) &&
			run_example "example (installed package)" "$tmp/example.expected" "$tmp/example" ||
			fail "the example does not build against the installed package"
	fi
	dpkg --purge smtpclass >/dev/null || fail "dpkg --purge smtpclass failed"
	installed_by_us=
	[ ! -e /usr/bin/smtpclass ] || fail "/usr/bin/smtpclass is still there after dpkg --purge"
	pass
	finish
	;;

*)
	echo "usage: $0 build|prefix|deb|plain|nocmocka SOURCE_DIR WORK_DIR" >&2
	exit 2
	;;
esac
