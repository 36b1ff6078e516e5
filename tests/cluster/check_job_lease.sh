#!/usr/bin/env bash
# check_job_lease.sh DITTOCTL [ROUNDS] — issue 15, acceptance 3: two `dittoctl purge` runs
# started at the same moment, one with app host 1's config (db_hosts: node 1 first) and one
# with app host 2's (node 2 first), so each takes the lease row (job_leases 'purge') through
# its own Galera node. In every round exactly one purges and the other prints "another purge
# holds the lease" and exits 0; the accounts are all erased and the lease is free afterwards.
# Needs scripts/cluster's directory in DITTO_STATE_DIR (exits 77, skipped, without it).
set -uo pipefail
CTL=$(realpath "${1:?usage: check_job_lease.sh DITTOCTL [ROUNDS]}")
ROUNDS=${2:-5}
D=${DITTO_STATE_DIR:-}
if [ -z "$D" ] || [ ! -f "$D/node1/my.cnf" ] || [ ! -f "$D/app2/ditto.conf" ]; then
	echo "1..0 # SKIP not a cluster directory (DITTO_STATE_DIR)"
	exit 77
fi
cd "${DITTO_REPO:-.}" || exit 1
sqlq() { mariadb --defaults-file="$D/my.cnf" -uroot -N -B ditto -e "$1"; }
first_node() { sed -n 's/^db_hosts = \([^,]*\).*/\1/p' "$1"; }
C1=$D/ditto.conf C2=$D/app2/ditto.conf
n1=$(first_node "$C1") n2=$(first_node "$C2")
echo "# config 1 prefers $n1; config 2 prefers $n2"
fail=0
if [ -z "$n1" ] || [ "$n1" = "$n2" ]; then
	echo "not ok - the two configs must prefer different nodes"
	exit 1
fi
T=$(mktemp -d) || exit 1
trap 'rm -rf "$T"' EXIT
echo "1..$ROUNDS"
for r in $(seq 1 "$ROUNDS"); do
	prefix="lease$$r${r}x"
	sqlq "INSERT INTO customers (username, email, name, password_hash, status, policy_version,
		status_changed_at) SELECT CONCAT('$prefix', seq), CONCAT('$prefix', seq, '@example.com'),
		'Lease Person', 'x', 'deleted', (SELECT MAX(version) FROM policy_versions),
		UTC_TIMESTAMP(6) - INTERVAL 1 DAY FROM seq_1_to_12" || exit 1
	("$CTL" --config "$C1" purge --batch 2 --pause-ms 200 >"$T/out1" 2>"$T/err1"; echo $? >"$T/st1") &
	("$CTL" --config "$C2" purge --batch 2 --pause-ms 200 >"$T/out2" 2>"$T/err2"; echo $? >"$T/st2") &
	wait
	s1=$(cat "$T/st1") s2=$(cat "$T/st2")
	y1=0 y2=0
	grep -q "another purge holds the lease" "$T/out1" && y1=1
	grep -q "another purge holds the lease" "$T/out2" && y2=1
	left=$(sqlq "SELECT COUNT(*) FROM customers WHERE username LIKE '$prefix%'")
	free=$(sqlq "SELECT COUNT(*) FROM job_leases WHERE name = 'purge' AND holder = ''")
	if [ "$s1" = 0 ] && [ "$s2" = 0 ] && [ $((y1 + y2)) = 1 ] && [ "$left" = 0 ] && [ "$free" = 1 ]; then
		if [ $y1 = 1 ]; then who="config 2 (node 2) ran, config 1 (node 1)"; else who="config 1 (node 1) ran, config 2 (node 2)"; fi
		echo "ok $r - $who yielded: $(grep -h 'another purge' "$T/out1" "$T/out2")"
	else
		echo "not ok $r - exit $s1/$s2, yielded $y1/$y2, accounts left $left, lease free $free"
		sed 's/^/# 1: /' "$T/out1" "$T/err1"
		sed 's/^/# 2: /' "$T/out2" "$T/err2"
		fail=1
	fi
done
exit $fail
