// Package e2e tests the real pricebook binary as a process: crash safety,
// several servers over one PostgreSQL, start-up.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/pgtest"
)

var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "pricebook-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "pricebook")
	if b := os.Getenv("PRICEBOOK_BIN"); b != "" {
		binary = b
	} else {
		cmd := exec.Command("go", "build", "-o", binary, "../../cmd/pricebook")
		cmd.Stderr = os.Stderr
		if err := cmd.Run(); err != nil {
			panic("building pricebook: " + err.Error())
		}
	}
	defer os.RemoveAll(dir)
	pgtest.Main(m)
}

// cli runs a pricebook subcommand and returns its stdout.
func cli(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(binary, args...).Output()
	if err != nil {
		var stderr []byte
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = ee.Stderr
		}
		t.Fatalf("pricebook %v: %v\n%s", args, err, stderr)
	}
	return strings.TrimSpace(string(out))
}

// server is a running pricebook process.
type server struct {
	t    testing.TB
	cmd  *exec.Cmd
	base string
	logs *syncBuffer
}

// syncBuffer is a buffer the log reader goroutine writes while tests read.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) WriteString(s string) {
	b.mu.Lock()
	b.buf.WriteString(s)
	b.mu.Unlock()
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// start runs `pricebook serve` on a free port and waits for /readyz.
func start(t testing.TB, db string, extra ...string) *server {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, extra...)...)
	cmd.Dir = t.TempDir() // where a PostgreSQL server keeps its default blob directory
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{t: t, cmd: cmd, logs: &syncBuffer{}}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			s.logs.WriteString(line + "\n")
			if m := listening.FindStringSubmatch(line); m != nil && !sent {
				found <- m[1]
				sent = true
			}
		}
	}()
	select {
	case s.base = <-found:
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start:\n%s", s.logs)
	}
	t.Cleanup(func() { s.kill() })
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("server never became ready:\n%s", s.logs)
	return nil
}

// stop sends SIGTERM and fails t unless the server exits cleanly within
// five seconds.
func (s *server) stop(t testing.TB) {
	t.Helper()
	began := time.Now()
	s.cmd.Process.Signal(syscall.SIGTERM)
	exited := make(chan error, 1)
	go func() { exited <- s.cmd.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("server exited with %v:\n%s", err, s.logs)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("server still stopping 15 s after SIGTERM:\n%s", s.logs)
	}
	if took := time.Since(began); took > 5*time.Second {
		t.Errorf("shutdown took %v", took)
	}
}

// kill ends the process with SIGKILL: no chance to flush anything.
func (s *server) kill() {
	if s.cmd.ProcessState == nil {
		s.cmd.Process.Kill()
		s.cmd.Wait()
	}
}

var client = &http.Client{Timeout: 30 * time.Second}

// call sends a JSON request with a bearer key and decodes a JSON reply.
func call(ctx context.Context, base, key, method, path string, body any, out any) (int, error) {
	return callAuth(ctx, base, "Bearer "+key, method, path, body, out)
}

// callAuth is call with any Authorization header value.
func callAuth(ctx context.Context, base, auth, method, path string, body any, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", auth)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, err
	}
	if out != nil && len(data) > 0 && resp.StatusCode < 300 {
		if err := json.Unmarshal(data, out); err != nil {
			return resp.StatusCode, fmt.Errorf("decode %s: %w", data, err)
		}
	}
	return resp.StatusCode, nil
}

// engines runs fn once with a SQLite file and once with a PostgreSQL URL.
func engines(t *testing.T, fn func(t *testing.T, db string)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, filepath.Join(t.TempDir(), "pricebook.db")) })
	t.Run("postgres", func(t *testing.T) { fn(t, pgtest.DSN(t)) })
}

func basicAuth(key string) string {
	return base64.StdEncoding.EncodeToString([]byte(key + ":"))
}
