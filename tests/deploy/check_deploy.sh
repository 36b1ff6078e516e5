#!/bin/sh
# check_deploy.sh REPO DITTOCTL — the shipped scheduling files, as TAP: the crontab's lines are
# valid /etc/cron.d lines (five time fields in range, the user, dittoctl with the production
# configuration; commented-out job lines too, so they work once uncommented); the systemd units
# pass `systemd-analyze verify` (skipped where it is missing); both schedule the same jobs and
# none uses flock.
repo=$1 ctl=$2
cron=$repo/deploy/cron/ditto
units=$repo/deploy/systemd
n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); bad=$((bad + 1)); echo "not ok $n - $1"; }
skip() { n=$((n + 1)); echo "ok $n - $1 # SKIP $2"; }

# One field of a cron line: lists of *, N, N-M, each optionally /STEP, within lo..hi.
cron_errors=$(awk '
function field_ok(f, lo, hi,    parts, np, i, p, step, range, a, b) {
	np = split(f, parts, ",")
	for (i = 1; i <= np; i++) {
		p = parts[i]
		step = ""
		if (index(p, "/")) { step = substr(p, index(p, "/") + 1); p = substr(p, 1, index(p, "/") - 1)
			if (step !~ /^[0-9]+$/ || step + 0 < 1) return 0 }
		if (p == "*") continue
		if (p ~ /^[0-9]+$/) { if (p + 0 < lo || p + 0 > hi) return 0; continue }
		if (p ~ /^[0-9]+-[0-9]+$/) { split(p, range, "-"); a = range[1] + 0; b = range[2] + 0
			if (a < lo || b > hi || a > b) return 0; continue }
		return 0
	}
	return 1
}
/^[ \t]*$/ { next }
/^[A-Z_]+=/ { next }
/^#[0-9*]/ { sub(/^#/, "") }           # a job line left commented out: check it too
/^#/ { next }
{
	jobs++
	if (NF < 7) { print FILENAME ":" FNR ": fewer than 7 fields"; next }
	if (!field_ok($1, 0, 59)) print FILENAME ":" FNR ": bad minute " $1
	if (!field_ok($2, 0, 23)) print FILENAME ":" FNR ": bad hour " $2
	if (!field_ok($3, 1, 31)) print FILENAME ":" FNR ": bad day of month " $3
	if (!field_ok($4, 1, 12)) print FILENAME ":" FNR ": bad month " $4
	if (!field_ok($5, 0, 7)) print FILENAME ":" FNR ": bad day of week " $5
	if ($6 != "ditto-cron") print FILENAME ":" FNR ": runs as " $6 ", not ditto-cron"
	if ($7 != "/usr/local/bin/dittoctl" || $8 != "--config" || $9 != "/etc/ditto/ditto.conf")
		print FILENAME ":" FNR ": not dittoctl with /etc/ditto/ditto.conf"
	if ($0 ~ /%/) print FILENAME ":" FNR ": a % (cron turns it into a line break)"
}
END { if (jobs == 0) print FILENAME ": no job line" }
' "$cron")
if [ -z "$cron_errors" ]; then ok "crontab lines are valid cron.d lines"
else echo "$cron_errors" | sed 's/^/# /'; notok "crontab lines are valid cron.d lines"; fi

# cron ignores a last line without a newline, and files in cron.d whose names have a dot.
if [ "$(tail -c 1 "$cron" | od -An -c | tr -d ' ')" = '\n' ] && ! basename "$cron" | grep -q '\.'
then ok "crontab ends with a newline and its name has no dot"
else notok "crontab ends with a newline and its name has no dot"; fi

# The same jobs in both (unit name:command), and no flock anywhere.
same=1
for pair in "purge:purge" "mail:mail send" "promotions:mail promotions" "policy:policy notify" \
	"traffic:traffic ingest"; do
	name=${pair%%:*} job=${pair#*:}
	unit=$units/ditto-$name.service
	grep -q "^ExecStart=/usr/local/bin/dittoctl --config /etc/ditto/ditto.conf $job\$" "$unit" ||
		{ echo "# $unit does not run dittoctl $job"; same=0; }
	grep -Eq "^#?[0-9*].* ditto-cron /usr/local/bin/dittoctl --config /etc/ditto/ditto.conf $job( |\$)" "$cron" ||
		{ echo "# the crontab does not run dittoctl $job"; same=0; }
	[ -f "$units/ditto-$name.timer" ] || { echo "# no timer for $job"; same=0; }
done
if grep -h -v '^#' "$cron" "$units"/* | grep -qi flock; then
	echo "# flock is used"; same=0
fi
if [ $same = 1 ]; then ok "crontab and systemd units schedule the same jobs without flock"
else notok "crontab and systemd units schedule the same jobs without flock"; fi

# systemd-analyze verify needs the ExecStart binary to exist: the built dittoctl stands in.
if command -v systemd-analyze >/dev/null 2>&1; then
	tmp=$(mktemp -d)
	for f in "$units"/*.service "$units"/*.timer; do
		sed "s#/usr/local/bin/dittoctl#$ctl#" "$f" >"$tmp/$(basename "$f")"
	done
	if out=$(systemd-analyze verify --man=no "$tmp"/*.service "$tmp"/*.timer 2>&1) && [ -z "$out" ]
	then ok "systemd units pass systemd-analyze verify"
	else echo "$out" | sed 's/^/# /'; notok "systemd units pass systemd-analyze verify"; fi
	rm -rf "$tmp"
else
	skip "systemd units pass systemd-analyze verify" "systemd-analyze is not installed"
fi
# Each unit's `systemd-analyze security --offline` exposure stays at or below the README's
# figure for it (the table under "Operating-system separation"): a unit that loses a
# hardening line fails here. The pools' units sit in deploy/, the jobs' in deploy/systemd/.
if command -v systemd-analyze >/dev/null 2>&1 &&
	systemd-analyze security --offline=yes --no-pager "$units/ditto-purge.service" >/dev/null 2>&1
then
	for f in "$repo"/deploy/*.service "$units"/*.service; do
		u=$(basename "$f")
		got=$(systemd-analyze security --offline=yes --no-pager "$f" 2>/dev/null |
			sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\).*/\1/p')
		want=$(sed -n "s/^| \`$u\` | \([0-9.]*\) |.*/\1/p" "$repo/README.md")
		if [ -z "$want" ]; then notok "$u: exposure $got, but the README has no figure for it"
		elif [ -z "$got" ]; then notok "$u: systemd-analyze security gave no exposure"
		elif awk -v g="$got" -v w="$want" 'BEGIN { exit !(g + 0 <= w + 0) }'; then
			ok "$u: exposure $got, README says $want"
		else notok "$u: exposure $got is above the README's $want"; fi
	done
else
	skip "units' exposure within the README's figures" "systemd-analyze security --offline unavailable"
fi
echo "1..$n"
[ $bad = 0 ]
