package bench

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// BaselineHandler is the physical ceiling Pricebook is measured against:
// it decodes the request body as JSON and encodes a JSON response of the
// size asked for in X-Bench-Size, with no storage and no routing.
func BaselineHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if len(body) > 0 {
			var v any
			if err := json.Unmarshal(body, &v); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		size, _ := strconv.Atoi(r.Header.Get("X-Bench-Size"))
		// {"data":"xxx"} plus a newline, the same framing as the server.
		pad := max(0, size-len(`{"data":""}`)-1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"data": strings.Repeat("x", pad)})
	})
}
