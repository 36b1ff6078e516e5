#!/usr/bin/env bash
# check_demo_logins.sh REPO — the demo-logins file's values read back as one value each: as TAP,
# scripts/lib.sh's shell_quote leaves plain values alone, single-quotes values with spaces or
# shell metacharacters, and a shell reading the quoted value gets the value exactly.
set -u
. "$1/scripts/lib.sh" >/dev/null 2>&1 || { echo "1..1"; echo "not ok 1 - source lib.sh"; exit 1; }
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
check() {
	local v=$1 want=$2 got back
	got=$(shell_quote "$v")
	if [ "$got" = "$want" ]; then ok "quotes [$v] as [$want]"; else notok "quotes [$v] as [$got], not [$want]"; fi
	back=$(eval "printf '%s' $got")
	if [ "$back" = "$v" ]; then ok "[$got] reads back as [$v]"; else notok "[$got] reads back as [$back]"; fi
}
check 'demo 3f9a1c2b7e4d representative' "'demo 3f9a1c2b7e4d representative'"
check 'showroom abc visitor' "'showroom abc visitor'"
check 'JBSWY3DPEHPK3PXP' 'JBSWY3DPEHPK3PXP'
check "it's \$HOME *" "'it'\\''s \$HOME *'"
check '' "''"
echo "1..$n"
exit $((bad > 0))
