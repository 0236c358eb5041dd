# runtime-sh/surfc.sh: the fixed part of every script surfc writes.
#
# surfc puts the per-file data before this text, as plain assignments:
#   SURFC_VERSION SURFC_ARCH SURFC_BIG SURFC_KREL SURFC_KVERSION SURFC_N
#   SURFC_AWK (runtime-sh/convert.awk), and for each probe i = 1..SURFC_N:
#   S<i>_KIND   k (kprobe), u (uprobe) or e (existing event)
#   S<i>_LETTER p or r         S<i>_NAME   event name (e: GROUP/EVENT)
#   S<i>_REST   the definition after "p:GROUP/NAME "
#   S<i>_FILTER the filter     S<i>_SRC    file:line: the probe as written
#   S<i>_FUNC   kernel function to check   S<i>_PATH  uprobe binary
#   S<i>_TYPES  features used, as the tracefs README names them
#   S<i>_CONV   fields to convert: field=ip,field=b16,...
#
# It must run under busybox ash, dash, bash, mksh, posh and yash, with only
# the utilities busybox has. Every tracefs write goes through w(), which -n
# turns into a line on stdout.
# shellcheck shell=sh disable=SC2154

: "${SURFC_N:=0}" "${SURFC_KREL:=}" "${SURFC_KVERSION:=}" "${SURFC_BIG:=0}"
: "${SURFC_VERSION:=?}" "${SURFC_ARCH:=?}" "${SURFC_AWK:=}"

T=                # tracefs
G=                # this run's event group and instance name
I=                # this run's instance directory
reader=           # pid of the trace_pipe reader
timer=            # pid of the -d timer
defined=          # probes whose definitions were written
enabled=          # probes enabled in the instance
made_instance=
errbase=0         # error_log lines before arming
mounted=
cleaned=
dur='' out='' stack='' bufkb='' dry='' list='' force='' clean='' quiet=''


usage() {
	cat <<EOF
usage: sh $0 [-d SECONDS] [-o FILE] [-s] [-b KB] [-n] [-l] [-f] [-c] [-q] [-h]
  -d SECONDS  stop after SECONDS (default: until interrupted)
  -o FILE     write events to FILE instead of stdout
  -s          a kernel stack trace with every event
  -b KB       per-CPU buffer size of this run's instance
  -n          dry run: print every tracefs write, touch nothing
  -l          list the probes and their definitions, then exit
  -f          arm even on a kernel other than the one compiled for
  -c          clean up what runs killed with -9 left, then exit
  -q          no banner or summary on stderr
  -h          this help
Probes (surfc $SURFC_VERSION, $SURFC_ARCH${SURFC_KREL:+, kernel $SURFC_KREL}):
EOF
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		eval "printf '  %s\n' \"\$S${i}_SRC\""
		i=$((i + 1))
	done
}

say() {
	[ -n "$quiet" ] || printf 'surfc: %s\n' "$*" >&2
}

die() {
	status=$1
	shift
	printf 'surfc: %s\n' "$*" >&2
	exit "$status"
}

# get I FIELD: sets v to S<I>_<FIELD>.
get() {
	eval "v=\${S$1_$2}"
}

# w OP PATH [VALUE]: the one way this script changes tracefs.
# OP: append (>>), write (>), mkdir, rmdir. -n prints instead.
w() {
	if [ -n "$dry" ]; then
		printf '%s %s%s\n' "$1" "${2#"$T"/}" "${3+ $3}"
		return 0
	fi
	case $1 in
	append) printf '%s\n' "$3" 2>/dev/null >>"$2" ;;
	write) printf '%s\n' "$3" 2>/dev/null >"$2" ;;
	mkdir) mkdir "$2" 2>/dev/null ;;
	rmdir) rmdir "$2" 2>/dev/null ;;
	esac
}

parse_options() {
	while getopts d:o:sb:nlfcqh opt; do
		case $opt in
		d) dur=$OPTARG ;;
		o) out=$OPTARG ;;
		s) stack=1 ;;
		b) bufkb=$OPTARG ;;
		n) dry=1 ;;
		l) list=1 ;;
		f) force=1 ;;
		c) clean=1 ;;
		q) quiet=1 ;;
		h) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -eq 0 ] || { usage >&2; exit 2; }
	case $dur in *[!0-9]*) die 2 "-d takes whole seconds, not '$dur'" ;; esac
	case $bufkb in *[!0-9]*) die 2 "-b takes kilobytes, not '$bufkb'" ;; esac
	[ "$dur" != 0 ] || die 2 "-d takes a positive number of seconds"
	[ "$bufkb" != 0 ] || die 2 "-b takes a positive number of kilobytes"
}

# ---- preflight ----

find_tracefs() {
	if [ -n "${SURFC_TRACEFS:-}" ]; then # the tests' fake tracefs
		T=$SURFC_TRACEFS
		return 0
	fi
	for d in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -f "$d/README" ]; then
			T=$d
			return 0
		fi
	done
	T=/sys/kernel/tracing
	[ -n "$dry" ] && return 0
	if [ -d $T ] && mount -t tracefs nodev $T 2>/dev/null && [ -f $T/README ]; then
		mounted=1
		return 0
	fi
	die 3 "no tracefs: mount -t tracefs nodev /sys/kernel/tracing failed"
}

check_kernel() {
	[ -n "$SURFC_KREL" ] || return 0
	rel=$(uname -r)
	ver=
	[ -z "$SURFC_KVERSION" ] || ver=$(cat /proc/version 2>/dev/null)
	if [ "$rel" = "$SURFC_KREL" ] && { [ -z "$SURFC_KVERSION" ] || [ "$ver" = "$SURFC_KVERSION" ]; }; then
		return 0
	fi
	if [ "$rel" = "$SURFC_KREL" ]; then
		what="another build of $rel"
	else
		what="$rel"
	fi
	[ -n "$force" ] || die 4 "compiled for kernel $SURFC_KREL, this is $what: offsets may differ (-f arms anyway)"
	say "warning: compiled for kernel $SURFC_KREL, this is $what; arming anyway (-f)"
}

# The probe's source line, for messages about it.
where() {
	get "$1" SRC
	printf '%s' "$v"
}

# Helpers that set a variable rather than print: the loops below run once
# a probe and a $(...) would cost a fork each time.

# event_dir I: dir = the events directory of probe I inside the instance.
event_dir() {
	get "$1" NAME
	eval "k=\${S$1_KIND}"
	if [ "$k" = e ]; then dir=$I/events/$v; else dir=$I/events/$G/$v; fi
}

# probe_file I: file = kprobe_events or uprobe_events.
probe_file() {
	eval "k=\${S$1_KIND}"
	if [ "$k" = u ]; then file=$T/uprobe_events; else file=$T/kprobe_events; fi
}

# definition I: def = "p:GROUP/NAME TARGET ARGS".
definition() {
	eval "def=\${S$1_LETTER}:$G/\${S$1_NAME}\ \${S$1_REST}"
}

# Can the kernel function be probed? available_filter_functions lists
# "name" or "name [module]"; else kallsyms, minus the kprobe blacklist.
check_function() {
	if [ -r "$T/available_filter_functions" ] &&
		awk -v f="$1" '$1 == f { found = 1; exit } END { exit !found }' \
			"$T/available_filter_functions"; then
		return 0
	fi
	[ -r /proc/kallsyms ] &&
		awk -v f="$1" '$3 == f && ($2 == "t" || $2 == "T") { found = 1; exit }
			END { exit !found }' /proc/kallsyms || return 1
	[ -r /sys/kernel/debug/kprobes/blacklist ] || return 0
	! awk -v f="$1" '$2 == f { found = 1; exit } END { exit !found }' \
		/sys/kernel/debug/kprobes/blacklist
}

# The kernel's README names what its probe parser knows: each feature the
# probe uses is a string that must appear there ("ustring", "symstr"...).
check_features() {
	get "$1" TYPES
	for t in $v; do
		case $readme in
		*"$t"*) ;;
		*) die 3 "this kernel's probes lack '$t': $(where "$1")" ;;
		esac
	done
}

preflight() {
	readme=
	[ ! -r "$T/README" ] || readme=$(cat "$T/README")
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		get "$i" KIND
		case $v in
		k)
			[ -f "$T/kprobe_events" ] || die 3 "this kernel has no kprobe events (CONFIG_KPROBE_EVENTS): $(where "$i")"
			get "$i" FUNC
			[ -z "$v" ] || check_function "$v" ||
				die 3 "'$v' cannot be probed on this kernel (not in available_filter_functions, or blacklisted): $(where "$i")"
			;;
		u)
			[ -f "$T/uprobe_events" ] || die 3 "this kernel has no uprobe events (CONFIG_UPROBE_EVENTS): $(where "$i")"
			get "$i" PATH
			[ -f "$v" ] || die 3 "no such file '$v': $(where "$i")"
			;;
		e)
			get "$i" NAME
			[ -d "$T/events/$v" ] || die 3 "no event $v on this kernel: $(where "$i")"
			;;
		esac
		[ -z "$readme" ] || check_features "$i"
		i=$((i + 1))
	done
}

# ---- arm ----

# arm_failed I STEP [FILE]: the probe's line, its definition, the step
# that failed, and the kernel's own words: a filter's error is in its
# filter FILE, with a caret; a definition's is in error_log. The EXIT trap
# then undoes the rest.
arm_failed() {
	printf 'surfc: arming failed: %s\n' "$(where "$1")" >&2
	get "$1" KIND
	if [ "$v" = e ]; then
		get "$1" NAME
		printf 'surfc:   event %s\n' "$v" >&2
	else
		definition "$1"
		printf 'surfc:   %s\n' "$def" >&2
	fi
	printf 'surfc:   failed: %s\n' "$2" >&2
	if [ -n "${3:-}" ] && [ -r "$3" ]; then
		sed 's/^/surfc:   /' "$3" >&2
	# Else only what the kernel logged since this run began arming.
	elif [ -r "$T/error_log" ]; then
		n=$(wc -l <"$T/error_log")
		[ "$n" -le "$errbase" ] ||
			tail -n $((n - errbase)) "$T/error_log" | sed 's/^/surfc:   /' >&2
	fi
	exit 1
}

define_probes() {
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		get "$i" KIND
		if [ "$v" != e ]; then
			definition "$i"
			probe_file "$i"
			w append "$file" "$def" || arm_failed "$i" "the definition"
			defined="$defined $i"
		fi
		i=$((i + 1))
	done
}

start_reader() {
	if [ -n "$dry" ]; then
		reader=READER_PID
		return 0
	fi
	conv=
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		get "$i" CONV
		if [ -n "$v" ]; then
			c=$v
			get "$i" NAME
			conv="$conv${v##*/}:$c;"
		fi
		i=$((i + 1))
	done
	# One process reads the pipe: cat, or awk when a field needs
	# converting. Its pid goes into every filter.
	if [ -n "$conv" ]; then
		if [ -n "$out" ]; then
			awk -v convs="$conv" -v big="$SURFC_BIG" "$SURFC_AWK" "$I/trace_pipe" >"$out" &
		else
			awk -v convs="$conv" -v big="$SURFC_BIG" "$SURFC_AWK" "$I/trace_pipe" &
		fi
	elif [ -n "$out" ]; then
		cat "$I/trace_pipe" >"$out" &
	else
		cat "$I/trace_pipe" &
	fi
	reader=$!
}

enable_probes() {
	self=$$
	[ -z "$dry" ] || self=SHELL_PID
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		event_dir "$i"
		get "$i" FILTER
		# The script's own shell and reader never trace themselves.
		f="common_pid!=$self&&common_pid!=$reader"
		[ -z "$v" ] || f="($v)&&$f"
		w write "$dir/filter" "$f" || arm_failed "$i" "the filter $f" "$dir/filter"
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		event_dir "$i"
		w write "$dir/enable" 1 || arm_failed "$i" "enabling it"
		enabled="$enabled $i"
		i=$((i + 1))
	done
}

arm() {
	errbase=0
	[ -n "$dry" ] || [ ! -r "$T/error_log" ] || errbase=$(wc -l <"$T/error_log")
	G=surfc_$$
	[ -z "$dry" ] || G=surfc_PID
	I=$T/instances/$G
	w mkdir "$I" || die 3 "cannot create the instance $I"
	made_instance=1
	[ -z "$bufkb" ] || w write "$I/buffer_size_kb" "$bufkb" || die 3 "cannot set the buffer size"
	[ -z "$stack" ] || w write "$I/options/stacktrace" 1 || die 3 "cannot enable stack traces"
	define_probes
	start_reader
	enable_probes
}

# ---- end ----

# shellcheck disable=SC2317 # called from the cleanup trap
overruns() {
	[ -z "$dry" ] || return 0
	n=$(cat "$I"/per_cpu/cpu*/stats 2>/dev/null | awk '/^overrun:/ { s += $2 } END { print s + 0 }')
	[ "${n:-0}" = 0 ] || say "$n events were lost to buffer overruns (try -b)"
}

# shellcheck disable=SC2317 # called from traps
cleanup() {
	[ -z "$cleaned" ] || return 0
	cleaned=1
	trap '' INT TERM HUP PIPE
	for i in $enabled; do
		event_dir "$i"
		w write "$dir/enable" 0
	done
	[ -z "$timer" ] || kill "$timer" 2>/dev/null
	if [ -n "$reader" ] && [ -z "$dry" ]; then
		kill "$reader" 2>/dev/null
		wait "$reader" 2>/dev/null
	fi
	[ -z "$made_instance" ] || overruns
	for i in $defined; do
		get "$i" NAME
		probe_file "$i"
		w append "$file" "-:$G/$v"
	done
	[ -z "$made_instance" ] || w rmdir "$I"
	[ -z "$mounted" ] || umount "$T" 2>/dev/null
	return 0
}

# -c: the leftovers of runs that were killed with -9.
clean_dead() {
	for d in "$T"/instances/surfc_*; do
		[ -d "$d" ] || continue
		pid=${d##*/surfc_}
		case $pid in '' | *[!0-9]*) continue ;; esac
		kill -0 "$pid" 2>/dev/null && continue
		w write "$d/events/enable" 0
		w rmdir "$d" || say "cannot remove $d"
		say "removed the instance of dead run $pid"
	done
	for f in kprobe_events uprobe_events; do
		[ -f "$T/$f" ] || continue
		# Read the names first: removing them changes the file.
		names=$(sed -n 's/^[pr]:\(surfc_[0-9]*\/[A-Za-z0-9_]*\) .*/\1/p' "$T/$f")
		for ev in $names; do
			pid=${ev%%/*}
			pid=${pid#surfc_}
			kill -0 "$pid" 2>/dev/null && continue
			w append "$T/$f" "-:$ev" || say "cannot remove $ev"
			say "removed $ev of dead run $pid"
		done
	done
}

list_probes() {
	G=surfc_PID
	i=1
	while [ "$i" -le "$SURFC_N" ]; do
		printf '%s\n' "$(where "$i")"
		get "$i" KIND
		if [ "$v" = e ]; then
			get "$i" NAME
			printf '  event %s\n' "$v"
		else
			definition "$i"
			printf '  %s\n' "$def"
		fi
		get "$i" FILTER
		[ -z "$v" ] || printf '  filter %s\n' "$v"
		i=$((i + 1))
	done
}

main() {
	parse_options "$@"
	if [ -n "$list" ]; then
		list_probes
		exit 0
	fi
	[ -n "$dry" ] || [ "$(id -u)" = 0 ] || die 3 "run me as root (or -n for a dry run)"
	find_tracefs
	if [ -n "$clean" ]; then
		clean_dead
		[ -z "$mounted" ] || umount "$T" 2>/dev/null
		exit 0
	fi
	check_kernel
	preflight
	trap cleanup EXIT
	trap 'cleanup; exit 0' INT TERM HUP PIPE
	arm
	[ -n "$dry" ] && exit 0
	say "tracing $SURFC_N probe(s)${dur:+ for $dur s}; Ctrl-C stops"
	if [ -n "$dur" ]; then
		# A subshell, so that killing it at the end stops the kill.
		{ sleep "$dur" && kill -TERM $$; } >/dev/null 2>&1 &
		timer=$!
	fi
	wait "$reader"
	exit 0
}
