# Sourced by tests/run.sh: the features a probe needs from the target's
# kernel (the script checks them against the tracefs README) come from the
# fetch plan, not from searching the definition's text: an immediate
# string that holds "$arg1" needs imm-string, not $arg<N>.

# features_of PROBE: the probe_1_features value of its script.
features_of() {
	"$SURFC" --no-types --arch x86_64 -e "$1" -o - 2>/dev/null |
		sed -n "s/^probe_1_features='\(.*\)'\$/\1/p"
}

features() {
	got=$(features_of 'p vfs_read a=\"$arg1\":string')
	got="$got|$(features_of 'p vfs_read a=$arg1')"
	got="$got|$(features_of 'p vfs_read c=+u8(%di):ustring f=%di:x32 g=\7')"
	got="$got|$(features_of 'p vfs_read s=+0(%si):string b=+0(%si):b3@1/32 r=+0(%si):u8[4]')"
	want='imm-string|$arg<N>|x8/16/32/64 ustring [u]<offset> imm-value|b<bit-width> <array-size>'
	if [ "$got" = "$want" ]; then
		pass "features: from the fetch plan, not from the text"
	else
		fail "features: got '$got', want '$want'"
	fi
}

features
