package bench

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Receiver is a webhook receiver the benchmark runs itself: it answers
// every delivery 204 at once and counts them, so that writes can be
// measured with an endpoint subscribed to every event without a slow
// receiver holding deliveries back.
type Receiver struct {
	URL string
	n   atomic.Int64
	srv *http.Server
}

// StartReceiver listens on a loopback port (serve allows loopback webhook
// URLs for test-mode keys by default: --webhook-private-urls test).
func StartReceiver() (*Receiver, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	r := &Receiver{URL: "http://" + ln.Addr().String() + "/hook"}
	r.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		io.Copy(io.Discard, req.Body)
		r.n.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})}
	go r.srv.Serve(ln)
	return r, nil
}

// Deliveries is how many deliveries arrived so far.
func (r *Receiver) Deliveries() int64 { return r.n.Load() }

// Drain waits until no delivery arrived for quiet, or for at most limit,
// and returns the count and whether it went quiet.
func (r *Receiver) Drain(quiet, limit time.Duration) (int64, bool) {
	end := time.Now().Add(limit)
	last := r.Deliveries()
	for time.Now().Before(end) {
		time.Sleep(quiet)
		n := r.Deliveries()
		if n == last {
			return n, true
		}
		last = n
	}
	return last, false
}

// Close stops the receiver.
func (r *Receiver) Close() { r.srv.Close() }

// Subscribe creates, through the Dodo face, one webhook endpoint of the
// key's tenant pointing at url, subscribed to every event (no
// filter_types).
func Subscribe(ctx context.Context, base, key, url string) error {
	body := fmt.Sprintf(`{"url":%q,"description":"pricebook bench receiver"}`, url)
	return do(ctx, "POST", base+"/webhooks", "Bearer "+key, body, 200, nil)
}
