# runtime-sh/surfc.sh: the fixed part of every script surfc writes.
#
# The script is: a header of comments, this text, the per-file data as
# plain assignments (codegen/script.c), and "main". The data:
#   surfc_version
#   convert_awk      runtime-sh/convert.awk
#   hist_awk         runtime-sh/hist.awk
#   graph_awk        runtime-sh/graph.awk
#   graph_settings   PATH=VALUE ... a graph probe's tracer needs, in order
#                        (empty: no graph probe)
#   probe_count      the probes are 1 2 ... probe_count; for each probe ID:
#   probe_ID_kind        k (kprobe), u (uprobe), d (a dynamic event only
#                        dynamic_events defines: fprobe, tracepoint probe,
#                        event probe) or e (an existing event)
#   probe_ID_letter      p, r or rMAXACTIVE; d: f, t or e (e: empty)
#   probe_ID_events_file kprobe_events, uprobe_events or dynamic_events
#                        (e: empty)
#   probe_ID_name        the event's name (e: GROUP/EVENT)
#   probe_ID_source      file:line: the probe as written (for messages)
#   probe_ID_binary      the uprobe's binary
#   probe_ID_binary_id   that binary when compiled: build-id:OFFSET:LENGTH:HEX
#                        (the note's bytes at that file offset) or cksum:CRC:SIZE
#   probe_ID_conversions fields to convert: field=ip,field=b16,...
#   probe_ID_glob        the wildcard target it is a match of (p vfs_*),
#                        or empty: a match the target cannot trace is
#                        left out (keep_traceable)
#   probe_ID_aggregate   empty (streams), h (a hist trigger on its event)
#                        or l (a latency probe: a hist trigger on its
#                        synthetic event, fed by triggers on its entry
#                        and its return)
#   probe_ID_graph       1 for a graph probe (g): its gate (probe_ID_gate_name,
#                        the same definition, probe_ID_gate_trigger) and
#                        its return (probe_ID_return_name,
#                        probe_ID_return_trigger) open and close a
#                        function_graph recording
#   probe_ID_hist        its hist trigger, without " if FILTER"
#   probe_ID_return_name probe_ID_entry_trigger probe_ID_return_trigger
#                        (l) its return event, and the triggers on its
#                        entry and return; @GROUP@ and @SYNTH@ in them
#                        stand for the run's group and synthetic event
#   kernel_ids       the kernels compiled for: "1 2 ..."; for each kernel K:
#   kernel_K_release kernel_K_version   its uname -r and /proc/version
#                        (empty: compiled without a kernel's identity)
#   kernel_K_build_id    its GNU build-id (hex), where the types had one
#   kernel_K_arch kernel_K_big_endian kernel_K_machines (uname -m values)
#   kernel_K_graph_way   where its graphs are expected: instance, top, or
#                        empty (not known); a run checks the instance
#   kernel_K_probes      the probes it arms (--allow-partial leaves some out)
#   kernel_K_rest kernel_K_filter kernel_K_function kernel_K_features
#   kernel_K_synth kernel_K_return
#                        for each of those probes, the id N of the text_N
#                        that is its field on this kernel
#   text_N           the texts the kernels share, each once (text_0 empty)
# use_kernel K loads kernel K's identity and fields:
#   kernel_release kernel_version surfc_arch surfc_big_endian
#   probe_ids            the probes it arms
#   probe_ID_rest        the definition after "p:GROUP/NAME "
#   probe_ID_filter      the filter, as written to tracefs
#   probe_ID_function    the kernel function that must be probe-able
#   probe_ID_features    what the probe needs, as the tracefs README names
#                        it, ';'-separated
#   probe_ID_synth       (l) its synthetic event's fields
#   probe_ID_return      (l, g) its return probe's definition after the name
#
# It must run under busybox ash, dash, bash, mksh, posh and yash, with only
# the utilities busybox has. Every tracefs write goes through
# tracefs_write, which a dry run (-n) turns into a line on stdout.
# shellcheck shell=sh disable=SC2154

# ---- a known environment ----
# Nothing the caller's environment holds may steer the script: the field
# separators, where commands come from (posh even takes printf from PATH),
# shell functions imported by bash, the locale of awk and sed.
IFS=' 	
'
PATH=/usr/sbin:/usr/bin:/sbin:/bin
LC_ALL=C
export PATH LC_ALL
# Only bash imports functions (and posh's unset -f breaks its getopts).
[ -z "${BASH_VERSION:-}" ] || unset -f awk cat cksum id kill ls mkdir mount \
	od printf rm rmdir sed sleep tail uname umount wc 2>/dev/null

# ---- state ----
tracefs=               # the tracefs directory
run_name=              # this run's instance and event group
instance=              # $tracefs/instances/$run_name
shell_pid=$$           # as written into tracefs (SHELL_PID in a dry run)
reader_pid=            # cat, reading the instance's trace_pipe
converter_pid=         # awk, converting cat's stream (stdout mode)
reader_status=         # how the reader ended by itself, if it did
convert_after=         # convert the -o FILE after the run
awk_conversions=       # "EVENT:FIELD=KIND,...;..." for convert.awk
notrace=               # the instance keeps the script's processes out itself
dry_tracefs=           # a dry run's fake tracefs (the tests')
defined_ids=           # probes whose definitions were written
enabled_ids=           # probes enabled in the instance one by one
group_enabled=         # the run's event group was enabled as a whole
made_instance=
mounted_tracefs=
cleaned=
errlog_base=0          # error_log lines before arming
exit_status=0
opt_duration='' opt_output='' opt_stack='' opt_buffer_kb='' opt_dry_run=''
opt_list='' opt_force='' opt_clean='' opt_quiet='' opt_raw='' opt_kernel=''
opt_interval='' opt_json='' opt_depth='' opt_no_durations=''
graph_dir=             # where graph probes record: the instance, or the top
graph_top=             # ... level, which the run found idle and restores
graph_saved=           # PATH=VALUE of the top level's settings it changed
graph_ids=             # graph probes whose gate and return were defined
streaming=             # some probe streams its events (a reader runs)
return_ids=            # latency probes whose return probe was defined
synth_ids=             # latency probes whose synthetic event was written
triggered_ids=         # probes with triggers written, the latest first
armed=                 # arming ended: the histograms are worth printing
running_build_id='' running_build_id_read=''
# The script's name for messages: read from standard input (ssh HOST sh -s
# < trace.sh), $0 is the shell's own name.
case $0 in
*/*|*.sh) script_name=$0 ;;
*) script_name=SCRIPT ;;
esac

# ---- messages ----

usage() {
	# shellcheck disable=SC2086
	set -- $kernel_ids
	if [ $# = 1 ]; then
		use_kernel "$1"
		kernel_text="$surfc_arch, kernel $kernel_release"
		[ -n "$kernel_release" ] || kernel_text="$surfc_arch, any kernel: compiled without one"
	else
		kernel_list
		kernel_text="kernels $list"
	fi
	cat <<EOF
usage: sh $script_name [-d SECONDS] [-o FILE] [-i SECONDS] [-j] [-G DEPTH] [-T] [-r] [-s] [-b KB] [-n] [-l] [-K RELEASE] [-f] [-c] [-q] [-h]
  -d SECONDS  stop after SECONDS (default: until interrupted)
  -o FILE     write events (and histograms) to FILE instead of stdout
  -i SECONDS  print the histograms every SECONDS too, as counted since
              the start
  -G DEPTH    g probes: graph DEPTH levels of calls below the function
  -T          g probes: no durations in the graphs
  -j          histograms as JSON lines: {probe, keys, values}, then
              {probe, hits, entries, dropped}
              (a probe with h: counts in the kernel, an l probe times its
              function: neither streams; their tables print at the end)
  -r          raw events: no display conversion of ip_/bNN_ fields
  -s          a stack trace with every event: the kernel's, and for
              uprobes the program's (where the kernel records user stacks)
  -b KB       per-CPU buffer size of this run's instance
  -n          dry run: print every tracefs write, touch nothing (any machine)
  -l          list the probes and their definitions, then exit (any machine)
  -K RELEASE  with -n or -l: the kernel of this script to show
  -f          arm on a kernel other than those compiled for when one of
              them can only be meant (the only one, or the only one of this
              arch, or of this arch and release family); and on a binary
              other than the one compiled for
  -c          clean up what runs killed with -9 left, then exit
  -q          no banner or summary on stderr
  -h          this help
Exit status: 0 normal end (time up, interrupted, output closed); 1 arming
failed; 2 usage; 3 environment (not root, no tracefs, the kernel lacks a
probe type, function, event or binary); 4 not the kernel or binary compiled
for (-f arms anyway); 5 writing the output failed. -c: 0 nothing of a dead
run is left, 1 something could not be removed.
Probes (surfc $surfc_version, $kernel_text):
EOF
	for id in $all_probe_ids; do
		load_probe "$id"
		printf '  %s\n' "$source"
	done
}

say() {
	[ -n "$opt_quiet" ] || printf 'surfc: %s\n' "$*" >&2
}

die() {
	exit_status=$1
	shift
	printf 'surfc: %s\n' "$*" >&2
	exit "$exit_status"
}

# ---- the probes ----

# The loops below run once a probe each: they read only the fields they
# need (an eval of a few assignments, no fork).

# probe_dir ID: kind, name, and where the probe lives: event_dir (in the
# instance) and events_file.
probe_dir() {
	eval "kind=\$probe_$1_kind name=\$probe_$1_name
		events_file=\$probe_$1_events_file graph=\$probe_$1_graph"
	# A graph probe's events are where its graph is recorded.
	base=$instance
	[ -z "$graph" ] || [ -z "$graph_top" ] || base=$tracefs
	if [ "$kind" = e ]; then
		event_dir=$base/events/$name
	else
		event_dir=$base/events/$run_name/$name
		events_file=$tracefs/$events_file
	fi
}

# place_probe ID: probe_dir's, and letter, rest, definition.
place_probe() {
	probe_dir "$1"
	eval "letter=\$probe_$1_letter rest=\$probe_$1_rest"
	definition="$letter:$run_name/$name $rest"
}

# load_probe ID: all of the probe's data (place_probe's, and filter,
# source, function, binary, binary_id, features, conversions).
load_probe() {
	place_probe "$1"
	eval "filter=\$probe_$1_filter source=\$probe_$1_source
		function=\$probe_$1_function binary=\$probe_$1_binary
		binary_id=\$probe_$1_binary_id features=\$probe_$1_features
		conversions=\$probe_$1_conversions"
}

# tracefs_write OP PATH [VALUE]: the one way this script changes tracefs.
# OP: append (>>), write (>), mkdir, rmdir. A dry run prints instead.
tracefs_write() {
	if [ -n "$opt_dry_run" ]; then
		printf '%s %s%s\n' "$1" "${2#"$tracefs"/}" "${3+ $3}"
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
	all_probes
	while getopts d:o:i:jG:Trsb:nlK:fcqh option; do
		case $option in
		d) opt_duration=$OPTARG ;;
		i) opt_interval=$OPTARG ;;
		j) opt_json=1 ;;
		G) opt_depth=$OPTARG ;;
		T) opt_no_durations=1 ;;
		o) opt_output=$OPTARG ;;
		r) opt_raw=1 ;;
		s) opt_stack=1 ;;
		b) opt_buffer_kb=$OPTARG ;;
		n) opt_dry_run=1 ;;
		l) opt_list=1 ;;
		K) opt_kernel=$OPTARG ;;
		f) opt_force=1 ;;
		c) opt_clean=1 ;;
		q) opt_quiet=1 ;;
		h) usage; exit 0 ;;
		*) usage >&2; exit 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -eq 0 ] || { usage >&2; exit 2; }
	case $opt_duration in *[!0-9]*) die 2 "-d takes whole seconds, not '$opt_duration'" ;; esac
	case $opt_buffer_kb in *[!0-9]*) die 2 "-b takes kilobytes, not '$opt_buffer_kb'" ;; esac
	case $opt_interval in *[!0-9]*) die 2 "-i takes whole seconds, not '$opt_interval'" ;; esac
	[ "$opt_interval" != 0 ] || die 2 "-i takes a positive number of seconds"
	case $opt_depth in *[!0-9]*) die 2 "-G takes a number of levels, not '$opt_depth'" ;; esac
	[ "$opt_depth" != 0 ] || die 2 "-G takes a positive number of levels"
	[ "$opt_duration" != 0 ] || die 2 "-d takes a positive number of seconds"
	[ "$opt_buffer_kb" != 0 ] || die 2 "-b takes a positive number of kilobytes"
	[ -z "$opt_kernel" ] || [ -n "$opt_dry_run$opt_list" ] ||
		die 2 "-K is for -n and -l: a run arms the kernel it runs on"
}

# ---- processes ----

# process_start_time PID: start_time = field 22 of /proc/PID/stat (clock
# ticks since boot), read by the shell itself; fails if there is no PID.
process_start_time() {
	start_time=
	[ -r "/proc/$1/stat" ] || return 1
	read -r process_stat 2>/dev/null <"/proc/$1/stat" || return 1
	# The name in (...) may hold blanks: fields 3.. follow its last ')'.
	set -f
	# shellcheck disable=SC2086
	set -- ${process_stat##*) }
	set +f
	[ $# -ge 20 ] || return 1
	shift 19
	start_time=$1
}

# process_running PID: not ended (a zombie has ended).
process_running() {
	if [ ! -d /proc/self ]; then
		kill -0 "$1" 2>/dev/null
		return
	fi
	[ -r "/proc/$1/stat" ] || return 1
	read -r process_stat 2>/dev/null <"/proc/$1/stat" || return 1
	case ${process_stat##*) } in
	Z* | X*) return 1 ;;
	esac
	return 0
}

# nap: about a tenth of a second (whole seconds where sleep knows no
# fractions); napped counts tenths.
nap() {
	if sleep 0.1 2>/dev/null; then
		napped=$((napped + 1))
	else
		sleep 1
		napped=$((napped + 10))
	fi
}

# wait_gone PID TENTHS: until PID has ended, at most TENTHS.
wait_gone() {
	napped=0
	while process_running "$1"; do
		[ "$napped" -lt "$2" ] || return 1
		nap
	done
	return 0
}

# stop_process PID: PIPE (as if its output had closed: shells report no
# "Terminated" for it), then KILL if it is still there after a second.
# Bounded whatever the timing: a signal that reaches a child between fork
# and exec can be lost; a KILL cannot.
stop_process() {
	kill -PIPE "$1" 2>/dev/null
	wait_gone "$1" 10 && return 0
	kill -KILL "$1" 2>/dev/null
	wait_gone "$1" 20
}

# trace_pipe_readers NAME: readers = the processes that hold instance NAME's
# trace_pipe open (one ls over /proc/*/fd).
trace_pipe_readers() {
	# shellcheck disable=SC2012 # the link targets are what is read
	readers=$(ls -l /proc/[0-9]*/fd 2>/dev/null | awk -v pipe="/instances/$1/trace_pipe" '
		/^\/proc\/[0-9]+\/fd:$/ { split($0, part, "/"); pid = part[3]; next }
		substr($0, length($0) - length(pipe) + 1) == pipe && !seen[pid]++ { print pid }')
}

# run_identity: run_name = surfc_PID_PIDNS_START, which tells a later -c,
# from any pid namespace, whether this run may still be alive.
pid_namespace() {
	pid_ns=$(ls -l "/proc/$1/ns/pid" 2>/dev/null)
	pid_ns=${pid_ns##*pid:\[}
	pid_ns=${pid_ns%\]}
	case $pid_ns in '' | *[!0-9]*) pid_ns=0 ;; esac
}

run_identity() {
	pid_namespace $$
	process_start_time $$ || start_time=0
	run_name=surfc_$$_${pid_ns}_$start_time
	instance=$tracefs/instances/$run_name
}

# ---- preflight ----

find_tracefs() {
	for dir in /sys/kernel/tracing /sys/kernel/debug/tracing; do
		if [ -f "$dir/README" ]; then
			tracefs=$dir
			return 0
		fi
	done
	tracefs=/sys/kernel/tracing
	if [ -d "$tracefs" ] && mount -t tracefs nodev "$tracefs" 2>/dev/null &&
		[ -f "$tracefs/README" ]; then
		mounted_tracefs=1
		return 0
	fi
	die 3 "no tracefs: mount -t tracefs nodev /sys/kernel/tracing failed"
}

# ---- kernels ----

# all_probes: all_probe_ids = 1 2 ... probe_count.
all_probes() {
	all_probe_ids='' i=1
	while [ "$i" -le "$probe_count" ]; do
		all_probe_ids="$all_probe_ids $i"
		i=$((i + 1))
	done
}

# use_kernel K: kernel K's identity, and for each probe it arms
# (probe_ids) its fields on K, from the shared texts.
use_kernel() {
	kernel=$1
	eval "kernel_release=\$kernel_$1_release kernel_version=\$kernel_$1_version
		surfc_arch=\$kernel_$1_arch surfc_big_endian=\$kernel_$1_big_endian
		graph_way=\$kernel_$1_graph_way
		probe_ids=\$kernel_$1_probes"
	for field in rest filter function features synth return; do
		eval "set -- \$kernel_${kernel}_$field"
		for id in $probe_ids; do
			eval "probe_${id}_$field=\$text_$1"
			shift
		done
	done
}

# kernel_list: list = "RELEASE (ARCH), ..." of every kernel, for messages.
kernel_list() {
	list=
	for k in $kernel_ids; do
		eval "r=\$kernel_${k}_release a=\$kernel_${k}_arch"
		list="$list${list:+, }${r:-any kernel} ($a)"
	done
}

# family_of RELEASE: family = its major.minor and flavour ("6.1
# cloud-amd64" for 6.1.0-56-cloud-amd64 and for 6.1.0-57-cloud-amd64).
family_of() {
	rest=${1#*.}
	flavour=${1#*-}
	[ "$flavour" != "$1" ] || flavour=
	case $flavour in [0-9]*-*) flavour=${flavour#*-} ;; esac
	family="${1%%.*}.${rest%%[!0-9]*} $flavour"
}

# find_kernel: kernel = the kernel compiled for the one this runs on (its
# release, and its /proc/version where recorded), or one compiled for
# any kernel; else kernel_other says what this one is.
find_kernel() {
	kernel='' kernel_other=''
	this_release=$(uname -r)
	this_version=''
	for k in $kernel_ids; do
		eval "r=\$kernel_${k}_release v=\$kernel_${k}_version"
		[ -n "$r" ] || { kernel=$k; return 0; }
		[ "$r" = "$this_release" ] || continue
		[ -n "$this_version" ] || this_version=$(cat /proc/version 2>/dev/null)
		if [ -z "$v" ] || [ "$v" = "$this_version" ]; then
			same_build "$k" && { kernel=$k; return 0; }
			kernel_other="another build of $this_release (build-id $running_build_id)"
			continue
		fi
		kernel_other="another build of $this_release"
	done
	[ -n "$kernel_other" ] || kernel_other=$this_release
	return 1
}

# running_build_id BIG: this kernel's GNU build-id, read once from
# /sys/kernel/notes (its ELF notes, in its byte order: BIG 1 or 0).
running_build_id() {
	[ -z "$running_build_id_read" ] || return 0
	running_build_id_read=1
	running_build_id=$(od -A n -v -t x1 /sys/kernel/notes 2>/dev/null | awk -v big="$1" '
		function word(at) {
			return big ? b[at] b[at + 1] b[at + 2] b[at + 3] \
				   : b[at + 3] b[at + 2] b[at + 1] b[at]
		}
		function num(h,    v, i) {
			v = 0
			for (i = 1; i <= length(h); i++)
				v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
			return v
		}
		{ for (i = 1; i <= NF; i++) b[n++] = $i }
		END {
			for (at = 0; at + 12 <= n; at = desc + int((descsz + 3) / 4) * 4) {
				namesz = num(word(at))
				descsz = num(word(at + 4))
				name = at + 12
				desc = name + int((namesz + 3) / 4) * 4
				if (num(word(at + 8)) == 3 && namesz == 4 && b[name] b[name + 1] b[name + 2] == "474e55") {
					for (i = 0; i < descsz; i++)
						printf "%s", b[desc + i]
					exit
				}
			}
		}')
}

# same_build K: this kernel is kernel K's build: its build-id, where K
# has one and this kernel shows its own.
same_build() {
	eval "want=\$kernel_$1_build_id big=\$kernel_$1_big_endian"
	[ -n "$want" ] || return 0
	running_build_id "$big"
	[ -z "$running_build_id" ] || [ "$running_build_id" = "$want" ]
}

# force_kernel: with -f, the one kernel that can only be meant: the only
# one, else the only one for this machine's arch, else the only one of
# that arch and of this kernel's release family.
force_kernel() {
	kernel=''
	# shellcheck disable=SC2086
	set -- $kernel_ids
	[ $# != 1 ] || { kernel=$1; return 0; }
	machine=$(uname -m) candidates=''
	for k in $kernel_ids; do
		eval "machines=\$kernel_${k}_machines"
		case " $machines " in *" $machine "*) candidates="$candidates $k" ;; esac
	done
	# shellcheck disable=SC2086
	set -- $candidates
	[ $# != 1 ] || { kernel=$1; return 0; }
	family_of "$this_release"
	want=$family matched=''
	for k in $candidates; do
		eval "r=\$kernel_${k}_release"
		family_of "$r"
		[ "$family" != "$want" ] || matched="$matched $k"
	done
	# shellcheck disable=SC2086
	set -- $matched
	[ $# != 1 ] || kernel=$1
	[ -n "$kernel" ]
}

# choose_kernel: the kernel a run arms, else exit 4 with the script's
# kernels; -f takes the one that can only be meant.
choose_kernel() {
	if find_kernel; then
		use_kernel "$kernel"
		[ -n "$kernel_release" ] || say "warning: compiled without a kernel's identity (a bare BTF file without --kernel-release?): nothing checks that its offsets fit this kernel"
		return 0
	fi
	# shellcheck disable=SC2086
	set -- $kernel_ids
	if [ $# = 1 ]; then
		use_kernel "$1"
		[ -n "$opt_force" ] || die 4 "compiled for kernel $kernel_release, this is $kernel_other: offsets may differ (-f arms anyway)"
		say "warning: compiled for kernel $kernel_release, this is $kernel_other; arming anyway (-f)"
		return 0
	fi
	kernel_list
	[ -n "$opt_force" ] || die 4 "compiled for kernels $list; this is $kernel_other: offsets may differ (-f arms the one kernel of this arch and release family, if only one is)"
	force_kernel || die 4 "compiled for kernels $list; this is $kernel_other ($(uname -m)): -f finds no one kernel of this arch and release family among them"
	use_kernel "$kernel"
	say "warning: this is $kernel_other; arming the definitions of $kernel_release ($surfc_arch) anyway (-f)"
}

# pick_kernel: for -n and -l, the kernel -K names, else the one this
# runs on, else the only one; list_all when the script holds several and
# none is meant.
pick_kernel() {
	list_all=''
	if [ -n "$opt_kernel" ]; then
		for k in $kernel_ids; do
			eval "r=\$kernel_${k}_release"
			[ "$r" != "$opt_kernel" ] || { use_kernel "$k"; return 0; }
		done
		kernel_list
		die 2 "-K $opt_kernel: this script's kernels are $list"
	fi
	if find_kernel; then
		use_kernel "$kernel"
		return 0
	fi
	# shellcheck disable=SC2086
	set -- $kernel_ids
	if [ $# = 1 ]; then
		use_kernel "$1"
		return 0
	fi
	list_all=1
}

# say_left_out: the probes this kernel does not arm (--allow-partial).
say_left_out() {
	for id in $all_probe_ids; do
		case " $probe_ids " in
		*" $id "*) ;;
		*)
			# A wildcard's matches are counted by keep_traceable.
			eval "source=\$probe_${id}_source glob=\$probe_${id}_glob"
			[ -n "$glob" ] ||
				say "not on ${kernel_release:-this kernel}: $source (--allow-partial)"
			;;
		esac
	done
}

# check_functions: every function in wanted is probe-able: one pass over
# available_filter_functions ("name" or "name [module]") for all of them;
# the rest must be text in kallsyms and not in the kprobe blacklist.
check_functions() {
	[ -n "$wanted" ] || return 0
	missing=$wanted
	if [ -r "$tracefs/available_filter_functions" ]; then
		missing=$(awk -v want="$missing" '
			BEGIN { left = split(want, w, " "); for (i = 1; i <= left; i++) need[w[i]] = 1 }
			($1 in need) { delete need[$1]; if (--left == 0) exit }
			END { for (f in need) print f }' "$tracefs/available_filter_functions")
	fi
	[ -n "$missing" ] || return 0
	blacklist=/sys/kernel/debug/kprobes/blacklist
	[ -r "$blacklist" ] || blacklist=/dev/null
	if [ -r /proc/kallsyms ]; then
		missing=$(awk -v want="$missing" -v bl="$blacklist" '
			BEGIN { n = split(want, w, " "); for (i = 1; i <= n; i++) need[w[i]] = 1 }
			FILENAME == bl { if ($2 in need) black[$2] = 1; next }
			($3 in need) && ($2 == "t" || $2 == "T") { text[$3] = 1 }
			END { for (f in need) if (!(f in text) || (f in black)) print f }' \
			/proc/kallsyms "$blacklist")
	fi
	[ -n "$missing" ] || return 0
	# shellcheck disable=SC2086 # one name a word
	missing=" $(printf '%s ' $missing)"
	for id in $probe_ids; do
		load_probe "$id"
		case $missing in
		*" $function "*) die 3 "'$function' cannot be probed on this kernel (not in available_filter_functions, or blacklisted): $source" ;;
		esac
	done
}

# binary_identity BINARY ID: found = the same kind of identity, read from
# the binary as it is here.
binary_identity() {
	found=
	case $2 in
	build-id:*)
		place=${2#build-id:}
		offset=${place%%:*}
		place=${place#*:}
		length=${place%%:*}
		bytes=$(od -A n -t x1 -j "$offset" -N "$length" -- "$1" 2>/dev/null)
		hex=
		for byte in $bytes; do hex=$hex$byte; done
		found=build-id:$offset:$length:$hex
		;;
	cksum:*)
		# shellcheck disable=SC2046
		set -- $(cksum <"$1" 2>/dev/null)
		found=cksum:${1:-}:${2:-}
		;;
	esac
}

# check_binary: the uprobe's binary is the one compiled for, else exit 4
# naming the probe's line and both identities.
check_binary() {
	binary_identity "$binary" "$binary_id"
	[ "$found" != "$binary_id" ] || return 0
	eval "source=\$probe_${id}_source"
	case $binary_id in
	build-id:*) want="build-id ${binary_id##*:}" got="${found##*:}" ;;
	*) want="cksum ${binary_id#cksum:}" got="${found#cksum:}" ;;
	esac
	problem="$binary is not the binary compiled for ($want; this one: ${got:-unreadable}): $source"
	[ -n "$opt_force" ] || die 4 "$problem: offsets may differ (-f arms anyway)"
	say "warning: $problem; arming anyway (-f)"
}

# The kernel's README names what its probe parser knows: each feature a
# probe uses is a string that must appear there ("ustring", "symstr"...).
check_features() {
	# A name may hold blanks ("kernel return probes support: ...").
	IFS=';'
	set -f
	for feature in $features; do
		case $readme in
		*"$feature"*) ;;
		*)
			eval "source=\$probe_${id}_source"
			die 3 "this kernel's probes lack '$feature': $source"
			;;
		esac
	done
	set +f
	IFS=' 	
'
}

# keep_traceable: the matches of wildcard targets that this kernel cannot
# trace (a function not in available_filter_functions, an event not in
# events/) are left out of probe_ids; says how many of each it arms.
keep_traceable() {
	globs=' ' want=''
	for id in ${all_probe_ids:-$probe_ids}; do
		eval "glob=\$probe_${id}_glob"
		[ -n "$glob" ] || continue
		case $globs in *" $glob "*) ;; *) globs="$globs$glob " ;; esac
	done
	for id in $probe_ids; do
		eval "glob=\$probe_${id}_glob function=\$probe_${id}_function"
		[ -z "$glob" ] || [ -z "$function" ] || want="$want $id:$function"
	done
	[ "$globs" != ' ' ] || return 0
	absent=' '
	if [ -n "$want" ] && [ -r "$tracefs/available_filter_functions" ]; then
		absent=" $(awk -v want="$want" '
			BEGIN { n = split(want, w, " ")
				for (i = 1; i <= n; i++) { f = w[i]; sub(/^[0-9]+:/, "", f); need[f] = need[f] " " w[i] } }
			($1 in need) { delete need[$1] }
			END { for (f in need) { k = split(need[f], ids, " "); for (i = 1; i <= k; i++) { sub(/:.*/, "", ids[i]); printf "%s ", ids[i] } } }' \
			"$tracefs/available_filter_functions")"
	fi
	kept=''
	for id in $probe_ids; do
		eval "glob=\$probe_${id}_glob kind=\$probe_${id}_kind name=\$probe_${id}_name"
		if [ -n "$glob" ]; then
			case $absent in *" $id "*) continue ;; esac
			[ "$kind" != e ] || [ -d "$tracefs/events/$name" ] || continue
		fi
		kept="$kept $id"
	done
	set -f
	for glob in $globs; do
		armed=0 matches=0
		# Those this kernel's types lack count too.
		for id in ${all_probe_ids:-$probe_ids}; do
			eval "g=\$probe_${id}_glob"
			[ "$g" = "$glob" ] || continue
			matches=$((matches + 1))
			case " $kept " in *" $id "*) armed=$((armed + 1)) ;; esac
		done
		say "$glob: $armed of its $matches matches are traceable here"
	done
	set +f
	probe_ids=$kept
	[ -n "$probe_ids" ] || die 3 "nothing this kernel can trace"
}

# preflight: one pass over the probes (each binary read once). Kernel
# functions are not looked up here: available_filter_functions is tens of
# thousands of lines the kernel makes on every read, which cost more than
# arming itself. The kernel checks each function when its definition is
# written, and only a refused definition has them looked up
# (definition_refused), so the message and the status are the same. A
# dry run, which writes nothing, looks them all up here.
preflight() {
	keep_traceable
	readme=
	[ ! -r "$tracefs/README" ] || readme=$(cat "$tracefs/README")
	checked=' '
	wanted=
	for id in $probe_ids; do
		eval "kind=\$probe_${id}_kind name=\$probe_${id}_name
			function=\$probe_${id}_function binary=\$probe_${id}_binary
			binary_id=\$probe_${id}_binary_id features=\$probe_${id}_features"
		case $kind in
		k)
			[ -f "$tracefs/kprobe_events" ] || { load_probe "$id"; die 3 "this kernel has no kprobe events (CONFIG_KPROBE_EVENTS): $source"; }
			eval "aggregate=\$probe_${id}_aggregate"
			[ "$aggregate" != l ] || [ -f "$tracefs/synthetic_events" ] || { load_probe "$id"; die 3 "this kernel has no synthetic events (CONFIG_SYNTH_EVENTS), which latency probes need: $source"; }
			[ -z "$function" ] || wanted="$wanted $function"
			;;
		u)
			[ -f "$tracefs/uprobe_events" ] || { load_probe "$id"; die 3 "this kernel has no uprobe events (CONFIG_UPROBE_EVENTS): $source"; }
			case $checked in
			*" $binary "*) ;;
			*)
				[ -f "$binary" ] || { load_probe "$id"; die 3 "no such file '$binary': $source"; }
				checked="$checked$binary "
				[ -z "$binary_id" ] || check_binary
				;;
			esac
			;;
		d)
			[ -f "$tracefs/dynamic_events" ] || { load_probe "$id"; die 3 "this kernel has no dynamic_events (CONFIG_DYNAMIC_EVENTS): $source"; }
			[ -z "$function" ] || wanted="$wanted $function"
			;;
		e) [ -d "$tracefs/events/$name" ] || { load_probe "$id"; die 3 "no event $name on this kernel: $source"; } ;;
		esac
		[ -z "$readme" ] || [ -z "$features" ] || check_features
	done
	# A dry run writes nothing for the kernel to refuse: it looks them up.
	[ -z "$opt_dry_run" ] || check_functions
	check_traceable
}

# check_traceable: a graph probe's function must be one the function
# tracers can hook (available_filter_functions), for its graph to start
# with it; read once, for all of them.
check_traceable() {
	graphed=
	for id in $probe_ids; do
		eval "graph=\$probe_${id}_graph function=\$probe_${id}_function"
		[ -z "$graph" ] || graphed="$graphed $function"
	done
	[ -n "$graphed" ] && [ -r "$tracefs/available_filter_functions" ] || return 0
	missing=$(awk -v want="$graphed" '
		BEGIN { left = split(want, w, " "); for (i = 1; i <= left; i++) need[w[i]] = 1 }
		($1 in need) { delete need[$1]; if (--left == 0) exit }
		END { for (f in need) print f }' "$tracefs/available_filter_functions")
	[ -n "$missing" ] || return 0
	for id in $probe_ids; do
		load_probe "$id"
		[ -n "$graph" ] || continue
		for f in $missing; do
			[ "$f" != "$function" ] ||
				die 3 "'$function' cannot be traced by function_graph on this kernel (not in available_filter_functions): $source"
		done
	done
}

# ---- arm ----

# arm_failed STEP [FILE]: the probe's line, its definition, the step that
# failed, and the kernel's own words: a filter's error is in its filter
# FILE, with a caret; a definition's is in error_log. The EXIT trap then
# undoes the rest.
arm_failed() {
	load_probe "$id"
	printf 'surfc: arming failed: %s\n' "$source" >&2
	if [ "$kind" = e ]; then
		printf 'surfc:   event %s\n' "$name" >&2
	else
		printf 'surfc:   %s\n' "$definition" >&2
	fi
	printf 'surfc:   failed: %s\n' "$1" >&2
	# A filter's words, or a trigger's in the instance's own error_log.
	said=
	[ -z "${2:-}" ] || [ ! -r "$2" ] || said=$(cat "$2")
	if [ -n "$said" ]; then
		printf '%s\n' "$said" | sed 's/^/surfc:   /' >&2
	# Else only what the kernel logged since this run began arming.
	elif [ -r "$tracefs/error_log" ]; then
		lines=$(wc -l <"$tracefs/error_log")
		[ "$lines" -le "$errlog_base" ] ||
			tail -n $((lines - errlog_base)) "$tracefs/error_log" | sed 's/^/surfc:   /' >&2
	fi
	exit 1
}

define_probes() {
	for id in $probe_ids; do
		place_probe "$id"
		[ "$kind" != e ] || continue
		tracefs_write append "$events_file" "$definition" || definition_refused
		defined_ids="$defined_ids $id"
		eval "aggregate=\$probe_${id}_aggregate graph=\$probe_${id}_graph"
		[ "$aggregate" != l ] || define_latency
		[ -z "$graph" ] || define_graph
	done
}

# define_graph: graph probe id's gate, after the probe itself (the kernel
# runs one address's handlers latest first: the gate opens before the
# probe's own event is recorded, the graph's first line), and its return.
define_graph() {
	eval "gate_name=\$probe_${id}_gate_name"
	definition="p:$run_name/$gate_name $rest"
	tracefs_write append "$events_file" "$definition" || definition_refused
	graph_ids="$graph_ids $id"
	define_return
}

# graph_setup: where graph probes record, and its tracer set. The
# instance, where its tracers include function_graph (6.11 on); else the
# top level, only if it is idle (its tracer nop, no event enabled there),
# its settings saved to be restored and its buffer emptied; else exit 3,
# nothing changed.
graph_setup() {
	[ -n "$graph_settings" ] || return 0
	if [ -n "$opt_dry_run" ]; then
		graph_dir=$instance
		graph_where
		say "note: the call graphs: $where"
	elif grep -qw function_graph "$instance/available_tracers" 2>/dev/null; then
		graph_dir=$instance
	else
		top_idle
		graph_dir=$tracefs graph_top=1
	fi
	settings=$graph_settings
	[ -z "$opt_no_durations" ] || settings="$settings options/funcgraph-duration=0"
	[ -z "$opt_depth" ] || [ ! -f "$graph_dir/max_graph_depth" ] ||
		settings="$settings max_graph_depth=$opt_depth"
	for setting in $settings; do
		path=${setting%%=*}
		if [ -n "$graph_top" ]; then
			read -r old <"$graph_dir/$path" || die 3 "cannot read $path at the top level"
			graph_saved="$path=$old $graph_saved"
		fi
		tracefs_write write "$graph_dir/$path" "${setting#*=}" ||
			die 3 "cannot set $path to ${setting#*=} for the call graphs"
	done
	[ -z "$graph_top" ] || tracefs_write write "$graph_dir/trace" ""
}

# top_idle: the top level may take the graph: the kernel has
# function_graph, and no one uses the top level's tracer or events.
top_idle() {
	reason="this kernel's instances have no function_graph"
	grep -qw function_graph "$tracefs/available_tracers" ||
		die 3 "$reason, and neither has its top level (CONFIG_FUNCTION_GRAPH_TRACER)"
	read -r tracer <"$tracefs/current_tracer"
	[ "$tracer" = nop ] ||
		die 3 "$reason, and the top level is busy: its current_tracer is $tracer, not nop (another tool's?); the call graphs need it idle"
	enabled=$(head -n 1 "$tracefs/set_event")
	[ -z "$enabled" ] ||
		die 3 "$reason, and the top level is busy: events are enabled there ($enabled...); the call graphs need it idle"
}

# graph_restore: the top level's settings as they were, the latest first.
graph_restore() {
	for setting in $graph_saved; do
		tracefs_write write "$tracefs/${setting%%=*}" "${setting#*=}" ||
			printf 'surfc: cannot set %s back to %s\n' "${setting%%=*}" "${setting#*=}" >&2
	done
	graph_saved=
}

# conversions_of ID...: awk_conversions, what convert.awk converts in the
# events of those probes (none with -r).
conversions_of() {
	awk_conversions=
	[ -z "$opt_raw" ] || return 0
	for id in "$@"; do
		eval "conversions=\$probe_${id}_conversions name=\$probe_${id}_name"
		[ -z "$conversions" ] || awk_conversions="$awk_conversions${name##*/}:$conversions;"
	done
}

# print_graphs: the call graphs, from the buffer where the gates left them
# (read when the run ends: a read of trace_pipe ends when tracing stops,
# as it does after each graph), through the display conversions.
print_graphs() {
	[ -n "$graph_ids" ] && [ -z "$opt_dry_run" ] || return 0
	probes=
	for id in $graph_ids; do
		eval "name=\$probe_${id}_name function=\$probe_${id}_function"
		probes="$probes$name $function;"
	done
	# shellcheck disable=SC2086 # one id a word
	conversions_of $graph_ids
	out=${opt_output:-}
	if [ -n "$out" ]; then
		graphs >>"$out"
	else
		graphs
	fi
}

graphs() {
	awk -v probes="$probes" -v depth="${opt_depth:-0}" "$graph_awk" \
		<"$graph_dir/trace" | awk -v convs="$awk_conversions" \
		-v big="$surfc_big_endian" -v flush=0 "$convert_awk"
}

# define_return: probe id's return probe (l, g): its name and target are
# in its data.
define_return() {
	eval "return_name=\$probe_${id}_return_name return_rest=\$probe_${id}_return"
	definition="r:$run_name/$return_name $return_rest"
	tracefs_write append "$events_file" "$definition" || definition_refused
	return_ids="$return_ids $id"
}

# define_latency: latency probe id's return probe and synthetic event.
define_latency() {
	define_return
	eval "synth_fields=\$probe_${id}_synth"
	synth_definition="${run_name}_$id $synth_fields"
	tracefs_write append "$tracefs/synthetic_events" "$synth_definition" ||
		arm_failed "the synthetic event $synth_definition"
	synth_ids="$synth_ids $id"
}

# fill_run_names TEXT: filled = TEXT with @GROUP@ as this run's group and
# @SYNTH@ as the synthetic event's name (synth).
fill_run_names() {
	filled='' rest=$1
	while :; do
		case $rest in
		*@*) ;;
		*) filled=$filled$rest; return 0 ;;
		esac
		filled=$filled${rest%%@*}
		rest=@${rest#*@}
		case $rest in
		@GROUP@*) filled=$filled$run_name rest=${rest#@GROUP@} ;;
		@SYNTH@*) filled=$filled$synth rest=${rest#@SYNTH@} ;;
		*) filled=$filled@ rest=${rest#@} ;;
		esac
	done
}

# trigger_place ID: where a probe's triggers go: probe_dir's, and
# aggregate, hist, and hist_dir, the event its histogram is on; for a
# latency probe also synth, return_dir, entry_trigger and return_trigger,
# with this run's names; for a graph probe gate_dir, return_dir,
# gate_trigger and return_trigger.
trigger_place() {
	probe_dir "$1"
	eval "aggregate=\$probe_$1_aggregate hist=\$probe_$1_hist"
	hist_dir=$event_dir
	if [ -n "$graph" ]; then
		eval "gate_name=\$probe_$1_gate_name return_name=\$probe_$1_return_name
			gate_trigger=\$probe_$1_gate_trigger
			return_trigger=\$probe_$1_return_trigger"
		gate_dir=${event_dir%/*}/$gate_name
		return_dir=${event_dir%/*}/$return_name
		return 0
	fi
	[ "$aggregate" = l ] || return 0
	synth=${run_name}_$1
	hist_dir=$instance/events/synthetic/$synth
	eval "return_name=\$probe_$1_return_name
		entry_trigger=\$probe_$1_entry_trigger
		return_trigger=\$probe_$1_return_trigger"
	return_dir=$instance/events/$run_name/$return_name
	fill_run_names "$return_trigger"
	return_trigger=$filled
}

# self_filter: self = the filter that leaves this run's own processes out,
# where the kernel cannot (no set_event_notrace_pid).
self_filter() {
	self="common_pid!=$shell_pid${reader_pid:+&&common_pid!=$reader_pid}"
	self="$self${converter_pid:+&&common_pid!=$converter_pid}"
}

# trigger_condition ID: cond = " if FILTER" for the probe's trigger (an
# event's own filter never reaches its triggers), or empty.
trigger_condition() {
	eval "filter=\$probe_$1_filter"
	if [ -z "$notrace" ]; then
		self_filter
		filter=${filter:+($filter)&&}$self
	fi
	cond=${filter:+ if $filter}
}

# arm_triggers: every aggregating probe's triggers. A latency probe's
# histogram goes first, then what feeds it: the entry's variables, then
# the return's match, which needs both. Each is counted in triggers_ID,
# with its condition in cond_ID, for cleanup to remove exactly them.
arm_triggers() {
	for id in $probe_ids; do
		eval "aggregate=\$probe_${id}_aggregate graph=\$probe_${id}_graph"
		[ -n "$aggregate$graph" ] || continue
		trigger_place "$id"
		trigger_condition "$id"
		eval "cond_$id=\$cond triggers_$id=0"
		triggered_ids="$id $triggered_ids"
		if [ -n "$graph" ]; then
			add_trigger "$gate_dir" "$gate_trigger$cond"
			add_trigger "$return_dir" "$return_trigger"
		elif [ "$aggregate" = l ]; then
			add_trigger "$hist_dir" "$hist"
			add_trigger "$event_dir" "$entry_trigger$cond"
			add_trigger "$return_dir" "$return_trigger"
		else
			add_trigger "$hist_dir" "$hist$cond"
		fi
	done
}

add_trigger() {
	tracefs_write append "$1/trigger" "$2" ||
		arm_failed "the trigger $2" "$instance/error_log"
	eval "triggers_$id=\$((triggers_$id + 1))"
}

# remove_triggers: what arm_triggers wrote, the latest first.
remove_triggers() {
	for id in $triggered_ids; do
		trigger_place "$id"
		eval "written=\$triggers_$id cond=\$cond_$id"
		if [ -n "$graph" ]; then
			[ "$written" -lt 2 ] || remove_trigger "$return_dir" "$return_trigger"
			[ "$written" -lt 1 ] || remove_trigger "$gate_dir" "$gate_trigger$cond"
		elif [ "$aggregate" = l ]; then
			[ "$written" -lt 3 ] || remove_trigger "$return_dir" "$return_trigger"
			[ "$written" -lt 2 ] || remove_trigger "$event_dir" "$entry_trigger$cond"
			[ "$written" -lt 1 ] || remove_trigger "$hist_dir" "$hist"
		else
			[ "$written" -lt 1 ] || remove_trigger "$hist_dir" "$hist$cond"
		fi
	done
}

remove_trigger() {
	tracefs_write append "$1/trigger" "!$2" ||
		printf 'surfc: cannot remove the trigger %s of %s\n' "$2" "${1#"$instance"/events/}" >&2
}

# print_hists [HEADER]: every histogram of the run, in the probes' order,
# to the output; HEADER first, as a comment, in text.
print_hists() {
	[ -n "$triggered_ids" ] && [ -z "$opt_dry_run" ] || return 0
	if [ -n "$opt_output" ]; then
		put_hists "${1:-}" >>"$opt_output"
	else
		put_hists "${1:-}"
	fi
}

put_hists() {
	[ -z "$1" ] || [ -n "$opt_json" ] || printf '# %s\n' "$1"
	for id in $probe_ids; do
		eval "aggregate=\$probe_${id}_aggregate"
		[ -n "$aggregate" ] || continue
		trigger_place "$id"
		unit=
		[ "$aggregate" != l ] || unit=us
		keys=${hist#hist:keys=}
		awk -v title="$name" -v keys="${keys%%:*}" -v unit="$unit" \
			-v json="$opt_json" "$hist_awk" <"$hist_dir/hist" ||
			printf 'surfc: cannot read the histogram of %s\n' "$name" >&2
	done
}

# definition_refused: a kernel function that cannot be probed here is
# said so (exit 3, the environment); anything else shows the kernel's
# own words (exit 1).
definition_refused() {
	if [ "$kind" = k ] || [ "$kind" = d ]; then
		eval "wanted=\$probe_${id}_function"
		check_functions
	fi
	arm_failed "the definition"
}

# start_reader: the reader is always cat, which drains trace_pipe as fast
# as the kernel fills it. Display conversions run in awk: after the run,
# over -o FILE in place, when FILE is a regular file; else live, behind
# cat on a pipe.
start_reader() {
	# shellcheck disable=SC2086 # one id a word
	conversions_of $probe_ids
	convert_live=
	if [ -n "$awk_conversions" ]; then
		if [ -n "$opt_output" ] && { [ ! -e "$opt_output" ] ||
			{ [ -f "$opt_output" ] && [ ! -h "$opt_output" ]; }; }; then
			convert_after=1
		else
			convert_live=1
		fi
	fi
	if [ -n "$opt_dry_run" ]; then
		reader_pid=READER_PID
		[ -z "$convert_live" ] || converter_pid=CONVERTER_PID
		return 0
	fi
	pipe=$instance/trace_pipe
	if [ -z "$convert_live" ]; then
		if [ -n "$opt_output" ]; then
			cat "$pipe" >"$opt_output" &
		else
			cat "$pipe" &
		fi
		reader_pid=$!
		return 0
	fi
	# mawk reads a pipe in blocks unless told it is interactive: it would
	# hold events back, and lose them at the end.
	case $(awk -W version 2>/dev/null </dev/null) in
	mawk*) awk_interactive=1 ;;
	*) awk_interactive= ;;
	esac
	# shellcheck disable=SC2002 # cat is the reader, whatever awk costs
	if [ -n "$opt_output" ]; then
		cat "$pipe" | run_converter >"$opt_output" &
	else
		cat "$pipe" | run_converter &
	fi
	converter_pid=$!
	# cat's pid is needed only where the kernel cannot keep the script's
	# processes out by itself; cleanup finds it the same way.
	[ -n "$notrace" ] || find_live_reader 20
}

# run_converter: awk, converting the stream on its stdin, a line at a time.
run_converter() {
	if [ -n "$awk_interactive" ]; then
		exec awk -W interactive -v convs="$awk_conversions" \
			-v big="$surfc_big_endian" -v flush=1 "$convert_awk"
	fi
	exec awk -v convs="$awk_conversions" -v big="$surfc_big_endian" \
		-v flush=1 "$convert_awk"
}

# find_live_reader TENTHS: reader_pid = the cat in front of the converter.
find_live_reader() {
	napped=0
	while :; do
		trace_pipe_readers "$run_name"
		reader_pid=${readers%%[!0-9]*}
		[ -z "$reader_pid" ] || return 0
		[ "$napped" -lt "$1" ] || return 1
		nap
	done
}

set_filters() {
	for id in $probe_ids; do
		eval "filter=\$probe_${id}_filter aggregate=\$probe_${id}_aggregate"
		[ -z "$aggregate" ] || continue # its trigger has the filter
		[ -n "$filter" ] || [ -z "$notrace" ] || continue
		probe_dir "$id"
		if [ -z "$notrace" ]; then
			# The kernel has no set_event_notrace_pid: the script's
			# shell and readers are filtered out by their pids.
			self_filter
			filter=${filter:+($filter)&&}$self
		fi
		[ -n "$filter" ] || continue
		tracefs_write write "$event_dir/filter" "$filter" ||
			arm_failed "the filter $filter" "$event_dir/filter"
	done
}

# enable_probes: the run's own group in one write (the kernel enables all
# its events at once), then each existing event. When the group's write
# is refused, each event is enabled alone, so that the one the kernel
# refuses is named; cleanup disables the whole group either way.
# An aggregating probe is never enabled: its triggers turn it on for
# themselves, and nothing of it reaches the stream. Where the group holds
# one, its streaming probes are enabled one by one.
enable_probes() {
	one_by_one='' group_streams='' whole_group=1
	for id in $probe_ids; do
		eval "kind=\$probe_${id}_kind aggregate=\$probe_${id}_aggregate
			graph=\$probe_${id}_graph"
		if [ -n "$graph" ]; then
			# Its gate and return are not enabled: their triggers are.
			one_by_one="$one_by_one $id"
			whole_group=
		elif [ -n "$aggregate" ]; then
			[ "$kind" = e ] || whole_group=
		elif [ "$kind" = e ]; then
			one_by_one="$one_by_one $id"
		else
			group_streams="$group_streams $id"
		fi
	done
	if [ -z "$whole_group" ]; then
		one_by_one="$group_streams$one_by_one"
	elif [ -n "$group_streams" ]; then
		group_enabled=1
		tracefs_write write "$instance/events/$run_name/enable" 1 ||
			one_by_one="$group_streams$one_by_one"
	fi
	for id in $one_by_one; do
		probe_dir "$id"
		tracefs_write write "$event_dir/enable" 1 || arm_failed "enabling it"
		enabled_ids="$enabled_ids $id"
	done
}

# -s: the kernel's stack for kernel events; for uprobes the program's
# own, where the kernel records user stacks (its frames there would be
# its uprobe dispatch, nothing of the program). The options are the
# instance's, for all its events: a script with both kinds gets both.
stack_options() {
	user_probes='' kernel_probes=''
	for id in $probe_ids; do
		eval "kind=\$probe_${id}_kind"
		if [ "$kind" = u ]; then user_probes=1; else kernel_probes=1; fi
	done
	[ -z "$kernel_probes" ] || tracefs_write write "$instance/options/stacktrace" 1 ||
		die 3 "cannot enable stack traces"
	[ -n "$user_probes" ] || return 0
	if [ -f "$tracefs/options/userstacktrace" ] ||
		{ [ -n "$opt_dry_run" ] && [ -z "$dry_tracefs" ]; }; then
		tracefs_write write "$instance/options/userstacktrace" 1 ||
			die 3 "cannot enable user stack traces"
		# Addresses as FILE[+OFFSET], while the process lives.
		tracefs_write write "$instance/options/sym-userobj" 1 || :
	else
		say "this kernel records no user stacks (no options/userstacktrace): uprobe events come without a stack"
	fi
}

arm() {
	errlog_base=0
	[ -n "$opt_dry_run" ] || [ ! -r "$tracefs/error_log" ] || errlog_base=$(wc -l <"$tracefs/error_log")
	tracefs_write mkdir "$instance" || die 3 "cannot create the instance $instance"
	made_instance=1
	# Before anything is forked: the script's shell, and with event-fork
	# every process it starts, stay out of the instance's events. Not
	# with a graph probe: with set_event_notrace_pid written, its gate
	# never opened (6.12); its processes are filtered out by their pids.
	notrace=
	if [ -z "$graph_settings" ] && { [ -f "$tracefs/set_event_notrace_pid" ] ||
		{ [ -n "$opt_dry_run" ] && [ -z "$dry_tracefs" ]; }; }; then
		tracefs_write write "$instance/options/event-fork" 1 &&
			tracefs_write write "$instance/set_event_notrace_pid" "$shell_pid" &&
			notrace=1
	fi
	[ -z "$opt_buffer_kb" ] || tracefs_write write "$instance/buffer_size_kb" "$opt_buffer_kb" || die 3 "cannot set the buffer size"
	[ -z "$opt_stack" ] || stack_options
	define_probes
	graph_setup
	# Graphs are read when the run ends (print_graphs).
	streaming=
	for id in $probe_ids; do
		eval "aggregate=\$probe_${id}_aggregate graph=\$probe_${id}_graph"
		[ -n "$aggregate$graph" ] || streaming=1
	done
	[ -z "$streaming" ] || start_reader
	set_filters
	arm_triggers
	enable_probes
	armed=1
}

# ---- stream ----

# stream: until the time is up, or the reader ends (its output closed, or
# a write failed); a signal ends it through its trap.
# Where only probes that aggregate run, there is no reader: the time, or
# a signal, ends it. -i prints the histograms on the way.
stream() {
	last_pid=${converter_pid:-$reader_pid}
	if [ -z "$opt_duration$opt_interval" ] && [ -n "$last_pid" ]; then
		wait "$last_pid"
		reader_status=$?
		return 0
	fi
	elapsed=0
	while [ -z "$opt_duration" ] || [ "$elapsed" -lt "$opt_duration" ]; do
		[ -z "$last_pid" ] || process_running "$last_pid" || return 0
		sleep 1
		elapsed=$((elapsed + 1))
		[ -z "$opt_interval" ] || [ $((elapsed % opt_interval)) != 0 ] ||
			[ "$elapsed" = "$opt_duration" ] || print_hists "after $elapsed s"
	done
}

# ---- end ----

# ring_buffer_stats: buffered (events not yet read) and overruns (lost),
# over every CPU of the instance.
ring_buffer_stats() {
	buffered=0 overruns=0
	for stats in "$instance"/per_cpu/cpu*/stats; do
		[ -r "$stats" ] || continue
		while read -r key count rest; do
			case $key in
			entries:) buffered=$((buffered + count)) ;;
			overrun:) overruns=$((overruns + count)) ;;
			esac
		done <"$stats"
	done
}

# stop_reader: after the events are disabled, cat reads what is left in
# the buffer (a second at most), then stops; a converter then drains its
# pipe to the end and exits by itself. A reader that ended by itself
# tells how: a status from 1 to 128 is a write (or read) error; SIGPIPE
# (a closed output) is a normal end.
stop_reader() {
	last_pid=${converter_pid:-$reader_pid}
	if [ -z "$reader_status" ] && [ -n "$last_pid" ] && ! process_running "$last_pid"; then
		wait "$last_pid"
		reader_status=$?
	fi
	if [ -z "$reader_status" ]; then
		napped=0
		while [ "$napped" -lt 10 ]; do
			ring_buffer_stats
			[ "$buffered" != 0 ] || break
			nap
		done
		[ -n "$reader_pid" ] || find_live_reader 10
		[ -z "$reader_pid" ] || stop_process "$reader_pid"
		if [ -n "$converter_pid" ]; then
			wait_gone "$converter_pid" 50 || stop_process "$converter_pid"
			# yash's wait waits for the whole pipeline: cat must be gone.
			[ -n "$reader_pid" ] || find_live_reader 0
			[ -z "$reader_pid" ] || stop_process "$reader_pid"
			wait "$converter_pid"
			reader_status=$?
		else
			wait "$reader_pid" 2>/dev/null
		fi
	elif [ -n "$converter_pid" ]; then
		# The converter ended first: stop the cat in front of it.
		[ -n "$reader_pid" ] || find_live_reader 10
		[ -z "$reader_pid" ] || stop_process "$reader_pid"
	fi
	if [ "${reader_status:-0}" -gt 0 ] && [ "$reader_status" -le 128 ]; then
		exit_status=5
		printf 'surfc: writing the output failed%s\n' "${opt_output:+ ($opt_output)}" >&2
	fi
}

# convert_output: the display conversions over -o FILE, in place and with
# no other file: the old inode stays open for reading after its name is
# removed, and the converted stream gets the name.
# shellcheck disable=SC2094 # that is the point
convert_output() {
	if ! { rm -f -- "$opt_output" && awk -v convs="$awk_conversions" \
		-v big="$surfc_big_endian" -v flush=0 "$convert_awk" >"$opt_output"; } <"$opt_output"; then
		exit_status=5
		printf 'surfc: converting %s failed\n' "$opt_output" >&2
	fi
}

# shellcheck disable=SC2317 # called from traps
cleanup() {
	[ -z "$cleaned" ] || return 0
	cleaned=1
	trap '' INT TERM HUP PIPE
	[ -z "$group_enabled" ] ||
		tracefs_write write "$instance/events/$run_name/enable" 0
	for id in $enabled_ids; do
		probe_dir "$id"
		[ "$kind" = e ] || [ -z "$group_enabled" ] ||
			continue # disabled with its group
		tracefs_write write "$event_dir/enable" 0
	done
	[ -n "$opt_dry_run" ] || [ -z "$reader_pid$converter_pid" ] || stop_reader
	if [ -n "$made_instance" ] && [ -z "$opt_dry_run" ]; then
		ring_buffer_stats
		[ "$overruns" = 0 ] || say "$overruns events were lost to buffer overruns (try -b)"
	fi
	[ -z "$armed" ] || print_hists
	[ -z "$armed" ] || print_graphs
	remove_triggers
	graph_restore
	# A synthetic event goes before the kprobes its triggers joined.
	for id in $synth_ids; do
		tracefs_write append "$tracefs/synthetic_events" "!${run_name}_$id" ||
			printf 'surfc: cannot remove the synthetic event %s\n' "${run_name}_$id" >&2
	done
	for id in $defined_ids; do
		probe_dir "$id"
		tracefs_write append "$events_file" "-:$run_name/$name"
	done
	for id in $return_ids; do
		probe_dir "$id"
		eval "return_name=\$probe_${id}_return_name"
		tracefs_write append "$events_file" "-:$run_name/$return_name"
	done
	for id in $graph_ids; do
		probe_dir "$id"
		eval "gate_name=\$probe_${id}_gate_name"
		tracefs_write append "$events_file" "-:$run_name/$gate_name"
	done
	if [ -n "$made_instance" ] && ! tracefs_write rmdir "$instance"; then
		printf 'surfc: cannot remove %s (sh %s -c removes it)\n' "$instance" "$script_name" >&2
	fi
	[ -z "$mounted_tracefs" ] || umount "$tracefs" 2>/dev/null
	[ -z "$convert_after" ] || [ -n "$opt_dry_run" ] || [ ! -f "$opt_output" ] || convert_output
	return 0
}

# ---- -c: what runs killed with -9 left ----

# run_state NAME: alive, dead, foreign (another pid namespace) or unknown
# (a name without the run's identity); run_pid.
run_state() {
	run_pid=
	case $1 in
	surfc_*_*_*) ;;
	*) state=unknown; return ;;
	esac
	rest=${1#surfc_}
	run_pid=${rest%%_*}
	rest=${rest#*_}
	ns=${rest%%_*}
	started=${rest#*_}
	case $run_pid$ns$started in '' | *[!0-9]*) state=unknown; return ;; esac
	if [ "$ns" != "$pid_ns" ]; then
		state=foreign
	elif process_start_time "$run_pid" && [ "$start_time" = "$started" ] &&
		process_running "$run_pid"; then
		state=alive
	else
		state=dead
	fi
}

# leave_run NAME: says why a run that is not known to be dead stays.
leave_run() {
	case $state in
	foreign) say "left $1: run $run_pid of another pid namespace (clean it up from there)" ;;
	unknown) say "left $1: no identity in its name, it may be alive" ;;
	esac
}

# remove_dead_triggers GLOB: the triggers a dead run left on the trigger
# files GLOB matches (its instance's, which keep it from being removed, or
# those of its events at the top level). A trigger is removed
# by its text as the kernel shows it, with '!' before and without its
# state; one whose variables another uses goes in a later pass.
# shellcheck disable=SC2094 # the kernel's list, read while it shrinks
remove_dead_triggers() {
	pass=0
	while [ "$pass" -lt 4 ]; do
		pass=$((pass + 1))
		left=
		# shellcheck disable=SC2086 # a glob (tracefs paths, no blanks)
		for file in $1; do
			[ -r "$file" ] || continue
			while IFS= read -r line; do
				case $line in
				'#'* | '') continue ;;
				esac
				left=1
				tracefs_write append "$file" "!${line% \[*\]}"
			done <"$file"
		done
		[ -n "$left" ] || return 0
	done
}

# remove_dead RUN NAME FILE LINE WHAT: WHAT (NAME) of run RUN, removed by
# writing LINE to FILE when the run is dead; status 1 if it cannot be.
remove_dead() {
	run_state "$1"
	[ "$state" = dead ] || { leave_run "$2"; return 0; }
	if tracefs_write append "$3" "$4"; then
		say "removed $5 of dead run $run_pid"
	else
		say "cannot remove $5"
		status=1
	fi
}

clean_dead_runs() {
	pid_namespace $$
	status=0
	for dir in "$tracefs"/instances/surfc_*; do
		[ -d "$dir" ] || continue
		name=${dir##*/}
		run_state "$name"
		[ "$state" = dead ] || { leave_run "$name"; continue; }
		# Its reader outlived it, holding the trace open.
		trace_pipe_readers "$name"
		for pid in $readers; do
			stop_process "$pid" && say "stopped the reader $pid of dead run $run_pid"
		done
		tracefs_write write "$dir/events/enable" 0
		remove_dead_triggers "$dir/events/*/*/trigger"
		if tracefs_write rmdir "$dir"; then
			say "removed the instance of dead run $run_pid"
		else
			say "cannot remove $dir"
			status=1
		fi
	done
	# A dead run's graph probes at the top level: disabled, their
	# triggers removed. The tracer settings it changed there cannot be
	# told from another tool's: they are said, not undone.
	for dir in "$tracefs"/events/surfc_*; do
		[ -d "$dir" ] || continue
		run_state "${dir##*/}"
		[ "$state" = dead ] || continue
		tracefs_write write "$dir/enable" 0
		remove_dead_triggers "$dir/*/trigger"
		read -r tracer <"$tracefs/current_tracer"
		[ "$tracer" = nop ] ||
			say "the top level's current_tracer is $tracer, as dead run $run_pid's call graphs may have left it: set it back to nop (and tracing_on to 1) if nothing else uses it"
	done
	# A dead latency probe's synthetic event (removing the instance took
	# its triggers), before the kprobes.
	if [ -f "$tracefs/synthetic_events" ]; then
		events=$(sed -n 's/^\(surfc_[0-9]*_[0-9]*_[0-9]*_[0-9]*\)[^0-9_].*/\1/p' "$tracefs/synthetic_events")
		for event in $events; do
			remove_dead "${event%_*}" "$event" "$tracefs/synthetic_events" \
				"!$event" "the synthetic event $event"
		done
	fi
	for file in kprobe_events uprobe_events dynamic_events; do
		[ -f "$tracefs/$file" ] || continue
		# Read the names first: removing them changes the file.
		# A return probe shows its maxactive: r10:GROUP/NAME.
		# dynamic_events lists the kprobes too: only its own kinds
		# (fprobes, tracepoint probes, event probes) are taken there.
		case $file in
		dynamic_events) kinds='fte' ;;
		*) kinds='pr' ;;
		esac
		events=$(sed -n "s/^[$kinds][0-9]*:\\(surfc_[0-9_]*\\/[A-Za-z0-9_.]*\\) .*/\\1/p" "$tracefs/$file")
		for event in $events; do
			remove_dead "${event%%/*}" "$event" "$tracefs/$file" "-:$event" "$event"
		done
	done
	return "$status"
}

# list_graph: a graph probe's gate and return, the filter and triggers,
# and where it records.
list_graph() {
	instance=
	trigger_place "$id"
	eval "return_rest=\$probe_${id}_return"
	printf '  p:%s/%s %s\n  r:%s/%s %s\n' "$run_name" "$gate_name" "$rest" \
		"$run_name" "$return_name" "$return_rest"
	[ -z "$filter" ] || printf '  filter %s\n' "$filter"
	printf '  trigger %s %s\n' "$gate_name" "$gate_trigger${filter:+ if $filter}" \
		"$return_name" "$return_trigger"
	graph_where
	printf '  graph %s: %s\n' "$graph_settings" "$where"
}

# graph_where: where, for -l and -n: where the model of releases expects
# this kernel's graphs (a run checks the instance's tracers).
graph_where() {
	case $graph_way in
	instance) where="in the instance (kernel ${kernel_release:-?}: instances have function_graph from 6.11)" ;;
	top) where="at the top level if it is idle when the run starts, else exit 3 (kernel ${kernel_release:-?}: instances have no function_graph before 6.11)" ;;
	*) where="in the instance where its tracers include function_graph (6.11 on), else at the top level when it is idle" ;;
	esac
}

list_probes() {
	pick_kernel
	if [ -z "$list_all" ]; then
		list_kernel_probes
		return
	fi
	for k in $kernel_ids; do
		use_kernel "$k"
		printf 'kernel %s (%s):\n' "${kernel_release:-any}" "$surfc_arch"
		list_kernel_probes
	done
}

list_kernel_probes() {
	run_name=surfc_PID
	for id in $probe_ids; do
		load_probe "$id"
		printf '%s\n' "$source"
		if [ "$kind" = e ]; then
			printf '  event %s\n' "$name"
		else
			printf '  %s\n' "$definition"
		fi
		eval "aggregate=\$probe_${id}_aggregate"
		if [ -n "$graph" ]; then
			list_graph
			continue
		fi
		if [ -z "$aggregate" ]; then
			[ -z "$filter" ] || printf '  filter %s\n' "$filter"
			continue
		fi
		instance=
		trigger_place "$id"
		cond=${filter:+ if $filter}
		if [ "$aggregate" = l ]; then
			eval "rest=\$probe_${id}_return synth_fields=\$probe_${id}_synth"
			printf '  r:%s/%s %s\n  synthetic %s %s\n' "$run_name" \
				"$return_name" "$rest" "$synth" "$synth_fields"
			printf '  trigger %s %s\n' "${hist_dir#/events/}" "$hist" \
				"$name" "$entry_trigger$cond" "$return_name" "$return_trigger"
		else
			printf '  trigger %s%s\n' "$hist" "$cond"
		fi
	done
}

# dry_run: the writes a run would make, on any machine, as any user, with
# no tracefs. SURFC_TRACEFS=DIR (the tests' fake tracefs) also runs the
# checks against DIR; only a dry run reads it, and it writes nothing.
dry_run() {
	tracefs=/sys/kernel/tracing
	dry_tracefs=${SURFC_TRACEFS:-}
	pick_kernel
	if [ -n "$list_all" ]; then
		kernel_list
		die 2 "this script holds kernels $list: -n -K RELEASE shows one"
	fi
	if [ -n "$dry_tracefs" ]; then
		tracefs=$dry_tracefs
		preflight
	fi
	if [ -z "$kernel_release" ]; then
		say "note: compiled without a kernel's identity: it would arm on any kernel"
	elif [ -z "$opt_kernel" ] && ! find_kernel; then
		say "note: compiled for kernel $kernel_release, this is $kernel_other"
	fi
	run_name=surfc_PID
	shell_pid=SHELL_PID
	instance=$tracefs/instances/$run_name
	arm
	cleanup
}

main() {
	parse_options "$@"
	if [ -n "$opt_list" ]; then
		list_probes
		exit 0
	fi
	if [ -n "$opt_dry_run" ]; then
		dry_run
		exit 0
	fi
	[ "$(id -u)" = 0 ] || die 3 "run me as root (or -n for a dry run)"
	find_tracefs
	if [ -n "$opt_clean" ]; then
		clean_dead_runs
		exit_status=$?
		[ -z "$mounted_tracefs" ] || umount "$tracefs" 2>/dev/null
		exit "$exit_status"
	fi
	choose_kernel
	say_left_out
	preflight
	run_identity
	trap cleanup EXIT
	trap 'cleanup; exit "$exit_status"' INT TERM HUP PIPE
	arm
	count=0
	for id in $probe_ids; do count=$((count + 1)); done
	say "tracing $count probe(s)${opt_duration:+ for $opt_duration s}; Ctrl-C stops"
	stream
	cleanup
	exit "$exit_status"
}
