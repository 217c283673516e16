package store

import (
	"context"
	"sync"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the catalog's persistence for both engines: its exported
// methods are the use cases, each one transaction of db.
type Store struct {
	db     *db
	engine Engine

	// Now and NewID are injectable so tests can be deterministic.
	Now   func() time.Time
	NewID catalog.IDGen

	// keyCache holds recently verified API keys (keys.go).
	keyMu    sync.Mutex
	keyCache map[string]cachedKey

	// decoded caches decoded product documents (productcache.go).
	decoded decodedCache

	// pages remembers where served list pages ended (pagecursor.go).
	pages pageCursors

	// render holds the faces' journal renderers (journal.go).
	render renderers

	// faults and clocks hold recent snapshots of the fault rules
	// (faults.go) and the test clocks (clock.go).
	faults snapshot[faultRules]
	clocks snapshot[testClocks]

	// privateURLs says when webhook URLs may name private addresses.
	privateURLs catalog.PrivateURLs
}

// Options tune Open.
type Options struct {
	// ReadConns is the size of the SQLite read pool (default: 2×CPUs, ≥4).
	ReadConns int
	// Owner makes the process the only one that may open a SQLite file
	// with Owner set (a server; bulk loads), so that Version sees every
	// change to the catalog. Open fails while another process owns it.
	Owner bool
	// Observer, when set, hears of commits and pool waits (metrics).
	Observer Observer
	// WebhookPrivateURLs says when a webhook endpoint's URL may name a
	// loopback, private or link-local address (default: test mode only).
	WebhookPrivateURLs catalog.PrivateURLs
}

// Observer hears what the store's write and read paths spend, for
// metrics: each commit (n writes in it, SQLite's group commit; 1 on
// PostgreSQL) and each wait for a pool turn.
type Observer interface {
	WriteBatch(n int, commit time.Duration)
	PoolWait(d time.Duration)
}

type noObserver struct{}

func (noObserver) WriteBatch(int, time.Duration) {}
func (noObserver) PoolWait(time.Duration)        {}

// Open opens the database named by dsn: a postgres:// (or postgresql://)
// URL selects PostgreSQL; ":memory:" an ephemeral SQLite database; anything
// else is a SQLite file path. It does not migrate.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	d, err := openDB(ctx, dsn, opt)
	if err != nil {
		return nil, err
	}
	private := opt.WebhookPrivateURLs
	if private == "" {
		private = catalog.PrivateURLsTest
	}
	return &Store{db: d, engine: d.engine, Now: func() time.Time { return time.Now().UTC() }, NewID: catalog.NewID,
		privateURLs: private}, nil
}

// Engine reports the engine in use.
func (s *Store) Engine() Engine { return s.engine }

// Ready reports whether the database answers.
func (s *Store) Ready(ctx context.Context) error { return s.db.ready(ctx) }

// Close closes every connection, after the writes already queued.
func (s *Store) Close() error { return s.db.close() }

// now returns the current time at stored precision.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }
