package httpx

import (
	"fmt"
	"io"
	"net/http"
	"time"
)

// Stream is how Stream answers with Server-Sent Events.
type Stream struct {
	// Hello is the comment the stream opens with.
	Hello string
	// Poll is how often Next is called while it has nothing more.
	Poll time.Duration
	// Heartbeat is how long a quiet stream waits before a comment that
	// keeps proxies from closing it; Alive, when set, is asked first, and
	// false ends the stream (a session signed out meanwhile).
	Heartbeat time.Duration
	Alive     func() bool
	// Done, when closed, ends the stream (the server shutting down; the
	// client resumes elsewhere).
	Done <-chan struct{}
}

// Serve answers r with a stream of events: next writes what is new (in
// the "event:"/"data:" form) and says how many it wrote and whether more
// wait already. It runs until the client goes away, Done closes, Alive
// says no, or next fails: the answer has begun by then, so that ends it
// too (an EventSource reconnects). The stream outlives the server's write
// timeout.
func (s Stream) Serve(w http.ResponseWriter, r *http.Request, next func(io.Writer) (n int, more bool, err error)) error {
	rc := http.NewResponseController(w)
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, ": %s\n\n", s.Hello)
	rc.Flush()
	rc.SetWriteDeadline(time.Time{})
	poll := time.NewTicker(s.Poll)
	defer poll.Stop()
	quiet := time.Now()
	for {
		n, more, err := next(w)
		if err != nil {
			return nil
		}
		if n == 0 && time.Since(quiet) > s.Heartbeat {
			if s.Alive != nil && !s.Alive() {
				return nil
			}
			fmt.Fprint(w, ": heartbeat\n\n")
			n = 1
		}
		if n > 0 {
			quiet = time.Now()
			if rc.Flush() != nil {
				return nil
			}
		}
		if more {
			continue
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-s.Done:
			return nil
		case <-poll.C:
		}
	}
}
