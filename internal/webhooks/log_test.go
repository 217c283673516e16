package webhooks

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// TestRiverLogsWarningsOnly: River's routine lines (job counts, each
// retry) stay out of the server's log; its warnings and errors do not.
func TestRiverLogsWarningsOnly(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(atLeast{slog.NewTextHandler(&buf, nil), slog.LevelWarn}).With("component", "river")
	log.Info("producer: Producer job counts")
	log.Warn("elector: lost leadership")
	if out := buf.String(); strings.Contains(out, "job counts") || !strings.Contains(out, "lost leadership") || !strings.Contains(out, "component=river") {
		t.Errorf("log: %s", out)
	}
}
