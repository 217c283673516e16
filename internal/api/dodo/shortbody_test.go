package dodo_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// rawRequest sends head and then body over a new connection to srv; with
// closeWrite it then half-closes, as a client that gave up would. It
// returns the response.
func rawRequest(t *testing.T, srv *httptest.Server, head, body string, closeWrite bool) (*http.Response, string) {
	t.Helper()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, head+"\r\n"+body); err != nil {
		t.Fatal(err)
	}
	if closeWrite {
		conn.(*net.TCPConn).CloseWrite()
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no response: %v", err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(b)
}

// TestShortBody: a body shorter than its Content-Length is the client's
// error: 400 when the connection ends early, 408 when it stalls past the
// read timeout, in the envelope, with or without an Idempotency-Key.
func TestShortBody(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		srv := httptest.NewUnstartedServer(h.h)
		srv.Config.ReadTimeout = 500 * time.Millisecond
		srv.Start()
		defer srv.Close()
		for _, idem := range []string{"", "Idempotency-Key: short-1\r\n"} {
			head := "POST /products HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + h.keys["a"] + "\r\nContent-Type: application/json\r\n" +
				idem + fmt.Sprintf("Content-Length: %d\r\n", len(oneTimeBody))
			part := oneTimeBody[:20]
			for _, c := range []struct {
				closeWrite bool
				status     int
				code, msg  string
			}{{true, 400, "BAD_REQUEST", "request body ended before its Content-Length"}, {false, 408, "REQUEST_TIMEOUT", ""}} {
				resp, body := rawRequest(t, srv, head, part, c.closeWrite)
				var e struct{ Code, Message string }
				json.Unmarshal([]byte(body), &e)
				if resp.StatusCode != c.status || e.Code != c.code || !strings.Contains(e.Message, c.msg) {
					t.Errorf("%q close %v: %d %s", idem, c.closeWrite, resp.StatusCode, body)
				}
			}
		}
		if n := h.count(h.keys["a"]); n != 0 {
			t.Errorf("%d products", n)
		}
	})
}
