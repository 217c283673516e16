#!/usr/bin/env bash
# Starts and stops a throwaway S3-compatible server for tests: s3rver, the
# npm package sdk-tests installs (a dev dependency), storing in DIR.
#
#   scripts/s3.sh start DIR   start it; print the blob URL for --blobs on stdout
#   scripts/s3.sh stop DIR    stop it (a no-op if it is not running)
#
# The URL names the bucket "pricebook", made at start. s3rver takes the
# fixed credentials S3RVER / S3RVER: callers export them as
# AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.
set -euo pipefail

die() {
	echo "s3.sh: $*" >&2
	exit 1
}

[[ $# -eq 2 ]] || die "usage: $0 start|stop DIR"
dir=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$root/sdk-tests/node_modules/.bin/s3rver

case $1 in
start)
	[[ -x $bin ]] || die "$bin not found: run npm ci in sdk-tests first"
	mkdir -p "$dir/data"
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"$bin" --directory "$dir/data" --address 127.0.0.1 --port "$port" --silent --configure-bucket pricebook >"$dir/s3rver.log" 2>&1 &
	echo $! >"$dir/pid"
	for _ in $(seq 100); do
		if curl -fs -o /dev/null "http://127.0.0.1:$port/"; then
			echo "s3://pricebook?endpoint=http://127.0.0.1:$port&region=us-east-1&use_path_style=true"
			exit 0
		fi
		kill -0 "$(cat "$dir/pid")" 2>/dev/null || { cat "$dir/s3rver.log" >&2; die "s3rver exited"; }
		sleep 0.1
	done
	cat "$dir/s3rver.log" >&2
	die "s3rver did not answer on port $port"
	;;
stop)
	if [[ -f $dir/pid ]]; then
		kill "$(cat "$dir/pid")" 2>/dev/null || true
		rm -f "$dir/pid"
	fi
	;;
*)
	die "usage: $0 start|stop DIR"
	;;
esac
