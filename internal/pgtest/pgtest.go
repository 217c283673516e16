// Package pgtest gives each test its own empty PostgreSQL database.
//
// The databases live on the server named by PRICEBOOK_TEST_POSTGRES or,
// when that is unset, on a throwaway server started once per test binary.
// A package that calls DSN must route its tests through Main, which stops
// that throwaway server once the tests are done.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// envServer names a postgres:// URL of a server on which tests may create
// and drop databases; scripts/test.sh sets it so that all test binaries
// share one server instead of starting one each.
const envServer = "PRICEBOOK_TEST_POSTGRES"

var (
	mainCalled atomic.Bool

	startOnce sync.Once
	local     *server // the throwaway server, nil until started
	startErr  error
)

// DSN returns a postgres:// URL of a new, empty database that exists only
// for the duration of t; the database is dropped in t.Cleanup, forcibly, so
// connections still open at that point do not keep it alive.
//
// When no PostgreSQL can be had, t is skipped, except with CI=true, where
// it fails: CI must not go green because it silently tested nothing. A
// server named in PRICEBOOK_TEST_POSTGRES (PostgreSQL 15 or later) that
// cannot be used always fails t, since it was asked for explicitly.
func DSN(t testing.TB) string {
	t.Helper()
	if !mainCalled.Load() {
		// Without Main nobody stops the throwaway server and it outlives
		// the test binary; fail even when it is not in use, so a package
		// that forgets TestMain cannot pass in CI and leak on laptops.
		t.Fatal("pgtest: this package needs a TestMain calling pgtest.Main(m)")
	}

	admin := os.Getenv(envServer)
	if admin == "" {
		startOnce.Do(func() { local, startErr = start() })
		if startErr != nil {
			msg := fmt.Sprintf("pgtest: no PostgreSQL (install postgresql-15 or set %s): %v", envServer, startErr)
			if os.Getenv("CI") == "true" {
				t.Fatal(msg)
			}
			t.Skip(msg)
		}
		admin = local.url
	}
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("pgtest: %s is not a postgres:// URL", envServer)
	}

	name := "pricebook_test_" + randomHex(8)
	quoted := pgx.Identifier{name}.Sanitize()
	// FILE_COPY (PostgreSQL 15+) copies the tiny template about twice as
	// fast as the default WAL_LOG, and its checkpoint is cheap on a
	// throwaway server without fsync.
	if err := adminExec(admin, "CREATE DATABASE "+quoted+" STRATEGY FILE_COPY"); err != nil {
		t.Fatalf("pgtest: create database on %s: %v", u.Redacted(), err)
	}
	t.Cleanup(func() {
		if err := adminExec(admin, "DROP DATABASE IF EXISTS "+quoted+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: drop database %s: %v", name, err)
		}
	})

	u.Path = "/" + name
	u.RawPath = ""
	return u.String()
}

// Main runs the tests of a package that uses DSN and then stops the
// throwaway server, if one was started; call it from TestMain.
func Main(m *testing.M) {
	mainCalled.Store(true)
	code := m.Run()
	if local != nil {
		if err := local.stop(); err != nil {
			fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
			if code == 0 {
				code = 1
			}
		}
	}
	os.Exit(code)
}

// adminExec runs one statement on its own short-lived connection, because
// CREATE and DROP DATABASE cannot share a transaction and tests calling
// DSN in parallel should not queue behind one connection.
func adminExec(admin, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// server is a throwaway PostgreSQL cluster under a temporary directory,
// which doubles as the unix socket directory.
type server struct {
	dir      string
	pgCtl    string
	postgres bool // run the tools as user postgres, since initdb refuses root
	url      string
}

func start() (*server, error) {
	initdb, err := findInitdb()
	if err != nil {
		return nil, err
	}
	s := &server{pgCtl: filepath.Join(filepath.Dir(initdb), "pg_ctl")}
	s.dir, err = os.MkdirTemp("", "pricebook-pg-")
	if err != nil {
		return nil, err
	}
	if os.Geteuid() == 0 {
		if err := chownToPostgres(s.dir); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
		s.postgres = true
	}

	// C locale and UTF8 make the cluster independent of whatever locales
	// the machine happens to have installed.
	if out, err := s.run(initdb, "-D", s.data(), "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		os.RemoveAll(s.dir)
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf(`
listen_addresses = '127.0.0.1'
unix_socket_directories = '%s'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
`, strings.ReplaceAll(s.dir, "'", "''"))
	if err := appendFile(filepath.Join(s.data(), "postgresql.conf"), conf); err != nil {
		os.RemoveAll(s.dir)
		return nil, err
	}

	// Another process can take the free port between our probe and the
	// server binding it, so a failed start gets a fresh port.
	for attempt := 1; ; attempt++ {
		port, err := freePort()
		if err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
		out, err := s.run(s.pgCtl, "-D", s.data(), "-l", s.log(), "-w", "-t", "60",
			"-o", "-p "+strconv.Itoa(port), "start")
		if err == nil {
			s.url = fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
			return s, nil
		}
		if attempt == 3 {
			serverLog, _ := os.ReadFile(s.log())
			s.stop()
			return nil, fmt.Errorf("pg_ctl start: %v\n%s\n%s", err, out, tail(serverLog, 2000))
		}
	}
}

// stop shuts the server down without a checkpoint, as its data is about to
// be deleted anyway, and removes its directory.
func (s *server) stop() error {
	if out, err := s.run(s.pgCtl, "-D", s.data(), "-m", "immediate", "-w", "stop"); err != nil {
		if _, statErr := os.Stat(filepath.Join(s.data(), "postmaster.pid")); statErr == nil {
			// Keep the directory: deleting it under a live server would
			// hide the leak rather than fix it.
			return fmt.Errorf("pg_ctl stop (server may still run, data in %s): %v\n%s", s.dir, err, out)
		}
	}
	return os.RemoveAll(s.dir)
}

func (s *server) data() string { return filepath.Join(s.dir, "data") }
func (s *server) log() string  { return filepath.Join(s.dir, "log") }

func (s *server) run(name string, args ...string) ([]byte, error) {
	if s.postgres {
		args = append([]string{"-u", "postgres", "--", name}, args...)
		name = "runuser"
	}
	cmd := exec.Command(name, args...)
	// PostgreSQL tools complain when they cannot read the working
	// directory, which the postgres user may not be able to.
	cmd.Dir = s.dir
	// pg_ctl hands the server a log file rather than our pipes, but should
	// a server ever hold them open, give up waiting instead of hanging.
	cmd.WaitDelay = 10 * time.Second
	return cmd.CombinedOutput()
}

// findInitdb prefers the PostgreSQL 15 that production targets, then
// whatever is on PATH, then any other Debian-packaged version.
func findInitdb() (string, error) {
	const preferred = "/usr/lib/postgresql/15/bin/initdb"
	if _, err := os.Stat(preferred); err == nil {
		return preferred, nil
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		// pg_ctl is looked for next to initdb, so follow a symlinked
		// initdb to the installation it belongs to.
		return filepath.EvalSymlinks(p)
	}
	matches, _ := filepath.Glob("/usr/lib/postgresql/*/bin/initdb")
	if len(matches) > 0 {
		return matches[len(matches)-1], nil
	}
	return "", errors.New("initdb not found in /usr/lib/postgresql/*/bin or PATH")
}

func chownToPostgres(dir string) error {
	u, err := user.Lookup("postgres")
	if err != nil {
		return fmt.Errorf("running as root needs a postgres user for initdb: %v", err)
	}
	uid, err := strconv.Atoi(u.Uid)
	if err != nil {
		return err
	}
	gid, err := strconv.Atoi(u.Gid)
	if err != nil {
		return err
	}
	return os.Chown(dir, uid, gid)
}

func appendFile(path, text string) error {
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(text); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
