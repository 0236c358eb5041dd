# Sourced by tests/run.sh: the features a probe needs from the target's
# kernel (the script checks them against the tracefs README) come from the
# fetch plan, not from searching the definition's text: an immediate
# string that holds "$arg1" needs imm-string, not $arg<N>.

# features_of PROBE: the features of its script's kernel 1, probe 1: the
# text whose id kernel_1_features holds.
features_of() {
	"$SURFC" --no-types --arch x86_64 -e "$1" -o "$out/features.sh" 2>/dev/null
	id=$(sed -n "s/^kernel_1_features='\([0-9]*\)'\$/\1/p" "$out/features.sh")
	[ "$id" = 0 ] || sed -n "s/^text_$id='\(.*\)'\$/\1/p" "$out/features.sh"
}

features() {
	got=$(features_of 'p vfs_read a=\"$arg1\":string')
	got="$got|$(features_of 'p vfs_read a=$arg1')"
	got="$got|$(features_of 'p vfs_read c=+u8(%di):ustring f=%di:x32 g=\7')"
	got="$got|$(features_of 'p vfs_read s=+0(%si):string b=+0(%si):b3@1/32 r=+0(%si):u8[4]')"
	want='imm-string|$arg<N>|x8/16/32/64;ustring;[u]<offset>;imm-value|b<bit-width>;<array-size>'
	if [ "$got" = "$want" ]; then
		pass "features: from the fetch plan, not from the text"
	else
		fail "features: got '$got', want '$want'"
	fi
}

features

# The script's check of the target's README takes names with blanks in
# them: $argN in a kernel return probe is the README's line "kernel return
# probes support: $retval, $arg<N>, $comm". A README without it: exit 3
# naming it; with it: the dry run goes on. Under the six shells.
features_readme() {
	"$SURFC" --no-types --arch x86_64 -o "$out/retargs.sh" \
		-e 'r kernel_clone a=$arg1 s=+0(%di):string' 2>/dev/null ||
		{ fail "features/readme: compile"; return; }
	for with in no yes; do
		fake=$out/tracefs-retargs-$with
		rm -rf "$fake" && mkdir -p "$fake/instances"
		cp "$top/tests/script/README.fixture" "$fake/README"
		[ $with = no ] ||
			printf '\t     kernel return probes support: $retval, $arg<N>, $comm\n' >>"$fake/README"
		: >"$fake/kprobe_events"
		echo kernel_clone >"$fake/available_filter_functions"
	done
	for sh in "busybox ash" dash "bash --posix" mksh posh yash; do
		# shellcheck disable=SC2086
		SURFC_TRACEFS=$out/tracefs-retargs-no $sh "$out/retargs.sh" -n \
			>"$out/retargs.no" 2>&1
		no=$?
		# shellcheck disable=SC2086
		SURFC_TRACEFS=$out/tracefs-retargs-yes $sh "$out/retargs.sh" -n \
			>"$out/retargs.yes" 2>&1
		yes=$?
		if [ $no = 3 ] && grep -q "lack 'kernel return probes support: \$retval, \$arg<N>'" "$out/retargs.no" &&
		   [ $yes = 0 ] && grep -q 'r:surfc_' "$out/retargs.yes"; then
			pass "features/readme ${sh%% *}: a name with blanks, checked in the README"
		else
			fail "features/readme ${sh%% *}: exit $no without the line, $yes with it"
			cat "$out/retargs.no" "$out/retargs.yes" | head -n 6
		fi
	done
}

features_readme
