// Package bench drives a running server over HTTP and reports throughput
// and latency next to a bare net/http baseline measured in the same run.
package bench

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request of a scenario.
type Request struct {
	Method, Path string
	Body         []byte
	// Header, when set, adds to (and overrides) the scenario's headers:
	// another tenant's key, another body type.
	Header http.Header
}

// Next makes the next request for connection conn; seq numbers requests
// across connections.
type Next func(conn int, seq int64) Request

// Result is what one scenario measured against one server.
type Result struct {
	Requests   int64   `json:"requests"`
	Errors     int64   `json:"errors"`
	RPS        float64 `json:"rps"`
	P50        float64 `json:"p50_ms"`
	P90        float64 `json:"p90_ms"`
	P99        float64 `json:"p99_ms"`
	P999       float64 `json:"p999_ms"`
	FirstError string  `json:"first_error,omitempty"`
}

// Drive sends requests made by next from conns concurrent connections for
// d and measures them. next is called concurrently with the connection's
// number (each connection sends its next request once the previous one is
// answered) and a global sequence number. Each response must have status
// want.
func Drive(ctx context.Context, base string, header http.Header, conns int, d time.Duration, want int, next Next) Result {
	tr := &http.Transport{MaxIdleConns: conns, MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var seq atomic.Int64
	return timed(ctx, conns, d, func(conn int) error {
		r := next(conn, seq.Add(1))
		req, _ := http.NewRequestWithContext(ctx, r.Method, base+r.Path, bytes.NewReader(r.Body))
		for k, v := range header {
			req.Header[k] = v
		}
		if r.Body != nil {
			req.Header.Set("Content-Type", "application/json")
		}
		for k, v := range r.Header {
			req.Header[k] = v
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != want {
			return errors.New(resp.Status + " " + string(body[:min(len(body), 200)]))
		}
		return nil
	})
}

// timed runs op from conns goroutines, each calling it again as soon as it
// returns, for d, and measures every call; conn is the goroutine's number.
func timed(ctx context.Context, conns int, d time.Duration, op func(conn int) error) Result {
	var errs atomic.Int64
	var firstErr atomic.Value
	lat := make([][]time.Duration, conns)
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			mine := make([]time.Duration, 0, 4096)
			for time.Now().Before(deadline) && ctx.Err() == nil {
				t0 := time.Now()
				err := op(w)
				mine = append(mine, time.Since(t0))
				if err != nil {
					errs.Add(1)
					firstErr.CompareAndSwap(nil, err.Error())
				}
			}
			lat[w] = mine
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	all := slices.Concat(lat...)
	slices.Sort(all)
	res := Result{Requests: int64(len(all)), Errors: errs.Load(), RPS: float64(len(all)) / elapsed.Seconds()}
	if len(all) > 0 {
		q := func(p float64) float64 {
			return float64(all[min(len(all)-1, int(p*float64(len(all))))].Microseconds()) / 1000
		}
		res.P50, res.P90, res.P99, res.P999 = q(0.50), q(0.90), q(0.99), q(0.999)
	}
	if v, ok := firstErr.Load().(string); ok {
		res.FirstError = v
	}
	return res
}
