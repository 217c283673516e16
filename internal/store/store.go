// Package store persists the catalog in SQLite or PostgreSQL. Every
// exported method is one use case run in one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pricebook/pricebook/internal/catalog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Store is the catalog's persistence for both engines.
type Store struct {
	engine Engine
	// w runs every write; on SQLite only the group-commit writer uses it,
	// one transaction at a time, so writes never wait on each other.
	w *sql.DB
	// r serves reads; on SQLite a pool of read-only connections that WAL
	// lets run beside the writer.
	r *sql.DB

	// Now and NewID are injectable so tests can be deterministic.
	Now   func() time.Time
	NewID catalog.IDGen

	rebound sync.Map // query text -> PostgreSQL form

	// keyCache holds recently verified API keys (keys.go).
	keyMu    sync.Mutex
	keyCache map[string]cachedKey

	// decoded caches decoded product documents (productcache.go).
	decoded decodedCache

	// pages remembers where served list pages ended (pagecursor.go).
	pages pageCursors

	// turns admits users of the pool reads use, in order (takeTurn).
	turns chan struct{}

	// Prepared statements by query text, per pool (SQLite only: pgx keeps
	// its own statement cache). Parsing SQL was a fifth of a point read.
	rStmts, wStmts sync.Map
	preparing      sync.Map // read-transaction queries being prepared
	stmtCount      atomic.Int64
	stmtCache      bool

	// version counts committed write transactions; owner is set when this
	// process holds the SQLite file's owner lock, so that version tracks
	// every change (version.go).
	version atomic.Uint64
	owner   *ownerLock

	// The SQLite group-commit writer (writer.go).
	writes     chan *writeReq
	writerDone chan struct{}
	// The SQLite checkpointer (writer.go), for WAL files.
	checkpoints bool
	ckpt        chan struct{}
	ckptDone    chan struct{}
	restartDue  atomic.Bool
	closeMu     sync.RWMutex
	closed      bool
}

// pgConns is the PostgreSQL pool's size.
const pgConns = 32

// Options tune Open.
type Options struct {
	// ReadConns is the size of the SQLite read pool (default: 2×CPUs, ≥4).
	ReadConns int
	// Owner makes the process the only one that may open a SQLite file
	// with Owner set (a server; bulk loads), so that Version sees every
	// change to the catalog. Open fails while another process owns it.
	Owner bool
}

// Open opens the database named by dsn: a postgres:// (or postgresql://)
// URL selects PostgreSQL; ":memory:" an ephemeral SQLite database; anything
// else is a SQLite file path. It does not migrate.
func Open(ctx context.Context, dsn string, opt Options) (*Store, error) {
	s := &Store{Now: func() time.Time { return time.Now().UTC() }, NewID: catalog.NewID}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		s.engine = Postgres
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		s.w = stdlib.OpenDB(*cfg)
		s.w.SetMaxOpenConns(pgConns)
		s.w.SetMaxIdleConns(pgConns)
		s.turns = make(chan struct{}, pgConns)
		s.w.SetConnMaxIdleTime(5 * time.Minute)
		s.r = s.w
	} else {
		s.engine = SQLite
		if opt.Owner && dsn != ":memory:" {
			lock, err := lockOwner(dsn)
			if err != nil {
				return nil, err
			}
			s.owner = lock
		}
		if err := s.openSQLite(dsn, opt); err != nil {
			s.owner.release()
			return nil, err
		}
		if dsn == ":memory:" {
			s.owner = &ownerLock{} // one connection of one process
		}
		s.startWriter()
	}
	if err := s.Ready(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return s, nil
}

func (s *Store) openSQLite(path string, opt Options) error {
	// temp_store: statement and savepoint journals in memory instead of
	// temporary files (they were a twentieth of a create's cost).
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_time_format=sqlite"
	if path == ":memory:" {
		// An in-memory database lives in one connection, so reads and
		// writes share it.
		db, err := sql.Open("sqlite", "file::memory:?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return err
		}
		db.SetMaxOpenConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		s.w, s.r = db, db
		return nil
	}
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	// wal_autocheckpoint(0): the writer never copies the WAL back into
	// the database itself; the checkpointer does, beside it (writer.go).
	w, err := sql.Open("sqlite", u+"?"+pragmas+"&_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)&_txlock=immediate")
	if err != nil {
		return err
	}
	// Two connections, of which the single writer goroutine uses one at a
	// time for transactions: the other is free to prepare statements.
	w.SetMaxOpenConns(2)
	w.SetMaxIdleConns(2)
	w.SetConnMaxIdleTime(0)
	// Set WAL before any reader opens, so readers never see a rollback
	// journal database.
	if _, err := w.Exec("PRAGMA journal_mode=WAL"); err != nil {
		w.Close()
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	n := opt.ReadConns
	if n <= 0 {
		n = max(4, 2*runtime.NumCPU())
	}
	r, err := sql.Open("sqlite", u+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		w.Close()
		return err
	}
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	r.SetConnMaxIdleTime(0)
	s.turns = make(chan struct{}, n)
	s.w, s.r = w, r
	s.stmtCache = true
	s.checkpoints = true
	return nil
}

// Engine reports the engine in use.
func (s *Store) Engine() Engine { return s.engine }

// Ready reports whether the database answers.
func (s *Store) Ready(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes every connection.
func (s *Store) Close() error {
	s.stopWriter()
	for _, cache := range []*sync.Map{&s.rStmts, &s.wStmts} {
		cache.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	}
	err := s.w.Close()
	if s.r != s.w {
		err = errors.Join(err, s.r.Close())
	}
	// Last: closing the lock's descriptor while SQLite still had the file
	// open would drop SQLite's own POSIX locks.
	s.owner.release()
	return err
}

// q converts a query written with ? placeholders to the engine's form.
func (s *Store) q(query string) string {
	if s.engine != Postgres {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inString := false
	for i := 0; i < len(query); i++ {
		c := query[i]
		if c == '\'' {
			inString = !inString
		}
		if c == '?' && !inString {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	out := b.String()
	s.rebound.Store(query, out)
	return out
}

// pq is q for a query with its arguments: on PostgreSQL it also writes a
// trailing LIMIT (and OFFSET) into the text. Bound as parameters, they
// are invisible to a generic plan, which then sorted whole tables for a
// page of ten; written into the text, the server may use generic plans
// (planned once per connection) for everything, which made point reads a
// third faster than planning each one anew.
func (s *Store) pq(query string, args []any) (string, []any) {
	if s.engine != Postgres {
		return query, args
	}
	return inlinePage(s.q(query), args)
}

// inlinePage writes "LIMIT $n-1 OFFSET $n" or "LIMIT $n", when those are
// the query's last parameters and integers, into the text.
func inlinePage(q string, args []any) (string, []any) {
	n := len(args)
	for k := 2; k >= 1; k-- {
		if n < k {
			continue
		}
		pat := fmt.Sprintf("LIMIT $%d", n)
		if k == 2 {
			pat = fmt.Sprintf("LIMIT $%d OFFSET $%d", n-1, n)
		}
		i := strings.LastIndex(q, pat)
		if i < 0 {
			continue
		}
		lit := "LIMIT"
		for _, a := range args[n-k:] {
			var v int64
			switch a := a.(type) {
			case int:
				v = int64(a)
			case int64:
				v = a
			default:
				return q, args
			}
			if lit != "LIMIT" {
				lit += " OFFSET"
			}
			lit += " " + strconv.FormatInt(v, 10)
		}
		return q[:i] + lit + q[i+len(pat):], args[:n-k]
	}
	return q, args
}

// tx is a transaction with placeholder rebinding.
type tx struct {
	s  *Store
	tx *sql.Tx
	db *sql.DB // the pool the transaction came from, for prepared statements
	// fixed, when set, replaces the callers' contexts: a group-committed
	// batch must not be interrupted by one request's cancellation.
	fixed context.Context
}

func (t *tx) c(ctx context.Context) context.Context {
	if t.fixed != nil {
		return t.fixed
	}
	return ctx
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.s.prepared(t.db, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).ExecContext(t.c(ctx), args...)
	}
	q, args := t.s.pq(query, args)
	return t.tx.ExecContext(t.c(ctx), q, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.s.prepared(t.db, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).QueryContext(t.c(ctx), args...)
	}
	q, args := t.s.pq(query, args)
	return t.tx.QueryContext(t.c(ctx), q, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.s.prepared(t.db, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).QueryRowContext(t.c(ctx), args...)
	}
	q, args := t.s.pq(query, args)
	return t.tx.QueryRowContext(t.c(ctx), q, args...)
}

// maxStmts bounds the statement cache; queries past it run unprepared.
const maxStmts = 1024

// prepared returns a prepared statement for query on db, or nil to run it
// unprepared (PostgreSQL, :memory:, a full cache, a failed prepare: the
// query itself then reports the error). Preparing takes a connection from
// db, so it is only done where one is free: outside transactions on the
// read pool, and on the writer pool, whose second connection the single
// writer never uses for a transaction. A statement prepared once is reused
// on every connection, inside transactions too.
func (s *Store) prepared(db *sql.DB, query string, inTx bool) *sql.Stmt {
	if !s.stmtCache {
		return nil
	}
	cache := &s.rStmts
	if db == s.w {
		cache = &s.wStmts
	} else if inTx {
		if v, ok := cache.Load(query); ok {
			return v.(*sql.Stmt)
		}
		// Prepared in the background, where waiting for a free
		// connection holds none, for the next time (read transactions'
		// queries were otherwise parsed on every use).
		if _, pending := s.preparing.LoadOrStore(query, true); !pending {
			go s.prepared(db, query, false)
		}
		return nil
	}
	if v, ok := cache.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if s.stmtCount.Load() >= maxStmts {
		return nil
	}
	st, err := db.Prepare(query)
	if err != nil {
		return nil
	}
	if v, loaded := cache.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	s.stmtCount.Add(1)
	return st
}

// write runs fn as one atomic use case and returns once it is committed
// (durably: synchronous=FULL on SQLite); fn's error rolls back everything
// fn did. SQLite writes are group-committed by the writer (writer.go);
// PostgreSQL writes run in their own transactions.
func (s *Store) write(ctx context.Context, fn func(*tx) error) error {
	if t := unitTx(ctx); t != nil {
		return t.nested(ctx, fn)
	}
	if s.writes != nil {
		return s.enqueue(ctx, fn)
	}
	done, err := s.takeTurn(ctx)
	if err != nil {
		return err
	}
	defer done()
	sqlTx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	t := &tx{s: s, tx: sqlTx, db: s.w}
	if err := fn(t); err != nil {
		sqlTx.Rollback()
		return err
	}
	err = sqlTx.Commit()
	s.version.Add(1)
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// writeStatement runs one statement as a use case of its own and returns
// how many rows it changed. On SQLite it goes through the writer like any
// write; on PostgreSQL it runs outside an explicit transaction, since one
// statement is atomic by itself, which saves the BEGIN and COMMIT round
// trips.
func (s *Store) writeStatement(ctx context.Context, query string, args ...any) (int64, error) {
	if s.writes != nil || unitTx(ctx) != nil {
		var n int64
		err := s.write(ctx, func(t *tx) error {
			var err error
			n, err = rowsAffected(t.exec(ctx, query, args...))
			return err
		})
		return n, err
	}
	done, err := s.takeTurn(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	q, args := s.pq(query, args)
	n, err := rowsAffected(s.w.ExecContext(ctx, q, args...))
	s.version.Add(1)
	return n, err
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// takeTurn waits for a turn on the pool that reads use (on SQLite the
// read pool; on PostgreSQL the one pool, which writes take turns on too),
// first come first served; the returned func ends the turn. database/sql
// hands a freed connection to a random waiter, so with more requests than
// connections some waited many turns: measured, list pages of 100 at 64
// connections had a p99 three to four times the baseline's. With at most
// as many users as connections, database/sql never has a waiter to pick.
// A turn is never taken while holding one: use cases read inside their
// transaction, through it.
func (s *Store) takeTurn(ctx context.Context) (func(), error) {
	if s.turns == nil {
		return func() {}, nil
	}
	select {
	case s.turns <- struct{}{}:
		return func() { <-s.turns }, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// row is a single-row read holding a turn on the read pool until Scan.
type row struct {
	*sql.Row
	err  error
	done func()
}

func (r *row) Scan(dest ...any) error {
	if r.err != nil {
		return r.err
	}
	defer r.done()
	return r.Row.Scan(dest...)
}

// queryRow runs a single-row read on the read pool; the caller must Scan.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *row {
	if t := unitTx(ctx); t != nil {
		return &row{Row: t.queryRow(ctx, query, args...), done: func() {}}
	}
	done, err := s.takeTurn(ctx)
	if err != nil {
		return &row{err: err}
	}
	if st := s.prepared(s.r, query, false); st != nil {
		return &row{Row: st.QueryRowContext(ctx, args...), done: done}
	}
	q, args := s.pq(query, args)
	return &row{Row: s.r.QueryRowContext(ctx, q, args...), done: done}
}

// rows are a read's rows holding a turn on the read pool until Close.
type rows struct {
	*sql.Rows
	done func()
}

func (r *rows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}

// query runs a read on the read pool; the caller must Close the rows.
func (s *Store) query(ctx context.Context, query string, args ...any) (*rows, error) {
	if t := unitTx(ctx); t != nil {
		rs, err := t.query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return &rows{Rows: rs}, nil
	}
	done, err := s.takeTurn(ctx)
	if err != nil {
		return nil, err
	}
	var rs *sql.Rows
	if st := s.prepared(s.r, query, false); st != nil {
		rs, err = st.QueryContext(ctx, args...)
	} else {
		q, args := s.pq(query, args)
		rs, err = s.r.QueryContext(ctx, q, args...)
	}
	if err != nil {
		done()
		return nil, err
	}
	return &rows{Rows: rs, done: done}, nil
}

// micros converts a time to the stored form: UTC microseconds.
func micros(t time.Time) int64 { return t.UnixMicro() }

// fromMicros converts a stored time back.
func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// now returns the current time at stored precision.
func (s *Store) now() time.Time { return s.Now().UTC().Truncate(time.Microsecond) }

// read runs fn in a read-only transaction on the read pool, so a use case
// that needs several queries sees one snapshot.
func (s *Store) read(ctx context.Context, fn func(*tx) error) error {
	if t := unitTx(ctx); t != nil {
		return fn(t)
	}
	done, err := s.takeTurn(ctx)
	if err != nil {
		return err
	}
	defer done()
	sqlTx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: s.engine == Postgres})
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	return fn(&tx{s: s, tx: sqlTx, db: s.r})
}
