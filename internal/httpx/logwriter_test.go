package httpx

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestLogWriterFlushes(t *testing.T) {
	var out lockedBuffer
	l := NewLogWriter(&out, 10*time.Millisecond)
	l.Write([]byte("first\n"))
	deadline := time.Now().Add(5 * time.Second)
	for out.String() != "first\n" {
		if time.Now().After(deadline) {
			t.Fatalf("a buffered line was not written out by the flusher: %q", out.String())
		}
		time.Sleep(time.Millisecond)
	}
	l.Write([]byte("second\n"))
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if got := out.String(); !strings.HasSuffix(got, "second\n") {
		t.Fatalf("Close did not write out the rest: %q", got)
	}
}
