package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"time"
)

// Config is a benchmark run.
type Config struct {
	Exe       string        // the pricebook executable to run as server and baseline
	DB        string        // database for the server (it must be seeded already)
	Key       string        // an API key of the seeded tenant
	Conns     int           // concurrent connections
	Duration  time.Duration // measuring time per scenario and server
	Warmup    time.Duration
	Scenarios []Scenario
	Log       io.Writer
	// Deliveries, when set, counts the webhook deliveries received so
	// far (the --webhook receiver).
	Deliveries func() int64
}

// Report is a whole run: every scenario against Pricebook and the baseline.
type Report struct {
	Machine string `json:"machine"`
	Engine  string `json:"engine"`
	// Server is the server's command line after "serve".
	Server    string        `json:"server"`
	Conns     int           `json:"conns"`
	Duration  string        `json:"duration_per_scenario"`
	Started   time.Time     `json:"started"`
	Scenarios []ScenarioRun `json:"scenarios"`
	// StartupMS is process start to /readyz 200 on the existing database.
	StartupMS float64 `json:"startup_ms"`
	// MaxRSSMB is the server's peak resident memory over the run.
	MaxRSSMB float64 `json:"max_rss_mb"`
	// Depth is a single client's sequential walk from the top, the middle
	// and the end of the catalog (ProbeDepth).
	Depth []DepthPoint `json:"depth_probe,omitempty"`
	// Storage holds bare pgx figures on PostgreSQL: insert and select.
	Storage map[string]Result `json:"storage_baseline,omitempty"`
	// PGSettings are PostgreSQL's durability settings during the run.
	PGSettings map[string]string `json:"postgres_settings,omitempty"`
	// Webhook is the --webhook receiver's count, when one was subscribed.
	Webhook *WebhookRun `json:"webhook,omitempty"`
	// StripeMock is stripe-mock's POST /v1/products over the same
	// connections, when its binary was given (--stripe-mock).
	StripeMock *Result `json:"stripe_mock_create,omitempty"`
}

// WebhookRun is what the benchmark's own webhook receiver saw.
type WebhookRun struct {
	// Endpoints is how many endpoints were subscribed (one per tenant).
	Endpoints int `json:"endpoints"`
	// Deliveries is every delivery received, including those still
	// arriving after the last scenario (waited for until quiet).
	Deliveries int64 `json:"deliveries"`
	// Drained is false when deliveries were still arriving at the end of
	// the wait (a backlog left in the job queue).
	Drained bool `json:"drained"`
}

// ScenarioRun is one scenario's figures.
type ScenarioRun struct {
	Name      string  `json:"name"`
	Pricebook Result  `json:"pricebook"`
	Baseline  Result  `json:"baseline"`
	RPSRatio  float64 `json:"rps_ratio"`
	P99Ratio  float64 `json:"p99_ratio"`
	Target    string  `json:"target,omitempty"`
	Met       *bool   `json:"met,omitempty"`
	// Deliveries is the webhook deliveries received while the scenario
	// was measured against Pricebook (with --webhook).
	Deliveries *int64 `json:"webhook_deliveries,omitempty"`
}

// Process is a server started by the benchmark.
type Process struct {
	Cmd  *exec.Cmd
	Base string
	// Ready is the time from start to the first /readyz 200.
	Ready time.Duration
}

var listening = regexp.MustCompile(`listening on (http://\S+)`)

// Start runs exe with args, waits for its "listening on" line and, when
// ready is set, for GET ready to answer 200.
func Start(exe string, args []string, ready string) (*Process, error) {
	cmd := exec.Command(exe, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	cmd.Stdout = io.Discard
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := listening.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
				break
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	p := &Process{Cmd: cmd}
	select {
	case p.Base = <-found:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		return nil, fmt.Errorf("%s %v did not start", exe, args)
	}
	if ready != "" {
		for {
			resp, err := http.Get(p.Base + ready)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode == 200 {
					break
				}
			}
			if time.Since(t0) > 30*time.Second {
				cmd.Process.Kill()
				return nil, fmt.Errorf("%s never became ready", exe)
			}
			time.Sleep(time.Millisecond)
		}
	}
	p.Ready = time.Since(t0)
	return p, nil
}

// Stop ends the process gracefully.
func (p *Process) Stop() {
	p.Cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { p.Cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		p.Cmd.Process.Kill()
	}
}

// RSSMB reads the process's peak resident set (VmHWM) in MB from /proc.
func (p *Process) RSSMB() float64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Cmd.Process.Pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb float64
			fmt.Sscanf(strings.TrimSpace(strings.TrimPrefix(line, "VmHWM:")), "%f", &kb)
			return kb / 1024
		}
	}
	return 0
}

// Run measures every scenario against the server and the baseline.
func Run(ctx context.Context, cfg Config, pb, baseline *Process) (*Report, error) {
	rep := &Report{Conns: cfg.Conns, Duration: cfg.Duration.String(), Started: time.Now().UTC()}
	auth := http.Header{"Authorization": {"Bearer " + cfg.Key}}
	for _, sc := range cfg.Scenarios {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		fmt.Fprintf(cfg.Log, "scenario %-22s ", sc.Name)
		hdr := auth.Clone()
		for k, v := range sc.Header {
			hdr[k] = v
		}
		// A sample sizes the baseline's request and response.
		sample := sc.Next(0, 0)
		size, err := responseSize(pb.Base, hdr, sample)
		if err != nil {
			return rep, fmt.Errorf("%s: %w", sc.Name, err)
		}
		if sc.Prime != nil {
			if err := sc.Prime(ctx, pb.Base, hdr); err != nil {
				return rep, fmt.Errorf("%s: %w", sc.Name, err)
			}
		}
		if w := max(cfg.Warmup, sc.Warmup); w > 0 {
			Drive(ctx, pb.Base, hdr, cfg.Conns, w, sc.Status, sc.Next)
		}
		run := ScenarioRun{Name: sc.Name, Target: sc.Target}
		var before int64
		if cfg.Deliveries != nil {
			before = cfg.Deliveries()
		}
		run.Pricebook = Drive(ctx, pb.Base, hdr, cfg.Conns, cfg.Duration, sc.Status, sc.Next)
		if cfg.Deliveries != nil {
			n := cfg.Deliveries() - before
			run.Deliveries = &n
		}
		bh := http.Header{"X-Bench-Size": {fmt.Sprint(size)}}
		Drive(ctx, baseline.Base, bh, cfg.Conns, cfg.Warmup, 200, baselineOf(sc.Next))
		run.Baseline = Drive(ctx, baseline.Base, bh, cfg.Conns, cfg.Duration, 200, baselineOf(sc.Next))
		if run.Baseline.RPS > 0 {
			run.RPSRatio = run.Pricebook.RPS / run.Baseline.RPS
		}
		if run.Baseline.P99 > 0 {
			run.P99Ratio = run.Pricebook.P99 / run.Baseline.P99
		}
		if sc.Check != nil {
			met := sc.Check(run)
			run.Met = &met
		}
		fmt.Fprintf(cfg.Log, "%8.0f req/s (baseline %8.0f, %.2f)  p99 %6.2f ms (baseline %6.2f, %.2f)  errors %d",
			run.Pricebook.RPS, run.Baseline.RPS, run.RPSRatio, run.Pricebook.P99, run.Baseline.P99, run.P99Ratio, run.Pricebook.Errors)
		if run.Deliveries != nil {
			fmt.Fprintf(cfg.Log, "  webhook deliveries %d", *run.Deliveries)
		}
		fmt.Fprintln(cfg.Log)
		rep.Scenarios = append(rep.Scenarios, run)
	}
	return rep, nil
}

// baselineOf sends the scenario's bodies to the baseline; the path is only
// logged, the baseline serves every path the same way.
func baselineOf(next Next) Next {
	return func(conn int, i int64) Request {
		r := next(conn, i)
		return Request{Method: r.Method, Path: "/baseline", Body: r.Body}
	}
}

func responseSize(base string, hdr http.Header, r Request) (int, error) {
	req, _ := http.NewRequest(r.Method, base+r.Path, strings.NewReader(string(r.Body)))
	for k, v := range hdr {
		req.Header[k] = v
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return 0, fmt.Errorf("sample request %s %s: %s %s", r.Method, r.Path, resp.Status, body)
	}
	return len(body), err
}
