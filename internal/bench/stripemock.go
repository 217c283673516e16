package bench

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"time"
)

// StartStripeMock runs the stripe-mock binary at exe (Stripe's own mock
// of its API, which validates requests and stores nothing) on a free
// loopback port, as a second reference for durable creates.
func StartStripeMock(exe string) (*Process, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(exe, "-http-addr", addr)
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{Cmd: cmd, Base: "http://" + addr}
	for {
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			break
		}
		if time.Since(t0) > 30*time.Second {
			cmd.Process.Kill()
			return nil, fmt.Errorf("stripe-mock at %s did not start", exe)
		}
		time.Sleep(10 * time.Millisecond)
	}
	p.Ready = time.Since(t0)
	return p, nil
}

// StripeMockCreate drives POST /v1/products against stripe-mock as
// create_product drives Pricebook: a named product with a description
// and metadata, form-encoded as Stripe's API takes it.
func StripeMockCreate(ctx context.Context, p *Process, conns int, d time.Duration) Result {
	hdr := http.Header{"Authorization": {"Bearer sk_test_123"}}
	form := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	next := func(_ int, seq int64) Request {
		body := fmt.Sprintf("name=Bench+%d&description=A+benchmark+product&metadata[seq]=%d", seq, seq)
		return Request{Method: "POST", Path: "/v1/products", Body: []byte(body), Header: form}
	}
	Drive(ctx, p.Base, hdr, conns, time.Second, 200, next)
	return Drive(ctx, p.Base, hdr, conns, d, 200, next)
}
