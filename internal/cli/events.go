package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The journal commands talk to a running server through its
// /_pricebook/v1/ face, with the key of the partition to read (the
// environment variables the Dodo SDK reads are the defaults).

// apiFlags registers --base-url and --key.
func (e *env) apiFlags(fs interface {
	String(name, value, usage string) *string
}) (base, key *string) {
	def := e.getenv("DODO_PAYMENTS_BASE_URL")
	if def == "" {
		def = "http://127.0.0.1:8080"
	}
	base = fs.String("base-url", def, "the server (env DODO_PAYMENTS_BASE_URL)")
	key = fs.String("key", e.getenv("DODO_PAYMENTS_API_KEY"), "an API key of the partition to read (env DODO_PAYMENTS_API_KEY)")
	return base, key
}

// events prints the journal, one event a line as JSON: the newest first,
// or with --follow every event in commit order as it commits.
func (e *env) events(ctx context.Context, args []string) error {
	fs := e.flags("events")
	base, key := e.apiFlags(fs)
	typ := fs.String("type", "", "only events of this type, such as product.created")
	object := fs.String("object", "", "only events of this object id")
	limit := fs.Int("limit", 20, "how many of the newest events (1 to 200)")
	follow := fs.Bool("follow", false, "print every new event as it commits, until interrupted")
	if err := fs.Parse(args); err != nil {
		return err
	}
	q := url.Values{}
	if *typ != "" {
		q.Set("type", *typ)
	}
	if *object != "" {
		q.Set("object_id", *object)
	}
	if *follow {
		return e.followEvents(ctx, *base, *key, q)
	}
	q.Set("limit", fmt.Sprint(*limit))
	var list struct{ Data []json.RawMessage }
	if err := getJSON(ctx, *base+"/_pricebook/v1/events?"+q.Encode(), *key, &list); err != nil {
		return err
	}
	for _, ev := range list.Data {
		fmt.Fprintln(e.stdout, string(ev))
	}
	return nil
}

// followEvents tails the event stream, printing each event's data line.
func (e *env) followEvents(ctx context.Context, base, key string, q url.Values) error {
	res, err := get(ctx, base+"/_pricebook/v1/events/stream?"+q.Encode(), key)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	rd := bufio.NewReader(res.Body)
	for {
		line, err := rd.ReadString('\n')
		if data, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "data: "); ok {
			fmt.Fprintln(e.stdout, data)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
	}
}

// history prints an object's versions, oldest first, one event a line;
// with --as-of, the object's document as it was then.
func (e *env) history(ctx context.Context, args []string) error {
	fs := e.flags("history")
	base, key := e.apiFlags(fs)
	asOf := fs.String("as-of", "", "print the object as it was at this RFC 3339 time instead")
	id, rest := "", args
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		id, rest = args[0], args[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return err
	}
	if id == "" && fs.NArg() == 1 {
		id = fs.Arg(0)
	}
	if id == "" {
		return usageError{"usage: pricebook history ID [--as-of T] [--base-url U] [--key K]"}
	}
	if *asOf != "" {
		if _, err := time.Parse(time.RFC3339Nano, *asOf); err != nil {
			return usageError{"--as-of: " + err.Error()}
		}
		var doc json.RawMessage
		if err := getJSON(ctx, *base+"/_pricebook/v1/objects/"+url.PathEscape(id)+"?as_of="+url.QueryEscape(*asOf), *key, &doc); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, string(doc))
		return nil
	}
	cursor := ""
	for {
		var list struct {
			Data       []json.RawMessage
			NextCursor *string `json:"next_cursor"`
		}
		u := *base + "/_pricebook/v1/objects/" + url.PathEscape(id) + "/history?limit=200"
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		if err := getJSON(ctx, u, *key, &list); err != nil {
			return err
		}
		for _, ev := range list.Data {
			fmt.Fprintln(e.stdout, string(ev))
		}
		if len(list.Data) == 0 || list.NextCursor == nil {
			return nil
		}
		cursor = *list.NextCursor
	}
}

// getJSON GETs u with the key and decodes the answer into v.
func getJSON(ctx context.Context, u, key string, v any) error {
	res, err := get(ctx, u, key)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	return json.NewDecoder(res.Body).Decode(v)
}

// get GETs u with the key; any answer but 200 is an error.
func get(ctx context.Context, u, key string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != http.StatusOK {
		defer res.Body.Close()
		return nil, apiError(res)
	}
	return res, nil
}

// apiError words a refusal of the face ({"code", "message"}).
func apiError(res *http.Response) error {
	var body struct{ Code, Message string }
	raw, _ := io.ReadAll(io.LimitReader(res.Body, 1<<16))
	if json.Unmarshal(raw, &body) == nil && body.Message != "" {
		return fmt.Errorf("%s: %s (%s)", res.Status, body.Message, body.Code)
	}
	return fmt.Errorf("%s: %s", res.Status, strings.TrimSpace(string(raw)))
}
