package httpx

import (
	"bufio"
	"io"
	"sync"
	"time"
)

// LogWriter buffers log output and writes it out when the buffer fills
// and at least every interval, so a request's log line costs no system
// call of its own. Close writes out the rest. A crash loses at most the
// last interval of log lines, never data.
type LogWriter struct {
	mu    sync.Mutex
	w     *bufio.Writer
	dirty bool
	stop  chan struct{}
	done  chan struct{}
}

// NewLogWriter buffers w, flushing every interval.
func NewLogWriter(w io.Writer, interval time.Duration) *LogWriter {
	l := &LogWriter{w: bufio.NewWriterSize(w, 64<<10), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(l.done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				l.mu.Lock()
				if l.dirty {
					l.w.Flush()
					l.dirty = false
				}
				l.mu.Unlock()
			case <-l.stop:
				return
			}
		}
	}()
	return l
}

func (l *LogWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dirty = true
	return l.w.Write(p)
}

// Close stops the flusher and writes out what is buffered.
func (l *LogWriter) Close() error {
	close(l.stop)
	<-l.done
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Flush()
}
