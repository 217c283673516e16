package chartmogul_test

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pricebook/pricebook/internal/store"
	"github.com/pricebook/pricebook/internal/store/storetest"
)

// TestShortBody: a body shorter than its Content-Length is a 400 when the
// connection ends early and a 408 when it stalls past the read timeout.
func TestShortBody(t *testing.T) {
	storetest.Engines(t, func(t *testing.T, st *store.Store) {
		h := newHarness(t, st)
		srv := httptest.NewUnstartedServer(h.h)
		srv.Config.ReadTimeout = 500 * time.Millisecond
		srv.Start()
		defer srv.Close()
		body := `{"name":"Short"}`
		auth := base64.StdEncoding.EncodeToString([]byte(h.keys["a"] + ":"))
		for _, idem := range []string{"", "Idempotency-Key: short-1\r\n"} {
			head := "POST /v1/data_sources HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + auth + "\r\nContent-Type: application/json\r\n" +
				idem + fmt.Sprintf("Content-Length: %d\r\n", len(body)+10)
			for _, c := range []struct {
				closeWrite bool
				status     int
				want       string
			}{
				{true, 400, `{"code":400,"message":"Request body ended before its Content-Length","param":null}`},
				{false, 408, `{"code":408,"message":"Request body did not arrive in time","param":null}`},
			} {
				rawRequest(t, srv, head, body, c.closeWrite).is(t, c.status, c.want)
			}
		}
		h.do("GET", "/v1/data_sources", h.keys["a"], "").is(t, 200, `{"data_sources":[]}`)
	})
}

// rawRequest sends head and body over a new connection to srv, then
// half-closes it when closeWrite is set, and returns the response.
func rawRequest(t *testing.T, srv *httptest.Server, head, body string, closeWrite bool) response {
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
	return response{resp.StatusCode, resp.Header, b}
}
