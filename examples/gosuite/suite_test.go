// Package gosuite is the Go example of README "Pricebook in your test
// suite", run as written: TestMain starts a server the way a suite would
// (here it builds it first), and TestREADMEShowsThisFile keeps the README's
// copy equal to the part between the markers.
package gosuite

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// base is the server's URL, as TestMain started it.
var base string

func TestMain(m *testing.M) { os.Exit(run(m)) }

func run(m *testing.M) int {
	dir, err := os.MkdirTemp("", "gosuite")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)
	bin := os.Getenv("PRICEBOOK_BIN")
	if bin == "" {
		bin = filepath.Join(dir, "pricebook")
		build := exec.Command("go", "build", "-o", bin, "../../cmd/pricebook")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			panic(err)
		}
	}
	srv := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--db", ":memory:", "--open-test-keys")
	stderr, _ := srv.StderrPipe()
	if err := srv.Start(); err != nil {
		panic(err)
	}
	defer srv.Process.Kill()
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := regexp.MustCompile(`listening on (http://\S+)`).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	go func() {
		for sc.Scan() {
		}
	}()
	if base == "" {
		panic("the server did not start")
	}
	return m.Run()
}

// README-begin

// namespace returns a token no one issued: with serve --open-test-keys its
// first request makes an empty business of its own, so every test gets a
// fresh catalog with no set-up and no clean-up.
func namespace() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "pb_test_" + hex.EncodeToString(b)
}

// call sends a JSON request with key and extra headers ("Name: value")
// and decodes the JSON answer.
func call(t *testing.T, key, method, path string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var buf bytes.Buffer
	if body != nil {
		json.NewEncoder(&buf).Encode(body)
	}
	req, err := http.NewRequest(method, base+path, &buf)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/json")
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out
}

var pro = map[string]any{"name": "Pro", "tax_category": "saas",
	"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 1999, "discount": 0, "purchasing_power_parity": false}}

// The write commits, then the answer is lost (a 500): a retry with the
// same Idempotency-Key gets the stored answer, and one product exists.
func TestRetryAfterACommittedFailure(t *testing.T) {
	key := namespace()
	status, _ := call(t, key, "POST", "/products", pro, "Idempotency-Key: create-pro", "Pricebook-Fault: after-commit; status=500")
	if status != 500 {
		t.Fatalf("faulted create: %d", status)
	}
	status, p := call(t, key, "POST", "/products", pro, "Idempotency-Key: create-pro")
	if status != 200 {
		t.Fatalf("retry: %d %v", status, p)
	}
	_, list := call(t, key, "GET", "/products", nil)
	if items := list["items"].([]any); len(items) != 1 || items[0].(map[string]any)["product_id"] != p["product_id"] {
		t.Errorf("products after the retry: %v", items)
	}
}

// A discount that expires tomorrow, tested without waiting: the
// namespace's test clock moves on by two days.
func TestDiscountExpiresByTheClock(t *testing.T) {
	key := namespace()
	call(t, key, "POST", "/_pricebook/v1/clock", map[string]any{"now": "2030-01-01T00:00:00Z"})
	call(t, key, "POST", "/discounts", map[string]any{"type": "percentage", "amount": 1000, "code": "NEWYEAR", "expires_at": "2030-01-02T00:00:00Z"})
	if status, d := call(t, key, "GET", "/discounts/code/NEWYEAR", nil); status != 200 {
		t.Fatalf("before expiry: %d %v", status, d)
	}
	call(t, key, "POST", "/_pricebook/v1/clock", map[string]any{"advance": "48h"})
	if status, e := call(t, key, "GET", "/discounts/code/NEWYEAR", nil); status != 422 || e["code"] != "DISCOUNT_CODE_EXPIRED" {
		t.Errorf("after expiry: %d %v", status, e)
	}
}

// One namespace for a group of tests, emptied between them.
func TestResetBetweenTests(t *testing.T) {
	key := namespace()
	for i := range 2 {
		call(t, key, "POST", "/_pricebook/v1/reset", nil)
		if _, list := call(t, key, "GET", "/products", nil); len(list["items"].([]any)) != 0 {
			t.Fatalf("run %d: not empty after reset", i)
		}
		call(t, key, "POST", "/products", pro)
	}
}

// README-end

// TestREADMEShowsThisFile: the README's Go example is this file's part
// between the markers, so what users copy is what runs here.
func TestREADMEShowsThisFile(t *testing.T) {
	src, err := os.ReadFile("suite_test.go")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, part, _ := strings.Cut(string(src), "// README-"+"begin\n")
	part, _, _ = strings.Cut(part, "// README-"+"end\n")
	if !strings.Contains(string(readme), strings.TrimSpace(part)) {
		t.Error("README.md lacks the example of examples/gosuite/suite_test.go between its markers; copy it")
	}
}
