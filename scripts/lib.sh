# lib.sh — shared shell functions of scripts/run, scripts/test and scripts/bench: packages,
# build, and the local stack (MariaDB, both pools, nginx) under one state directory.
# Every process started here is recorded by pid in $DIR/run and stopped by that pid.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

PACKAGES="meson ninja-build pkg-config gcc clang-14 libclang-rt-14-dev libfcgi-dev libfcgi0ldbl
libmariadb-dev mariadb-server mariadb-client nginx-light
libcmocka-dev liburiparser-dev libsodium-dev libjansson-dev libargon2-dev libcrack2-dev liboath-dev libqrencode-dev
cracklib-runtime libcurl4-openssl-dev curl openssl oathtool wrk php-fpm php-mysql python3 chromium
galera-4 mariadb-backup socat
libvips-dev libvips-tools libimage-exiftool-perl libmaxminddb-dev libmaxmind-db-writer-perl logrotate"

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# Installs whichever of $PACKAGES is missing (needs root).
ensure_packages() {
	local missing=() p
	for p in $PACKAGES; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] || die "missing packages (${missing[*]}); run as root to install them"
	say "installing: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	# Package scripts must not start the system's own mariadb/nginx/php-fpm.
	local prc=/usr/sbin/policy-rc.d made_prc=0
	if [ ! -e "$prc" ]; then
		printf '#!/bin/sh\nexit 101\n' >"$prc" && chmod +x "$prc" && made_prc=1
	fi
	apt-get update -qq >/dev/null
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	local rc=$?
	[ $made_prc -eq 1 ] && rm -f "$prc"
	[ $rc -eq 0 ] || die "apt-get install failed"
}

# build DIR [meson options...]: configures once, then compiles.
build() {
	local dir=$1
	shift
	if [ ! -f "$REPO/$dir/build.ninja" ]; then
		meson setup "$REPO/$dir" "$REPO" "$@" >/dev/null || die "meson setup $dir failed"
	fi
	ninja -C "$REPO/$dir" >/dev/null || { ninja -C "$REPO/$dir"; die "build $dir failed"; }
}

random_secret() { head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 32; }

# proc_alive PID: true while PID runs (a zombie waiting to be reaped counts as dead).
proc_alive() {
	kill -0 "$1" 2>/dev/null && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null
}

# pid_alive PIDFILE: true while the process named in PIDFILE runs.
pid_alive() { [ -f "$1" ] && proc_alive "$(cat "$1")"; }

# wait_for CMD... : retries CMD for up to 30 s.
wait_for() {
	local i
	for i in $(seq 1 150); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}

# stack_layout DIR: creates the state directory tree.
stack_layout() {
	local d=$1
	mkdir -p "$d"/{db,run,log,secrets,mail,nginx,images}
	chmod 711 "$d" "$d/run"
	chmod 700 "$d/secrets" "$d/db"
	# nginx workers (www-data) must reach the sockets in run/ and nothing else.
}

# db_init DIR [EXTRA]: creates the MariaDB data dir with at-rest encryption, once; EXTRA (lines
# of the [mariadbd] section, e.g. a Galera node's wsrep settings) is added to DIR/my.cnf.
db_init() {
	local d=$1 extra=${2:-}
	if [ ! -f "$d/secrets/keys.txt" ]; then
		(umask 077 && printf '1;%s\n' "$(openssl rand -hex 32)" >"$d/secrets/keys.txt")
	fi
	cat >"$d/my.cnf" <<EOF2
[mariadbd]
datadir = $d/db
socket = $d/run/mysqld.sock
pid-file = $d/run/mysqld.pid
log-error = $d/log/mariadb.err
skip-networking
character-set-server = utf8mb4
collation-server = utf8mb4_unicode_ci
innodb_buffer_pool_size = 256M
innodb_flush_log_at_trx_commit = 1
max_connections = 300
plugin_load_add = file_key_management
file_key_management_filename = $d/secrets/keys.txt
file_key_management_encryption_algorithm = AES_CTR
innodb_encrypt_tables = FORCE
innodb_encrypt_log = ON
innodb_encrypt_temporary_tables = ON
encrypt_tmp_files = ON
encrypt_binlog = ON
aria_encrypt_tables = ON
$extra

[client]
socket = $d/run/mysqld.sock
EOF2
	if [ ! -d "$d/db/mysql" ]; then
		mariadb-install-db --defaults-file="$d/my.cnf" --user=root \
			--auth-root-authentication-method=socket --skip-test-db \
			>"$d/log/install-db.log" 2>&1 || { cat "$d/log/install-db.log"; die "mariadb-install-db failed"; }
	fi
}

# db_launch DIR [ARGS...]: starts mariadbd on DIR in the background, its pid in
# DIR/run/mysqld.launched (mariadbd writes mysqld.pid only once it has initialised, which a
# Galera joiner does after its state transfer).
db_launch() {
	local d=$1
	mariadbd --defaults-file="$d/my.cnf" --user=root "${@:2}" >>"$d/log/mariadb.err" 2>&1 &
	echo $! >"$d/run/mysqld.launched"
}

# launched_alive DIR: true while the mariadbd db_launch started on DIR runs (its command line
# names DIR's my.cnf: a pid reused by another process after a reboot is not it).
launched_alive() {
	local f=$1/run/mysqld.launched
	pid_alive "$f" && tr '\0' ' ' <"/proc/$(cat "$f")/cmdline" 2>/dev/null | grep -qF -- "--defaults-file=$1/my.cnf"
}

# db_start DIR [MARIADBD_ARGS...]: e.g. --wsrep-new-cluster for a Galera cluster's first node.
db_start() {
	local d=$1
	pid_alive "$d/run/mysqld.pid" && return 0
	db_launch "$@"
	wait_for mariadb-admin --defaults-file="$d/my.cnf" -uroot ping ||
		{ tail -20 "$d/log/mariadb.err"; die "MariaDB did not start"; }
}

db_stop() {
	local d=$1 pid
	if pid_alive "$d/run/mysqld.pid"; then
		pid=$(cat "$d/run/mysqld.pid")
	elif launched_alive "$d"; then
		pid=$(cat "$d/run/mysqld.launched") # started, not yet initialised (a joiner)
	else
		return 0
	fi
	kill -TERM "$pid"
	local i
	for i in $(seq 1 150); do proc_alive "$pid" || return 0; sleep 0.2; done
	kill -KILL "$pid" 2>/dev/null || true
}

sql() { mariadb --defaults-file="$1/my.cnf" -uroot "${@:2}"; }

# db_setup DIR: database, migrations, the three accounts with their roles, then the staff
# roles' generated grants (a second migrate: it grants them to the staff account once it exists).
db_setup() {
	local d=$1 u
	sql "$d" -e "CREATE DATABASE IF NOT EXISTS ditto CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci" ||
		die "cannot create database"
	# The audit log's pseudonym key: migrate re-chains old audit rows with it, so it comes
	# first; it must never change once rows are written (audit verify checks them with it).
	if [ ! -s "$d/secrets/audit_key" ]; then
		(umask 077 && openssl rand -hex 32 >"$d/secrets/audit_key")
	fi
	(cd "$REPO" && "$BUILD/dittoctl" --config "$d/ditto.conf" migrate "$REPO/schema") >/dev/null ||
		die "migrations failed"
	if [ ! -s "$d/secrets/ditto_key" ]; then
		(umask 077 && openssl rand -hex 32 >"$d/secrets/ditto_key")
	fi
	for u in web staff cron; do
		if [ ! -s "$d/secrets/ditto_$u" ]; then
			(umask 077 && random_secret >"$d/secrets/ditto_$u")
		fi
		sql "$d" ditto <<EOF2 || die "cannot create account ditto_$u"
CREATE USER IF NOT EXISTS 'ditto_$u'@'localhost' IDENTIFIED BY '$(cat "$d/secrets/ditto_$u")';
ALTER USER 'ditto_$u'@'localhost' IDENTIFIED BY '$(cat "$d/secrets/ditto_$u")';
GRANT ditto_${u}_role TO 'ditto_$u'@'localhost';
SET DEFAULT ROLE ditto_${u}_role FOR 'ditto_$u'@'localhost';
EOF2
	done
	# Again, now that the accounts exist: the staff roles are granted to the staff account.
	(cd "$REPO" && "$BUILD/dittoctl" --config "$d/ditto.conf" migrate "$REPO/schema") >/dev/null ||
		die "privacy grants failed"
}

db_seed() {
	sql "$1" ditto <"$REPO/schema/seed/demo.sql" || die "seeding failed"
	# Pictures of our own making for a few demo products, through dittoctl product image.
	(cd "$REPO" && scripts/seed-images "$1/ditto.conf" "$BUILD/dittoctl") ||
		die "seeding the demo images failed"
}

# write_config DIR WORKERS [DB_SOCKET]: the ditto configuration for this stack (its database
# at DB_SOCKET, by default DIR's own MariaDB).
write_config() {
	local d=$1 workers=${2:-4} db_socket=${3:-$1/run/mysqld.sock} peer
	# The pools serve only nginx's user: www-data when nginx starts as root, else ourselves.
	if [ "$(id -u)" -eq 0 ]; then peer=www-data; else peer=$(id -un); fi
	cat >"$d/ditto.conf" <<EOF2
# Generated by scripts/stack for $d
db_socket = $db_socket
db_name = ditto
db_admin_user = root
db_cron_password_file = $d/secrets/ditto_cron
templates = $REPO/views
mail_dir = $d/mail
traffic_log = $d/log/traffic.log
image_dir = $d/images
secret_file = $d/secrets/ditto_key
audit_key_file = $d/secrets/audit_key
base_url = http://127.0.0.1:${WEB_PORT_FOR_LINKS:-8080}
contact_address = idem ditto, 1 Showroom Lane, Leeds LS1 4AP, United Kingdom
contact_email = support@idemditto.example
contact_phone = +44 113 496 0000
invoice_payee = idem ditto Ltd
invoice_bank = IBAN GB33 BUKB 2020 1555 5555 55, BIC BUKBGB22
log_level = info
cookie_secure = false
test_routes = ${DITTO_TEST_ROUTES:-false}
# Test stacks only (ignored without test_routes): the integration tests sign in and
# register hundreds of times from here; tests of the throttles use other loopback addresses.
throttle_relaxed_addr = 127.0.0.1
processor = sandbox
processor_timeout_ms = ${DITTO_PROCESSOR_TIMEOUT_MS:-3000}
sandbox_ledger = $d/sandbox-ledger

[pool.web]
socket = $d/run/web.sock
socket_group = www-data
peer_user = $peer
workers = $workers
max_requests = ${DITTO_MAX_REQUESTS:-10000}
request_timeout = ${DITTO_REQUEST_TIMEOUT:-25}
db_password_file = $d/secrets/ditto_web
pid_file = $d/run/web.pid

[pool.staff]
socket = $d/run/staff.sock
socket_group = www-data
peer_user = $peer
workers = 2
request_timeout = ${DITTO_STAFF_REQUEST_TIMEOUT:-25}
db_password_file = $d/secrets/ditto_staff
pid_file = $d/run/staff.pid
EOF2
}

pools_start() {
	local d=$1 p
	for p in web staff; do
		pid_alive "$d/run/$p.pid" && continue
		(cd "$REPO" && exec "$BUILD/ditto-fcgi" --config "$d/ditto.conf" --pool "$p" \
			>>"$d/log/$p.log" 2>&1) &
		echo $! >"$d/run/$p.pid"
	done
	for p in web staff; do
		wait_for pool_listening "$(pool_socket "$d" "$p")" ||
			{ tail "$d/log/$p.log"; die "pool $p did not start"; }
	done
}

# pool_socket DIR POOL: the socket = of [pool.POOL] in DIR/ditto.conf (a path or HOST:PORT).
pool_socket() {
	awk -v s="[pool.$2]" '/^\[/ { in_s = ($0 == s) }
		in_s && /^socket[ \t]*=/ { sub(/^socket[ \t]*=[ \t]*/, ""); print; exit }' "$1/ditto.conf"
}

# pool_listening SOCKET: true once a pool listens there: a unix socket file exists, or a TCP
# HOST:PORT ([IPv6]:PORT) accepts a connection (closed at once: the worker loses nothing).
pool_listening() {
	local a=$1 host port
	case $a in
	'' | */*) test -S "$a" ;;
	*:[0-9]*)
		host=${a%:*} port=${a##*:}
		host=${host#[} host=${host%]}
		(exec 3<>"/dev/tcp/$host/$port") 2>/dev/null
		;;
	*) test -S "$a" ;;
	esac
}

pools_stop() {
	local d=$1 p pid i
	for p in web staff; do
		pid_alive "$d/run/$p.pid" || continue
		pid=$(cat "$d/run/$p.pid")
		kill -TERM "$pid"
		for i in $(seq 1 200); do proc_alive "$pid" || break; sleep 0.2; done
		kill -KILL "$pid" 2>/dev/null || true
		rm -f "$d/run/$p.pid"
	done
}

# nginx_start DIR WEB_PORT STAFF_PORT: nginx in front of DIR's pools, or, with NGINX_WEB_PASS and
# NGINX_STAFF_PASS naming upstreams that NGINX_UPSTREAMS (an include line) defines, of those.
nginx_start() {
	local d=$1 web=$2 staff=$3
	pid_alive "$d/run/nginx.pid" && return 0
	cp "$REPO/deploy/nginx-ditto-common.conf" "$REPO/deploy/nginx-ditto-fastcgi.conf" \
		"$REPO/deploy/nginx-ditto-traffic.conf" "$REPO/deploy/nginx-ditto-visit.conf" "$d/"
	local user_line=""
	[ "$(id -u)" -eq 0 ] && user_line="user www-data www-data;"
	# nginx's per-address limits: production's numbers, except on test stacks (test routes
	# on), whose tests send hundreds of sign-ins from 127.0.0.1; DITTO_LIMIT_* override.
	local rate=10r/m burst=10 conn=20
	[ "${DITTO_TEST_ROUTES:-false}" = true ] && rate=6000r/s burst=10000 conn=10000
	rate=${DITTO_LIMIT_RATE:-$rate} burst=${DITTO_LIMIT_BURST:-$burst}
	conn=${DITTO_LIMIT_CONN:-$conn}
	sed -e "s|@DIR@|$d|g" -e "s|@REPO@|$REPO|g" -e "s|@WEB_PORT@|$web|g" \
		-e "s|@STAFF_PORT@|$staff|g" \
		-e "s|@WEB_PASS@|${NGINX_WEB_PASS:-unix:$d/run/web.sock}|g" \
		-e "s|@STAFF_PASS@|${NGINX_STAFF_PASS:-unix:$d/run/staff.sock}|g" \
		-e "s|@UPSTREAMS@|${NGINX_UPSTREAMS:-}|g" -e "s|@USER_LINE@|$user_line|g" \
		-e "s|@LIMIT_RATE@|$rate|g" -e "s|@LIMIT_BURST@|$burst|g" -e "s|@LIMIT_CONN@|$conn|g" \
		"$REPO/deploy/nginx-local.conf.in" >"$d/nginx.conf"
	nginx -t -q -c "$d/nginx.conf" -p "$d" 2>"$d/log/nginx-check.log" ||
		{ cat "$d/log/nginx-check.log"; die "nginx config invalid"; }
	nginx -c "$d/nginx.conf" -p "$d" >>"$d/log/nginx.log" 2>&1 &
	wait_for curl -sf "http://127.0.0.1:$web/healthz" || die "nginx/web pool not answering"
}

nginx_stop() {
	local d=$1 pid i
	pid_alive "$d/run/nginx.pid" || return 0
	pid=$(cat "$d/run/nginx.pid")
	kill -QUIT "$pid"
	for i in $(seq 1 100); do proc_alive "$pid" || return 0; sleep 0.1; done
	kill -KILL "$pid" 2>/dev/null || true
}

# stack_up DIR WEB_PORT STAFF_PORT [seed]: everything, in dependency order.
stack_up() {
	local d=$1
	stack_layout "$d"
	WEB_PORT_FOR_LINKS=$2 write_config "$d" "${WORKERS:-4}"
	db_init "$d"
	db_start "$d"
	db_setup "$d"
	[ "${4:-}" = seed ] && db_seed "$d"
	pools_start "$d"
	nginx_start "$d" "$2" "$3"
}

stack_down() {
	local d=$1
	nginx_stop "$d"
	pools_stop "$d"
	db_stop "$d"
}

# shell_quote VALUE: VALUE as is when it has no space or shell metacharacter, else in single
# quotes (a quote inside as '\''), so a password with spaces reads (and pastes) as one value.
shell_quote() {
	case $1 in
	'' | *[!A-Za-z0-9_.,:/@+=-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# demo_accounts DIR WEB_PORT: one staff account per role and one approved demo customer,
# created once; their passwords are generated and kept in DIR/secrets/demo-logins.txt.
demo_accounts() {
	local d=$1 port=$2 logins=$1/secrets/demo-logins.txt role pw
	if [ -s "$logins" ]; then
		cat "$logins"
		return 0
	fi
	: >"$logins.tmp"
	chmod 600 "$logins.tmp"
	for role in representative billing support analyst admin legal; do
		pw="demo $(random_secret | head -c 12) $role"
		local out
		out=$(printf '%s\n' "$pw" | (cd "$REPO" && "$BUILD/dittoctl" --config "$d/ditto.conf" \
			staff add --role "$role" "demo_$role") 2>&1) || { say "$out"; continue; }
		printf 'staff     %-20s password: %s   TOTP secret: %s\n' "demo_$role" "$(shell_quote "$pw")" \
			"$(printf '%s\n' "$out" | grep -o 'secret=[A-Z2-7]*' | head -1 | cut -d= -f2)" >>"$logins.tmp"
	done
	# The demo customer registers through the site like anyone, then is approved.
	pw="showroom $(random_secret | head -c 12) visitor"
	if register_customer "$d" "$port" demo "$pw" "Demo Customer" demo@example.com; then
		printf 'customer  %-20s password: %s\n' demo "$(shell_quote "$pw")" >>"$logins.tmp"
	fi
	mv "$logins.tmp" "$logins"
	cat "$logins"
}

# site_register_customer BASE_URL CONFIG USER PASSWORD NAME EMAIL: registers through the site at
# BASE_URL (http://host:port) and approves the account with `dittoctl --config CONFIG`, so it
# works on any running stack. Returns non-zero if either step fails.
site_register_customer() {
	local base=$1 jar csrf
	jar=$(mktemp "${TMPDIR:-/tmp}/ditto-cookies.XXXXXX")
	csrf=$(curl -s -c "$jar" -b "$jar" "$base/register" | grep -o 'name="csrf" value="[^"]*"' |
		head -1 | sed 's/.*value="//; s/"$//')
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "name=$5" --data-urlencode "email=$6" --data-urlencode "username=$3" \
		--data-urlencode "password=$4" --data-urlencode "accept_policy=1" "$base/register"
	rm -f "$jar"
	(cd "$REPO" && "$BUILD/dittoctl" --config "$2" customer approve "$3") >/dev/null
}

# register_customer DIR PORT USER PASSWORD NAME EMAIL: site_register_customer on the stack in DIR.
register_customer() { site_register_customer "http://127.0.0.1:$2" "$1/ditto.conf" "${@:3}"; }

# site_login_cookie BASE_URL USER PASSWORD: signs in and prints the session cookie
# ("ditto=..."), or nothing if the sign-in failed.
site_login_cookie() {
	local base=$1 jar csrf
	jar=$(mktemp "${TMPDIR:-/tmp}/ditto-cookies.XXXXXX")
	csrf=$(curl -s -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' |
		head -1 | sed 's/.*value="//; s/"$//')
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "username=$2" --data-urlencode "password=$3" "$base/login"
	awk '$6 == "ditto" || $6 == "__Host-ditto" { print $6 "=" $7 }' "$jar"
	rm -f "$jar"
}

# login_cookie DIR PORT USER PASSWORD: site_login_cookie on 127.0.0.1:PORT.
login_cookie() { site_login_cookie "http://127.0.0.1:$2" "${@:3}"; }

# config_staff_add CONFIG ROLE USER PASSWORD: adds a staff member with `dittoctl --config CONFIG`
# and prints the TOTP secret it was given (the secret= of the otpauth:// URI). Returns non-zero
# if that fails.
config_staff_add() {
	local out
	out=$(printf '%s\n' "$4" | (cd "$REPO" && "$BUILD/dittoctl" --config "$1" \
		staff add --role "$2" "$3") 2>&1) || { say "$out"; return 1; }
	printf '%s\n' "$out" | grep -o 'secret=[A-Z2-7]*' | head -1 | cut -d= -f2 | grep .
}

# staff_add DIR ROLE USER PASSWORD: config_staff_add on the stack in DIR.
staff_add() { config_staff_add "$1/ditto.conf" "${@:2}"; }

# site_staff_login_cookie STAFF_BASE_URL USER PASSWORD SECRET [SECONDS_AHEAD]: signs a staff
# member in through /admin/login with the TOTP code of now (+ SECONDS_AHEAD: each code signs in
# once) and prints the staff session cookie ("ditto_staff=..."), or nothing if the sign-in failed.
site_staff_login_cookie() {
	local base=$1 jar csrf code
	code=$(oathtool --totp -b -N "now + ${5:-0} seconds" "$4") || return 1
	jar=$(mktemp "${TMPDIR:-/tmp}/ditto-cookies.XXXXXX")
	csrf=$(curl -s -c "$jar" -b "$jar" "$base/admin/login" | grep -o 'name="csrf" value="[^"]*"' |
		head -1 | sed 's/.*value="//; s/"$//')
	curl -s -o /dev/null -c "$jar" -b "$jar" --data-urlencode "csrf=$csrf" \
		--data-urlencode "username=$2" --data-urlencode "password=$3" \
		--data-urlencode "totp=$code" "$base/admin/login"
	awk '$6 == "ditto_staff" || $6 == "__Host-ditto_staff" { print $6 "=" $7 }' "$jar"
	rm -f "$jar"
}

# staff_login_cookie DIR STAFF_PORT USER PASSWORD SECRET [SECONDS_AHEAD]: site_staff_login_cookie
# on 127.0.0.1:STAFF_PORT.
staff_login_cookie() { site_staff_login_cookie "http://127.0.0.1:$2" "${@:3}"; }

# site_staff_acknowledge STAFF_BASE_URL COOKIE: acknowledges the newest privacy-policy version
# for the staff member signed in with COOKIE, as every member must before pages with personal
# data open. Returns 0 when done or when there was nothing to acknowledge, else non-zero.
site_staff_acknowledge() {
	local page csrf version code
	page=$(curl -s -b "$2" "$1/admin/policy/acknowledge") || return 1
	csrf=$(grep -o 'name="csrf" value="[^"]*"' <<<"$page" | head -1 | sed 's/.*value="//; s/"$//')
	version=$(grep -o 'name="version" value="[0-9]*"' <<<"$page" | head -1 | tr -dc 0-9)
	[ -n "$version" ] || return 0 # no form: nothing to acknowledge
	code=$(curl -s -o /dev/null -w '%{http_code}' -b "$2" --data-urlencode "csrf=$csrf" \
		--data-urlencode "version=$version" "$1/admin/policy/acknowledge") || return 1
	[ "$code" = 303 ] || [ "$code" = 200 ]
}
