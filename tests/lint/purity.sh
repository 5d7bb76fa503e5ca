#!/bin/sh
# purity.sh OBJECT...: checks the library's objects (built without
# sanitizers, whose instrumentation adds data of its own) for what the
# library promises in include/smtpclass.h:
#   - no writable data: no .data, .bss or thread-local section with bytes in
#     it (.data.rel.ro, constant tables with pointers, is read-only once
#     loaded), so the library is thread-safe and keeps no state;
#   - no I/O, no exit, no locale, no clock, no environment, no threads;
#   - no allocation except in rule compilation (rulebuild.c, rules.c:
#     smtpclass_rules_compile() and smtpclass_rules_free()), which is setup.
# Names are checked as the objects' undefined symbols, so a call through a
# macro or an inline wrapper is caught too.
set -u
[ $# -gt 0 ] || { echo "usage: purity.sh OBJECT..."; exit 2; }
forbidden='^(printf|fprintf|vprintf|vfprintf|dprintf|puts|fputs|fputc|putc|putchar|fwrite|fread|fgets|fgetc|getc|getchar|fopen|fdopen|freopen|fclose|fflush|fseek|ftell|rewind|perror|open|openat|creat|read|write|pread|pwrite|readv|writev|close|lseek|stat|fstat|lstat|mmap|munmap|ioctl|fcntl|poll|select|socket|connect|send|recv|syslog|openlog|exit|_exit|_Exit|abort|atexit|quick_exit|__assert_fail|raise|kill|signal|sigaction|setlocale|newlocale|uselocale|localeconv|nl_langinfo|getenv|secure_getenv|setenv|putenv|time|clock|clock_gettime|gettimeofday|mktime|localtime|localtime_r|gmtime|gmtime_r|strftime|tzset|sleep|usleep|nanosleep|pthread_[a-z_]*|system|popen|fork|execv|execve|execvp|dlopen|rand|srand|random|strerror|__errno_location)$'
allocation='^(malloc|calloc|realloc|reallocarray|free|strdup|strndup|aligned_alloc|posix_memalign|memalign|valloc)$'
failed=0
for object in "$@"; do
	name=$(basename "$object")
	writable=$(size -A "$object" | awk '$1 ~ /^\.(data|bss|tdata|tbss)/ && $1 !~ /^\.data\.rel\.ro/ && $2 > 0 { printf " %s (%s bytes)", $1, $2 }')
	if [ -n "$writable" ]; then
		echo "$name: writable data:$writable"
		nm "$object" | awk '$2 ~ /^[DdBb]$/ { print "    " $0 }'
		failed=1
	fi
	calls=$(nm -u "$object" | awk '{ print $NF }')
	bad=$(printf '%s\n' "$calls" | grep -E "$forbidden")
	case $name in
	rulebuild.c.o | rules.c.o | rulebuild.o | rules.o) ;;
	*) bad=$(printf '%s\n%s\n' "$bad" "$(printf '%s\n' "$calls" | grep -E "$allocation")") ;;
	esac
	bad=$(printf '%s\n' "$bad" | sed '/^$/d' | sort -u | tr '\n' ' ')
	if [ -n "$bad" ]; then
		echo "$name: calls what the library must not: $bad"
		failed=1
	fi
done
[ "$failed" -eq 0 ] && echo "library objects pure: $# objects, no writable data, no I/O, exit or allocation outside rule compilation"
exit "$failed"
