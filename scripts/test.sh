#!/usr/bin/env bash
# The project's single test command: vet and build, the Go tests against
# both storage engines, then the SDK acceptance suite against the real
# binary on both engines.
#
# Needs only Go, Node 20 with npm, the PostgreSQL 15 server binaries
# (Debian's postgresql-15) and Debian's chromium for the dashboard's
# browser test (installed when missing and we are root); it starts and removes its own throwaway
# PostgreSQL unless PRICEBOOK_TEST_POSTGRES already names a server, and
# its own throwaway S3-compatible server (s3rver, from sdk-tests' npm
# packages) unless PRICEBOOK_TEST_S3 already names a bucket URL. The
# binary goes to a temporary directory unless BIN_DIR asks to keep it.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

step=setup
sdk=skipped
work=
pg_dir=
s3_dir=

begin() {
	step=$1
	echo "==> $step"
}

finish() {
	local rc=$?
	if [[ -n $pg_dir ]]; then
		bash scripts/pg.sh stop "$pg_dir" || true
		rm -rf "$pg_dir"
	fi
	if [[ -n $s3_dir ]]; then
		bash scripts/s3.sh stop "$s3_dir" || true
		rm -rf "$s3_dir"
	fi
	[[ -z $work ]] || rm -rf "$work"
	if [[ $rc -eq 0 ]]; then
		echo "test.sh: PASS (go vet, go build, go test, sdk-tests: $sdk)"
	else
		echo "test.sh: FAIL in step '$step' (exit $rc)"
	fi
	exit "$rc"
}
trap finish EXIT
# Turn signals into an ordinary exit so the EXIT trap still stops PostgreSQL.
trap 'exit 130' INT
trap 'exit 143' TERM

work=$(mktemp -d)

begin "go vet"
go vet ./...

begin "go build"
go build ./...

if [[ -z ${PRICEBOOK_TEST_POSTGRES:-} ]]; then
	begin "start PostgreSQL"
	# The machine image ships Debian's postgresql-15; install it when a
	# machine lacks it and we may.
	if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null
	fi
	# Its own temp directory, not one under $work: pg.sh hands the whole
	# directory to the postgres user, which could not enter a root-only
	# parent.
	pg_dir=$(mktemp -d)
	PRICEBOOK_TEST_POSTGRES=$(bash scripts/pg.sh start "$pg_dir")
	export PRICEBOOK_TEST_POSTGRES
fi

# The dashboard's browser test (internal/web TestBrowser) drives Debian's
# chromium headlessly; install it when a machine lacks it and we may. Under
# CI=true the test fails rather than skips without it.
if [[ ! -x /usr/bin/chromium ]] && [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
	begin "install chromium"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

# sdk-tests' packages hold the S3 server too, so they install before the
# Go tests. npm keeps a copy of the lock file it installed from in
# node_modules; reinstall only when the project's files have moved past it.
if [[ -f sdk-tests/package.json ]]; then
	installed=sdk-tests/node_modules/.package-lock.json
	if [[ ! -f $installed || sdk-tests/package-lock.json -nt $installed || sdk-tests/package.json -nt $installed ]]; then
		begin "npm ci (sdk-tests)"
		(cd sdk-tests && npm ci --no-audit --no-fund)
	fi
fi

if [[ -z ${PRICEBOOK_TEST_S3:-} && -x sdk-tests/node_modules/.bin/s3rver ]]; then
	begin "start S3 (s3rver)"
	s3_dir=$(mktemp -d)
	PRICEBOOK_TEST_S3=$(bash scripts/s3.sh start "$s3_dir")
	export PRICEBOOK_TEST_S3
	# s3rver's fixed credentials, for gocloud's S3 driver.
	export AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER
fi

begin "go test"
go test -count=1 ./...

# Each native fuzz target runs briefly here (PRICEBOOK_FUZZTIME, default
# 3s); `go test -run '^$' -fuzz '^FuzzX$' -fuzztime 10m ./pkg` is the long
# form. go test fuzzes one target per invocation.
begin "fuzz (short)"
for pkg in ./internal/api/dodo ./internal/api/chartmogul; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz'); do
		# The fuzzer's own output says what failed (a crashing input is
		# also written under the package's testdata/fuzz).
		go test -run '^$' -fuzz "^${target}\$" -fuzztime "${PRICEBOOK_FUZZTIME:-3s}" "$pkg" >"$work/fuzz.log" 2>&1 ||
			{ echo "fuzz target $target in $pkg failed:"; grep -v '^fuzz: elapsed' "$work/fuzz.log" | tail -40; exit 1; }
		echo "fuzz $target ok"
	done
done

begin "build pricebook binary"
BIN_DIR=${BIN_DIR:-$work/bin}
mkdir -p "$BIN_DIR"
BIN_DIR=$(cd "$BIN_DIR" && pwd)
CGO_ENABLED=0 go build -o "$BIN_DIR/pricebook" ./cmd/pricebook
export PRICEBOOK_BIN=$BIN_DIR/pricebook

if [[ -f sdk-tests/package.json ]]; then
	begin "sdk-tests on sqlite"
	(cd sdk-tests && PRICEBOOK_SDK_DB=sqlite npm test)

	begin "sdk-tests on postgres"
	(cd sdk-tests && PRICEBOOK_SDK_DB=postgres npm test)
	sdk="sqlite, postgres${PRICEBOOK_TEST_S3:+; uploads also over S3}"
fi
