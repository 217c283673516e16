package bench

import (
	"encoding/json"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
)

// Write saves the report as JSON, a Markdown table and an SVG chart in dir.
func (r *Report) Write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, _ := json.MarshalIndent(r, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "results.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	tf, err := os.Create(filepath.Join(dir, "results.md"))
	if err != nil {
		return err
	}
	r.Table(tf)
	tf.Close()
	return os.WriteFile(filepath.Join(dir, "results.svg"), []byte(r.SVG()), 0o644)
}

// Table writes the report as a Markdown table.
func (r *Report) Table(w io.Writer) {
	fmt.Fprintf(w, "engine %s, %d connections, %s per scenario, start-up to /readyz %.0f ms, peak RSS %.0f MB, server `%s`\n\n",
		r.Engine, r.Conns, r.Duration, r.StartupMS, r.MaxRSSMB, r.Server)
	tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', tabwriter.Debug)
	fmt.Fprintln(tw, "| scenario\t req/s\t baseline req/s\t ratio\t p50 ms\t p90 ms\t p99 ms\t p99.9 ms\t baseline p99 ms\t p99 ratio\t errors\t target\t met\t")
	fmt.Fprintln(tw, "|---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t")
	for _, s := range r.Scenarios {
		met := ""
		if s.Met != nil {
			met = map[bool]string{true: "yes", false: "NO"}[*s.Met]
		}
		fmt.Fprintf(tw, "| %s\t %.0f\t %.0f\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %.2f\t %d\t %s\t %s\t\n",
			s.Name, s.Pricebook.RPS, s.Baseline.RPS, s.RPSRatio, s.Pricebook.P50, s.Pricebook.P90, s.Pricebook.P99,
			s.Pricebook.P999, s.Baseline.P99, s.P99Ratio, s.Pricebook.Errors, s.Target, met)
	}
	tw.Flush()
	if r.Webhook != nil {
		drained := "all delivered"
		if !r.Webhook.Drained {
			drained = "still arriving when the benchmark stopped waiting"
		}
		fmt.Fprintf(w, "\nWebhook: %d endpoint(s) subscribed to every event, %d deliveries received by the benchmark's receiver (%s)", r.Webhook.Endpoints, r.Webhook.Deliveries, drained)
		for _, s := range r.Scenarios {
			if s.Deliveries != nil {
				fmt.Fprintf(w, "; %s %d", s.Name, *s.Deliveries)
			}
		}
		fmt.Fprintln(w, " (during each scenario's measurement).")
	}
	if sm := r.StripeMock; sm != nil {
		fmt.Fprintf(w, "\nstripe-mock (stores nothing) POST /v1/products over the same connections: %.0f req/s, p99 %.2f ms", sm.RPS, sm.P99)
		for _, s := range r.Scenarios {
			if s.Name == "create_product" && sm.RPS > 0 {
				fmt.Fprintf(w, "; Pricebook's durable create_product is %.2f× that", s.Pricebook.RPS/sm.RPS)
			}
		}
		fmt.Fprintln(w, ".")
	}
	if len(r.Depth) > 0 {
		fmt.Fprintf(w, "\nOne client walking pages of 100 in order, read from storage (the read cache bypassed):\n\n")
		tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', tabwriter.Debug)
		fmt.Fprintln(tw, "| from page\t first page ms (OFFSET)\t next pages\t ms per page (continued)\t")
		fmt.Fprintln(tw, "|---\t---\t---\t---\t")
		for _, d := range r.Depth {
			fmt.Fprintf(tw, "| %d\t %.2f\t %d\t %.2f\t\n", d.StartPage, d.FirstMS, d.Pages, d.MSPerPage)
		}
		tw.Flush()
	}
	if len(r.Storage) > 0 {
		fmt.Fprintf(w, "\nPostgreSQL's own ceilings (fsync %s, synchronous_commit %s, full_page_writes %s), and Pricebook against them: bare pgx over the same "+
			"connection count, no HTTP at all; and a bare net/http server doing one bare pgx statement a request (`bench-baseline --pgx`), over the same HTTP connections:\n\n",
			r.PGSettings["fsync"], r.PGSettings["synchronous_commit"], r.PGSettings["full_page_writes"])
		tw := tabwriter.NewWriter(w, 0, 4, 1, ' ', tabwriter.Debug)
		fmt.Fprintln(tw, "| pgx operation\t bare pgx req/s\t p99 ms\t HTTP + pgx req/s\t p99 ms\t Pricebook scenario\t its req/s\t p99 ms\t ratio to pgx\t ratio to HTTP + pgx\t")
		fmt.Fprintln(tw, "|---\t---\t---\t---\t---\t---\t---\t---\t---\t---\t")
		for _, op := range [][2]string{{"insert", "create_product"}, {"select", "get_product"}} {
			st, ok := r.Storage[op[0]]
			if !ok {
				continue
			}
			web := r.Storage["http_"+op[0]]
			for _, s := range r.Scenarios {
				if s.Name == op[1] && st.RPS > 0 {
					webRatio := "-"
					if web.RPS > 0 {
						webRatio = fmt.Sprintf("%.2f", s.Pricebook.RPS/web.RPS)
					}
					fmt.Fprintf(tw, "| %s\t %.0f\t %.2f\t %.0f\t %.2f\t %s\t %.0f\t %.2f\t %.2f\t %s\t\n", op[0], st.RPS, st.P99, web.RPS, web.P99,
						s.Name, s.Pricebook.RPS, s.Pricebook.P99, s.Pricebook.RPS/st.RPS, webRatio)
				}
			}
		}
		tw.Flush()
	}
}

// SVG draws throughput and p99 per scenario, Pricebook beside baseline.
func (r *Report) SVG() string {
	const rowH, barH, left, width = 44, 14, 170, 300
	h := 60 + rowH*len(r.Scenarios)
	maxRPS, maxP99 := 1.0, 0.001
	for _, s := range r.Scenarios {
		maxRPS = max(maxRPS, s.Pricebook.RPS, s.Baseline.RPS)
		maxP99 = max(maxP99, s.Pricebook.P99, s.Baseline.P99)
	}
	out := fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">`, left+2*width+80, h)
	out += fmt.Sprintf(`<text x="%d" y="18" font-weight="bold">throughput (req/s)</text><text x="%d" y="18" font-weight="bold">p99 latency (ms)</text>`, left, left+width+40)
	out += fmt.Sprintf(`<rect x="%d" y="26" width="10" height="10" fill="#2b6cb0"/><text x="%d" y="35">Pricebook</text><rect x="%d" y="26" width="10" height="10" fill="#a0aec0"/><text x="%d" y="35">baseline</text>`, left, left+14, left+90, left+104)
	for i, s := range r.Scenarios {
		y := 50 + i*rowH
		out += fmt.Sprintf(`<text x="4" y="%d">%s</text>`, y+barH, html.EscapeString(s.Name))
		bars := [][2]float64{{s.Pricebook.RPS / maxRPS, s.Pricebook.RPS}, {s.Baseline.RPS / maxRPS, s.Baseline.RPS}}
		lats := [][2]float64{{s.Pricebook.P99 / maxP99, s.Pricebook.P99}, {s.Baseline.P99 / maxP99, s.Baseline.P99}}
		for j, color := range []string{"#2b6cb0", "#a0aec0"} {
			yy := y + j*(barH+2)
			out += fmt.Sprintf(`<rect x="%d" y="%d" width="%.0f" height="%d" fill="%s"/><text x="%.0f" y="%d">%.0f</text>`,
				left, yy, bars[j][0]*width, barH, color, float64(left)+bars[j][0]*width+3, yy+11, bars[j][1])
			out += fmt.Sprintf(`<rect x="%d" y="%d" width="%.0f" height="%d" fill="%s"/><text x="%.0f" y="%d">%.2f</text>`,
				left+width+40, yy, lats[j][0]*width, barH, color, float64(left+width+40)+lats[j][0]*width+3, yy+11, lats[j][1])
		}
	}
	return out + "</svg>\n"
}
