#!/usr/bin/env bash
# Starts and stops a throwaway PostgreSQL server for tests.
#
#   scripts/pg.sh start DIR [--durable]   start a server in DIR; print its URL on stdout
#   scripts/pg.sh stop DIR                stop it (a no-op if it is not running)
#
# Everything but the URL goes to stderr, so callers can take the URL with
# $(...). The cluster is disposable, so it trades durability for speed, the
# same way internal/pgtest does for its own throwaway server; --durable
# keeps PostgreSQL's defaults (fsync, synchronous_commit and
# full_page_writes on), for benchmarks (BENCHMARKS.md).
set -euo pipefail

die() {
	echo "pg.sh: $*" >&2
	exit 1
}

usage() {
	die "usage: $0 start DIR [--durable] | stop DIR"
}

# Prefer the PostgreSQL 15 that production targets, then whatever is on
# PATH, then any other Debian-packaged version.
find_bin() {
	if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
		echo /usr/lib/postgresql/15/bin
		return
	fi
	local p
	if p=$(command -v initdb); then
		# pg_ctl is taken from next to initdb, so follow a symlinked initdb
		# to the installation it belongs to.
		dirname "$(readlink -f "$p")"
		return
	fi
	for p in /usr/lib/postgresql/*/bin/initdb; do
		if [[ -x $p ]]; then
			dirname "$p"
			return
		fi
	done
	die "initdb not found in /usr/lib/postgresql/*/bin or PATH; install PostgreSQL 15 (apt-get install postgresql-15)"
}

# initdb refuses to run as root, so root runs the server tools as the
# postgres user. They run from DIR because they complain about a working
# directory they cannot read.
as_pg() {
	if [[ $EUID -eq 0 ]]; then
		(cd "$dir" && runuser -u postgres -- "$@")
	else
		(cd "$dir" && "$@")
	fi
}

is_running() {
	[[ -f $dir/data/PG_VERSION ]] && as_pg "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1
}

start() {
	bin=$(find_bin)
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	[[ ! -e $dir/data ]] || die "$dir/data already exists; stop it and use a fresh directory"
	# The path goes into postgresql.conf between single quotes.
	[[ $dir != *\'* ]] || die "$dir: directory name must not contain a single quote"
	if [[ $EUID -eq 0 ]]; then
		id postgres >/dev/null 2>&1 || die "running as root needs a postgres user to run initdb"
		chown postgres: "$dir"
		runuser -u postgres -- test -w "$dir" -a -x "$dir" ||
			die "user postgres cannot use $dir; its parent directories must be searchable by others"
	fi

	# C locale and UTF8 make the cluster independent of whatever locales
	# the machine happens to have installed.
	if ! as_pg "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C --no-sync >"$dir/initdb.log" 2>&1; then
		cat "$dir/initdb.log" >&2
		die "initdb failed"
	fi
	cat >>"$dir/data/postgresql.conf" <<-EOF
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$dir'
		max_connections = 200
	EOF
	if [[ $durable != 1 ]]; then
		cat >>"$dir/data/postgresql.conf" <<-EOF
			fsync = off
			synchronous_commit = off
			full_page_writes = off
		EOF
	fi

	# Bash cannot ask the kernel for a free port, so try random ones below
	# the ephemeral range and move on when one turns out to be taken.
	local port attempt started=
	for attempt in 1 2 3 4 5; do
		port=$((15000 + RANDOM % 17000))
		if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			continue
		fi
		if as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 -o "-p $port" start >&2; then
			started=1
			break
		fi
		# A start that timed out may leave a server behind; do not let it
		# collide with the next attempt.
		if is_running; then
			as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2 || true
		fi
	done
	if [[ -z $started ]]; then
		[[ -f $dir/log ]] && tail -n 30 "$dir/log" >&2
		die "could not start PostgreSQL in $dir"
	fi

	local isready=pg_isready
	[[ -x $bin/pg_isready ]] && isready=$bin/pg_isready
	local i
	for i in $(seq 1 60); do
		if "$isready" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres; then
			echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
			return
		fi
		sleep 0.5
	done
	tail -n 30 "$dir/log" >&2
	die "PostgreSQL in $dir started but does not accept connections on port $port"
}

stop() {
	# No cluster, nothing to stop: then PostgreSQL need not even be
	# installed, which keeps cleanup after a failed start quiet.
	[[ -f $dir/data/PG_VERSION ]] || return 0
	dir=$(cd "$dir" && pwd)
	bin=$(find_bin)
	if is_running; then
		# Immediate: the data is thrown away, so a checkpoint is wasted time.
		as_pg "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >&2
	fi
}

[[ $# -eq 2 || ($# -eq 3 && $1 == start && $3 == --durable) ]] || usage
dir=$2
durable=0
[[ ${3:-} != --durable ]] || durable=1
case $1 in
start) start ;;
stop) stop ;;
*) usage ;;
esac
