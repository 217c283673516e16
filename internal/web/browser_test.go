package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/pricebook/pricebook/internal/cli"
)

// chromium is Debian's browser, which scripts/test.sh installs.
const chromium = "/usr/bin/chromium"

// stepTimeout bounds each browser step, so a page that is not what a
// step waits for fails the test with the page shown instead of hanging.
const stepTimeout = 45 * time.Second

// Every screenshot goes to a temporary directory the test names; with
// screenshotsEnv set to "update", those in committedShots are also
// written to docs/screenshots (the README shows them).
const screenshotsEnv = "PRICEBOOK_SCREENSHOTS"

var committedShots = map[string]bool{"product": true, "history": true}

// syncBuffer is a bytes.Buffer a server goroutine writes while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server runs `pricebook serve` as a new user would, in this process, and
// returns the URL and key it prints.
type server struct {
	url, key, db string
	stop         func()
}

func startServer(t *testing.T) *server {
	t.Helper()
	db := filepath.Join(t.TempDir(), "pricebook.db")
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	noEnv := func(string) string { return "" }
	go func() {
		done <- cli.Run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db, "--webhook-retry-schedule", "0s,1h"},
			noEnv, strings.NewReader(""), &stdout, &stderr)
	}()
	s := &server{db: db}
	s.stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(40 * time.Second):
			t.Error("serve did not stop")
		}
	}
	keyRE, urlRE := regexp.MustCompile(`DODO_PAYMENTS_API_KEY=(\S+)`), regexp.MustCompile(`dashboard at (\S+)`)
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		k, u := keyRE.FindStringSubmatch(stdout.String()), urlRE.FindStringSubmatch(stderr.String())
		if k != nil && u != nil {
			s.key, s.url = k[1], strings.TrimSuffix(u[1], "/dashboard/")
			return s
		}
		select {
		case rc := <-done:
			t.Fatalf("serve exited %d:\n%s\n%s", rc, stdout.String(), stderr.String())
		default:
		}
	}
	s.stop()
	t.Fatalf("serve printed no key and URL:\n%s\n%s", stdout.String(), stderr.String())
	return nil
}

// api calls the Dodo face with the server's key.
func (s *server) api(t *testing.T, method, path string, body any) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, s.url+path, bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var v map[string]any
	json.Unmarshal(out, &v)
	if resp.StatusCode >= 300 {
		t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, out)
	}
	return v
}

// TestBrowser drives the dashboard in headless Chromium through what its
// users do: sign in with the key serve printed, create a product, find
// it, change its price, read the history and its diff, preview a
// collection's pricing table, replay a failed webhook delivery, watch the
// live tail, sign out; a read-only key cannot submit, a forged CSRF token
// is refused, and hostile markup in a name, a description and metadata
// never runs. It writes screenshots of the main pages.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but %s is missing: scripts/test.sh installs Debian's chromium", chromium)
		}
		t.Skipf("%s not found (apt-get install -y chromium; scripts/test.sh installs it): the browser test needs it", chromium)
	}
	shots, err := os.MkdirTemp("", "pricebook-screenshots-")
	if err != nil {
		t.Fatal(err)
	}
	update := os.Getenv(screenshotsEnv) == "update"
	t.Logf("screenshots in %s", shots)

	// A webhook receiver that fails until told otherwise.
	var status atomic.Int32
	status.Store(500)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(int(status.Load()))
	}))
	defer hook.Close()

	s := startServer(t)
	defer s.stop()
	endpoint := s.api(t, "POST", "/webhooks", map[string]any{"url": hook.URL, "description": "receiver <b>that fails</b>"})
	endpointID, _ := endpoint["id"].(string)
	var roOut syncBuffer
	if rc := cli.Run(context.Background(), []string{"keys", "create", "--read-only", "--db", s.db}, func(string) string { return "" },
		strings.NewReader(""), &roOut, io.Discard); rc != 0 {
		t.Fatalf("keys create: %d", rc)
	}
	roKey := strings.TrimSpace(roOut.String())

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium), chromedp.Flag("headless", true),
		chromedp.NoSandbox, chromedp.DisableGPU, chromedp.Flag("disable-quic", true), chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 900))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancelBrowser := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	defer cancelBrowser()
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	defer cancelTimeout()

	// Any dialog is markup that ran: count it and dismiss it. Script
	// errors are collected too.
	var dialogs atomic.Int32
	var jsErrors syncBuffer
	opened := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range opened {
			if err != nil {
				return
			}
			dialogs.Add(1)
			chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	thrown := chromedp.Events(ctx, runtime.ExceptionThrown)
	go func() {
		for ev, err := range thrown {
			if err != nil {
				return
			}
			if d := ev.ExceptionDetails; d != nil {
				fmt.Fprintf(&jsErrors, "%s at %s:%d\n", d.Text, d.URL, d.LineNumber)
			}
		}
	}()

	fail := func(step string, err error) {
		t.Helper()
		c, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		loc, _ := chromedp.Run(c, chromedp.Location())
		body, _ := chromedp.Run(c, chromedp.OuterHTML(chromedp.CSS("main")))
		t.Fatalf("%s: %v\nat %s:\n%s", step, err, loc, body)
	}
	run := func(step string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		t.Logf("step: %s", step)
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		if err := chromedp.Do(sctx, steps...); err != nil {
			fail(step, err)
		}
	}
	eval := func(step, expr string) int {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		n, err := chromedp.Run(sctx, chromedp.Evaluate[int](expr))
		if err != nil {
			fail(step, err)
		}
		return n
	}
	shot := func(name string) {
		t.Helper()
		var buf []byte
		var err error
		for try := 0; try < 2 && (try == 0 || err != nil); try++ {
			sctx, cancel := context.WithTimeout(ctx, stepTimeout)
			buf, err = chromedp.Run(sctx, chromedp.FullScreenshot(100))
			cancel()
		}
		if err != nil {
			fail("screenshot "+name, err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), buf, 0o644); err != nil {
			t.Fatal(err)
		}
		if update && committedShots[name] {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "screenshots", name+".png"), buf, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	text := func(sel string) string {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, stepTimeout)
		defer cancel()
		s, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
		if err != nil {
			fail("text of "+sel, err)
		}
		return s
	}
	noInjection := func(where string) {
		t.Helper()
		n := eval("injected elements", `document.querySelectorAll('img[src="x"], svg, script:not([src]), [onerror], [onload]').length`)
		if n != 0 || dialogs.Load() != 0 {
			t.Fatalf("%s: %d injected elements, %d dialogs", where, n, dialogs.Load())
		}
	}
	// accessible checks what a page can be checked for mechanically: one
	// h1, a label (or aria-label) for every control, an accessible name for
	// every button, and no horizontal scrolling at a phone's width.
	accessible := func(where string) {
		t.Helper()
		if n := eval("h1", `document.querySelectorAll("h1").length`); n != 1 {
			t.Errorf("%s: %d h1 elements", where, n)
		}
		if n := eval("labels", `[...document.querySelectorAll('input:not([type=hidden]), select, textarea')].filter(e => !e.labels.length && !e.getAttribute("aria-label")).length`); n != 0 {
			t.Errorf("%s: %d controls without a label", where, n)
		}
		if n := eval("buttons", `[...document.querySelectorAll("button")].filter(b => !b.textContent.trim() && !b.getAttribute("aria-label")).length`); n != 0 {
			t.Errorf("%s: %d buttons without a name", where, n)
		}
	}
	css := func(sel string) chromedp.CSS { return chromedp.CSS(sel) }
	signIn := func(key string) {
		t.Helper()
		run("sign in", chromedp.Navigate(s.url+"/"), chromedp.WaitVisible(css("#f-key")),
			chromedp.SendKeys(css("#f-key"), key), chromedp.Click(css("#signin")),
			chromedp.WaitVisible(css("#h-counts")))
	}

	// Sign in with the key serve printed, from the root URL it printed.
	signIn(s.key)
	accessible("overview")
	shot("overview")

	// Create a product, hostile markup in its description and metadata.
	const name = "Browser plan"
	run("new product form", chromedp.Navigate(s.url+"/dashboard/products/new"), chromedp.WaitVisible(css("#f-name")))
	accessible("new product form")
	run("create product", chromedp.SendKeys(css("#f-name"), name),
		chromedp.SendKeys(css("#f-description"), `Everything <img src=x onerror="alert(1)"><script>alert(2)</script>`),
		chromedp.SetValue(css("#f-type"), "recurring_price"),
		chromedp.SetValue(css("#f-price"), "19.99"),
		chromedp.SetValue(css("#f-trial"), "14"),
		chromedp.SetValue(css("#f-metadata"), "note=\"><svg onload=alert(3)>"),
		chromedp.Click(css("#save-product")), chromedp.WaitVisible(css("#price-words")))
	lctx, cancelLoc := context.WithTimeout(ctx, stepTimeout)
	loc, err := chromedp.Run(lctx, chromedp.Location())
	cancelLoc()
	if err != nil {
		t.Fatal(err)
	}
	productID := strings.TrimSuffix(loc[strings.LastIndex(loc, "/")+1:], "?ok=created")
	if w := text("#price-words"); !strings.Contains(w, "USD 19.99, billed every month") || !strings.Contains(w, "Trial: 14 days free") {
		t.Fatalf("price in words: %q", w)
	}
	noInjection("product page")

	// Find it in the list.
	run("search", chromedp.Navigate(s.url+"/dashboard/products"), chromedp.WaitVisible(css("#f-q")),
		chromedp.SendKeys(css("#f-q"), "browser"), chromedp.Click(css("#search")),
		chromedp.WaitVisible(css(`#products a[href="/dashboard/products/`+productID+`"]`)))
	noInjection("product list")
	accessible("product list")
	shot("products")

	// Change its price.
	run("edit price", chromedp.Click(css(`#products a[href="/dashboard/products/`+productID+`"]`)),
		chromedp.WaitVisible(css("#edit-product")), chromedp.Click(css("#edit-product")),
		chromedp.WaitVisible(css("#f-price")), chromedp.SetValue(css("#f-price"), "24.50"),
		chromedp.Click(css("#save-product")), chromedp.WaitVisible(css("#headline")))
	if h := text("#headline"); h != "USD 24.50 / month" {
		t.Fatalf("headline after the edit: %q", h)
	}
	accessible("product")
	shot("product")
	run("phone width", chromedp.EmulateViewport(390, 844))
	if n := eval("phone overflow", `document.documentElement.scrollWidth > window.innerWidth ? 1 : 0`); n != 0 {
		t.Error("the product page scrolls sideways at a phone's width")
	}
	shot("product-phone")
	run("desktop width", chromedp.EmulateViewport(1280, 900))

	// The history shows both versions, who made them, and the diff.
	run("history", chromedp.Click(css("#history-link")), chromedp.WaitVisible(css("#diff")))
	if v := text("#versions"); !strings.Contains(v, "product.created") || !strings.Contains(v, "product.updated") || !strings.Contains(v, "key_") {
		t.Fatalf("versions: %q", v)
	}
	if d := text("#diff"); !strings.Contains(d, "price.price") || !strings.Contains(d, "1999") || !strings.Contains(d, "2450") {
		t.Fatalf("diff: %q", d)
	}
	noInjection("history")
	accessible("history")
	shot("history")

	// A collection with a group holding the product, previewed as cards.
	run("collection", chromedp.Navigate(s.url+"/dashboard/collections"), chromedp.WaitVisible(css("#f-cname")),
		chromedp.SendKeys(css("#f-cname"), "Plans"), chromedp.SendKeys(css("#f-gname"), "Team"),
		chromedp.Click(css("#p-"+productID)), chromedp.Click(css("#create-collection")),
		chromedp.WaitVisible(css("#pricing-table .plan-card")))
	if c := text("#pricing-table"); !strings.Contains(c, "Team") || !strings.Contains(c, name) || !strings.Contains(c, "USD 24.50 / month") {
		t.Fatalf("pricing table: %q", c)
	}
	accessible("collection")
	shot("collection")

	// A second group, then dragged above the first: app.js posts the new
	// order (the Up and Down buttons do it without script).
	run("second group", chromedp.SendKeys(css("#groups #f-gname"), "Solo"), chromedp.Click(css("#add-group")),
		chromedp.WaitVisible(css(".notice")), chromedp.WaitVisible(css("ol.groups li:nth-child(2)")),
		chromedp.ScrollIntoView(css("#h-groups")))
	run("drag a group", chromedp.DragAndDrop(css("ol.groups li:nth-child(2) span"), css("ol.groups li:nth-child(1) span")),
		chromedp.WaitVisible(`//p[@class="notice"][.="Group order saved."]`))
	if c := text("#pricing-table .plan-card h3"); c != "Solo" {
		t.Fatalf("first card after the drag: %q", c)
	}

	// The product's deliveries failed (the receiver answers 500); replay
	// one once the receiver is fixed, and see the new attempt succeed.
	webhookPage := s.url + "/dashboard/webhooks/" + endpointID
	waitRow := func(step, sel string) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(300 * time.Millisecond) {
			run(step, chromedp.Navigate(webhookPage), chromedp.WaitVisible(css("#h-deliveries")))
			if eval(step, `document.querySelectorAll(`+fmt.Sprintf("%q", sel)+`).length`) > 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s: no %s", step, sel)
			}
		}
	}
	waitRow("failed delivery", "#deliveries tr.failed")
	status.Store(200)
	run("replay", chromedp.Click(css("#deliveries tr.failed button.replay")), chromedp.WaitVisible(css(".notice")))
	if n := text(".notice"); n != "The delivery was queued again." {
		t.Fatalf("replay notice: %q", n)
	}
	waitRow("replayed delivery", "#deliveries tr.ok")
	accessible("webhook")
	shot("webhook")

	// The live tail shows a change made through the API as it commits.
	run("activity", chromedp.Navigate(s.url+"/dashboard/activity"), chromedp.WaitVisible(css("#tail")),
		chromedp.WaitVisible(`//p[@id="tail-state"][starts-with(., "Live")]`))
	s.api(t, "POST", "/products", map[string]any{"name": "From the API", "tax_category": "saas",
		"price": map[string]any{"type": "one_time_price", "currency": "USD", "price": 500, "discount": 0, "purchasing_power_parity": false}})
	run("live row", chromedp.WaitVisible(`//table[@id="tail"]//tr[contains(@class, "new")][contains(., "From the API")]`))
	shot("activity")

	// A forged CSRF token is refused, and nothing is created.
	run("forged csrf", chromedp.Navigate(s.url+"/dashboard/products/new"), chromedp.WaitVisible(css("#f-name")),
		chromedp.SendKeys(css("#f-name"), "Forged"), chromedp.SetValue(css("#f-price"), "1"),
		chromedp.SetAttributeValue(css(`form.edit input[name="csrf"]`), "value", "forged"),
		chromedp.Click(css("#save-product")), chromedp.WaitVisible(css(".problem")))
	if p := text(".problem"); !strings.Contains(p, "stale or forged") {
		t.Fatalf("forged token: %q", p)
	}

	// Sign out: the dashboard is closed again.
	run("sign out", chromedp.Navigate(s.url+"/dashboard/"), chromedp.WaitVisible(css("#signout")),
		chromedp.Click(css("#signout")), chromedp.WaitVisible(css("#f-key")))
	if n := text(".notice"); n != "You are signed out." {
		t.Fatalf("sign-out notice: %q", n)
	}
	run("after sign out", chromedp.Navigate(s.url+"/dashboard/products"), chromedp.WaitVisible(css("#f-key")))

	// A read-only key: no form that writes, and a write forced from the
	// page (a form built with the session's token) is refused.
	signIn(roKey)
	run("read-only product", chromedp.Navigate(s.url+"/dashboard/products/"+productID), chromedp.WaitVisible(css("#price-words")))
	forms := eval("forms", `document.querySelectorAll('form[method="post"]:not([action="/dashboard/signout"]):not([action="/dashboard/mode"])').length`)
	if forms != 0 || strings.Contains(text("main"), "Edit") {
		t.Fatalf("read-only product page has %d forms that write", forms)
	}
	eval("read-only forced post", `(() => {
		const f = document.createElement("form");
		f.method = "post"; f.action = "/dashboard/products/`+productID+`/archive";
		const c = document.createElement("input");
		c.type = "hidden"; c.name = "csrf"; c.value = document.querySelector('input[name="csrf"]').value;
		f.appendChild(c); document.body.appendChild(f); f.submit(); return 1; })()`)
	run("read-only refusal", chromedp.WaitVisible(css(".problem")))
	if p := text(".problem"); !strings.Contains(p, "read-only") {
		t.Fatalf("read-only write: %q", p)
	}
	got := s.api(t, "GET", "/products/"+productID, nil)
	if got["is_archived"] == true {
		t.Fatal("a read-only key archived the product")
	}
	list := s.api(t, "GET", "/products?page_size=100", nil)
	if items, _ := list["items"].([]any); len(items) != 2 {
		t.Fatalf("products after the refused writes: %d, want 2", len(items))
	}
	noInjection("end")
	if e := jsErrors.String(); e != "" {
		t.Errorf("script errors in the pages:\n%s", e)
	}
}
