package bench

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// DepthPoint is what one sequential walk from a depth measured.
type DepthPoint struct {
	StartPage int     `json:"start_page"`
	Pages     int     `json:"pages"`
	MSPerPage float64 `json:"ms_per_page"`
	// FirstMS is the walk's first page, which only OFFSET can find.
	FirstMS float64 `json:"first_ms"`
}

// ProbeDepth walks pages of 100 with one client, one page after another
// as an SDK iterator does, from the top, the middle and the end of a
// catalog of total products, and reports each walk's cost per page after
// its first. Each walk's query carries a parameter of its own, which the
// server ignores but its read cache does not, so every page is read from
// storage.
func ProbeDepth(ctx context.Context, base string, hdr http.Header, total, pages int) ([]DepthPoint, error) {
	last := max(0, total/100-pages-1)
	var out []DepthPoint
	run := time.Now().UnixNano()
	for i, start := range []int{0, last / 2, last} {
		var first time.Duration
		t0 := time.Now()
		for p := start; p <= start+pages; p++ {
			url := fmt.Sprintf("%s/products?page_size=100&page_number=%d&probe=%d-%d", base, p, run, i)
			req, _ := http.NewRequestWithContext(ctx, "GET", url, nil)
			for k, v := range hdr {
				req.Header[k] = v
			}
			t := time.Now()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				return nil, err
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				return nil, fmt.Errorf("depth probe: page %d: %s", p, resp.Status)
			}
			if p == start {
				first = time.Since(t)
				t0 = time.Now()
			}
		}
		out = append(out, DepthPoint{StartPage: start, Pages: pages, FirstMS: ms(first),
			MSPerPage: ms(time.Since(t0)) / float64(pages)})
	}
	return out, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
