package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"github.com/pricebook/pricebook/internal/catalog"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"log/slog"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// db is the database machinery under the store: the pools, the SQLite
// group-commit writer and checkpointer, the turns on the pools, the
// statement caches and the data version. Use cases reach the database
// only through its write and read (and the single-statement helpers built
// on them), which hand them a *tx; nothing else in the package touches a
// pool (TestPoolsStayInDB).
type db struct {
	engine Engine
	// w runs every write; on SQLite only the group-commit writer uses it,
	// one transaction at a time, so writes never wait on each other.
	w *sql.DB
	// r serves reads; on SQLite a pool of read-only connections that WAL
	// lets run beside the writer.
	r *sql.DB

	rebound sync.Map // query text -> PostgreSQL form

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
	// reads are the finer versions of the read cache (readversion.go).
	reads *readVersions
	// gate makes River's SQLite connection and the writer take turns
	// (gate.go); nil when they share one connection or on PostgreSQL.
	gate gate

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

	// River's side of the database (delivery.go): its driver, over
	// riverPool, and an insert-only client that write transactions
	// enqueue delivery jobs through.
	riverPool *sql.DB
	riverDrv  riverdriver.Driver[*sql.Tx]
	jobs      *river.Client[*sql.Tx]
	sent      sentDocs

	// obs hears of commits and pool waits (metrics).
	obs Observer
}

// pgConns is the PostgreSQL pool's size.
const pgConns = 32

// openDB opens the database named by dsn (see Open).
func openDB(ctx context.Context, dsn string, opt Options) (*db, error) {
	d := &db{obs: opt.Observer, reads: newReadVersions()}
	if d.obs == nil {
		d.obs = noObserver{}
	}
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		d.engine = Postgres
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return nil, fmt.Errorf("store: %w", err)
		}
		d.w = stdlib.OpenDB(*cfg)
		d.w.SetMaxOpenConns(pgConns)
		d.w.SetMaxIdleConns(pgConns)
		d.turns = make(chan struct{}, pgConns)
		d.w.SetConnMaxIdleTime(5 * time.Minute)
		d.r = d.w
	} else {
		d.engine = SQLite
		if opt.Owner && dsn != ":memory:" {
			lock, err := lockOwner(dsn)
			if err != nil {
				return nil, err
			}
			d.owner = lock
		}
		if err := d.openSQLite(dsn, opt); err != nil {
			d.owner.release()
			return nil, err
		}
		if dsn == ":memory:" {
			d.owner = &ownerLock{} // one connection of one process
		}
		d.startWriter()
	}
	if err := d.ready(ctx); err != nil {
		d.close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	if err := d.openRiver(dsn); err != nil {
		d.close()
		return nil, err
	}
	return d, nil
}

// openRiver sets up River's access to the database. On PostgreSQL River
// shares the pool. On a SQLite file it gets a pool of its own, one
// connection, outside the group-commit writer: River's fetches,
// completions and maintenance must not queue behind catalog writes, nor
// hold the store's writer. Its writes touch only River's tables (river_*),
// never the catalog, so they need not move the data version that the
// single-writer read cache trusts (version.go): a cached answer stays
// right across them. SQLite lets one writer at a time in: the gate
// (gate.go) makes River's connection and the writer take turns, and
// _txlock=immediate takes the write lock up front so the two never
// deadlock upgrading a read.
func (d *db) openRiver(dsn string) error {
	d.riverPool = d.w
	if d.engine == Postgres {
		d.riverDrv = riverdatabasesql.New(d.riverPool)
	} else {
		if dsn != ":memory:" {
			u := "file:" + (&url.URL{Path: dsn}).EscapedPath()
			d.gate = newGate()
			p := openGated(u+"?_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate", d.gate)
			p.SetMaxOpenConns(1)
			d.riverPool = p
		}
		d.riverDrv = riversqlite.New(d.riverPool)
	}
	jobs, err := river.NewClient(d.riverDrv, &river.Config{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return fmt.Errorf("store: River insert client: %w", err)
	}
	d.jobs = jobs
	return nil
}

// River returns the River driver over the database, for the engine that
// works the jobs writes enqueue (internal/webhooks).
func (s *Store) River() riverdriver.Driver[*sql.Tx] { return s.db.riverDrv }

// ready reports whether the database answers.
func (d *db) ready(ctx context.Context) error {
	var one int
	return d.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// close lets the writer finish and closes every connection.
func (d *db) close() error {
	d.stopWriter()
	for _, cache := range []*sync.Map{&d.rStmts, &d.wStmts} {
		cache.Range(func(_, v any) bool { v.(*sql.Stmt).Close(); return true })
	}
	err := d.w.Close()
	if d.riverPool != nil && d.riverPool != d.w {
		err = errors.Join(err, d.riverPool.Close())
	}
	if d.r != d.w {
		err = errors.Join(err, d.r.Close())
	}
	// Last: closing the lock's descriptor while SQLite still had the file
	// open would drop SQLite's own POSIX locks.
	d.owner.release()
	return err
}

// conn takes a connection of the write pool for statements that must run
// outside any transaction on one connection (migrations).
func (d *db) conn(ctx context.Context) (*sql.Conn, error) { return d.w.Conn(ctx) }

func (d *db) openSQLite(path string, opt Options) error {
	// temp_store: statement and savepoint journals in memory instead of
	// temporary files (they were a twentieth of a create's cost).
	pragmas := "_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=synchronous(FULL)&_pragma=temp_store(MEMORY)&_time_format=sqlite"
	if path == ":memory:" {
		// An in-memory database lives in one connection, so reads and
		// writes share it.
		mem, err := sql.Open("sqlite", "file::memory:?"+pragmas+"&_txlock=immediate")
		if err != nil {
			return err
		}
		mem.SetMaxOpenConns(1)
		mem.SetConnMaxLifetime(0)
		mem.SetConnMaxIdleTime(0)
		d.w, d.r = mem, mem
		return nil
	}
	u := "file:" + (&url.URL{Path: path}).EscapedPath()
	// wal_autocheckpoint(0): the writer never copies the WAL back into
	// the database itself; the checkpointer does, beside it (writer.go).
	// Its connections keep the statements River sends as text prepared
	// (gate.go): River inserts each batch's delivery jobs in the writer's
	// transaction.
	w := openGated(u+"?"+pragmas+"&_pragma=journal_mode(WAL)&_pragma=wal_autocheckpoint(0)&_txlock=immediate", nil)
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
	d.turns = make(chan struct{}, n)
	d.w, d.r = w, r
	d.stmtCache = true
	d.checkpoints = true
	return nil
}

// q converts a query written with ? placeholders to the engine's form.
func (d *db) q(query string) string {
	if d.engine != Postgres {
		return query
	}
	if v, ok := d.rebound.Load(query); ok {
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
	d.rebound.Store(query, out)
	return out
}

// pq is q for a query with its arguments: on PostgreSQL it also writes a
// trailing LIMIT (and OFFSET) into the text. Bound as parameters, they
// are invisible to a generic plan, which then sorted whole tables for a
// page of ten; written into the text, the server may use generic plans
// (planned once per connection) for everything, which made point reads a
// third faster than planning each one anew.
func (d *db) pq(query string, args []any) (string, []any) {
	if d.engine != Postgres {
		return query, args
	}
	return inlinePage(d.q(query), args)
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
	d    *db
	tx   *sql.Tx
	pool *sql.DB // the pool the transaction came from, for prepared statements
	// fixed, when set, replaces the callers' contexts: a group-committed
	// batch must not be interrupted by one request's cancellation.
	fixed context.Context
	// events are the journal rows the transaction's use cases recorded,
	// inserted together just before the commit (journal.go).
	events [][]any
	// emptied are the partitions its use cases reset (reset.go).
	emptied []catalog.Tenant
	// sent indexes the events given delivery jobs (delivery.go).
	sent []int
}

func (t *tx) c(ctx context.Context) context.Context {
	if t.fixed != nil {
		return t.fixed
	}
	return ctx
}

func (t *tx) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.d.prepared(t.pool, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).ExecContext(t.c(ctx), args...)
	}
	q, args := t.d.pq(query, args)
	return t.tx.ExecContext(t.c(ctx), q, args...)
}

func (t *tx) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.d.prepared(t.pool, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).QueryContext(t.c(ctx), args...)
	}
	q, args := t.d.pq(query, args)
	return t.tx.QueryContext(t.c(ctx), q, args...)
}

func (t *tx) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.d.prepared(t.pool, query, true); st != nil {
		return t.tx.StmtContext(t.c(ctx), st).QueryRowContext(t.c(ctx), args...)
	}
	q, args := t.d.pq(query, args)
	return t.tx.QueryRowContext(t.c(ctx), q, args...)
}

// maxStmts bounds the statement cache; queries past it run unprepared.
const maxStmts = 1024

// prepared returns a prepared statement for query on pool, or nil to run it
// unprepared (PostgreSQL, :memory:, a full cache, a failed prepare: the
// query itself then reports the error). Preparing takes a connection from
// pool, so it is only done where one is free: outside transactions on the
// read pool, and on the writer pool, whose second connection the single
// writer never uses for a transaction. A statement prepared once is reused
// on every connection, inside transactions too.
func (d *db) prepared(pool *sql.DB, query string, inTx bool) *sql.Stmt {
	if !d.stmtCache {
		return nil
	}
	cache := &d.rStmts
	if pool == d.w {
		cache = &d.wStmts
	} else if inTx {
		if v, ok := cache.Load(query); ok {
			return v.(*sql.Stmt)
		}
		// Prepared in the background, where waiting for a free
		// connection holds none, for the next time (read transactions'
		// queries were otherwise parsed on every use).
		if _, pending := d.preparing.LoadOrStore(query, true); !pending {
			go d.prepared(pool, query, false)
		}
		return nil
	}
	if v, ok := cache.Load(query); ok {
		return v.(*sql.Stmt)
	}
	if d.stmtCount.Load() >= maxStmts {
		return nil
	}
	st, err := pool.Prepare(query)
	if err != nil {
		return nil
	}
	if v, loaded := cache.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt)
	}
	d.stmtCount.Add(1)
	return st
}

// write runs fn as one atomic use case and returns once it is committed
// (durably: synchronous=FULL on SQLite); fn's error rolls back everything
// fn did. fn gets a context that carries its transaction: every store
// call made with it joins the transaction (unit.go), so a use case cannot
// reach a pool while it writes. SQLite writes are group-committed by the
// writer (writer.go); PostgreSQL writes run in their own transactions.
// Inside a transaction already, fn runs in a savepoint of it.
func (d *db) write(ctx context.Context, fn func(context.Context, *tx) error) error {
	if t := unitTx(ctx); t != nil {
		return t.nested(ctx, fn)
	}
	if d.writes != nil {
		return d.enqueue(ctx, fn)
	}
	done, err := d.takeTurn(ctx)
	if err != nil {
		return err
	}
	defer done()
	sqlTx, err := d.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	t := &tx{d: d, tx: sqlTx, pool: d.w}
	if err := fn(t.bind(ctx), t); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := t.flushEvents(ctx); err != nil {
		sqlTx.Rollback()
		return err
	}
	began := time.Now()
	err = sqlTx.Commit()
	d.obs.WriteBatch(1, time.Since(began))
	t.retireReads()
	d.version.Add(2) // untrusted on PostgreSQL: kept even, for uniformity
	if err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	t.rememberSent()
	return nil
}

// writeStatement runs one statement as a use case of its own and returns
// how many rows it changed. On SQLite it goes through the writer like any
// write; on PostgreSQL it runs outside an explicit transaction, since one
// statement is atomic by itself, which saves the BEGIN and COMMIT round
// trips.
func (d *db) writeStatement(ctx context.Context, query string, args ...any) (int64, error) {
	if d.writes != nil || unitTx(ctx) != nil {
		var n int64
		err := d.write(ctx, func(ctx context.Context, t *tx) error {
			var err error
			n, err = rowsAffected(t.exec(ctx, query, args...))
			return err
		})
		return n, err
	}
	done, err := d.takeTurn(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	q, args := d.pq(query, args)
	n, err := rowsAffected(d.w.ExecContext(ctx, q, args...))
	d.version.Add(2)
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
// connections had a p99 three to four times the baseline'd. With at most
// as many users as connections, database/sql never has a waiter to pick.
// A turn is never taken while holding one: use cases read inside their
// transaction, through it.
func (d *db) takeTurn(ctx context.Context) (func(), error) {
	if d.turns == nil {
		return func() {}, nil
	}
	select {
	case d.turns <- struct{}{}:
		return func() { <-d.turns }, nil
	default:
	}
	began := time.Now()
	select {
	case d.turns <- struct{}{}:
		d.obs.PoolWait(time.Since(began))
		return func() { <-d.turns }, nil
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
func (d *db) queryRow(ctx context.Context, query string, args ...any) *row {
	if t := unitTx(ctx); t != nil {
		return &row{Row: t.queryRow(ctx, query, args...), done: func() {}}
	}
	done, err := d.takeTurn(ctx)
	if err != nil {
		return &row{err: err}
	}
	if st := d.prepared(d.r, query, false); st != nil {
		return &row{Row: st.QueryRowContext(ctx, args...), done: done}
	}
	q, args := d.pq(query, args)
	return &row{Row: d.r.QueryRowContext(ctx, q, args...), done: done}
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
func (d *db) query(ctx context.Context, query string, args ...any) (*rows, error) {
	if t := unitTx(ctx); t != nil {
		rs, err := t.query(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		return &rows{Rows: rs}, nil
	}
	done, err := d.takeTurn(ctx)
	if err != nil {
		return nil, err
	}
	var rs *sql.Rows
	if st := d.prepared(d.r, query, false); st != nil {
		rs, err = st.QueryContext(ctx, args...)
	} else {
		q, args := d.pq(query, args)
		rs, err = d.r.QueryContext(ctx, q, args...)
	}
	if err != nil {
		done()
		return nil, err
	}
	return &rows{Rows: rs, done: done}, nil
}

// read runs fn in a read-only transaction on the read pool, so a use case
// that needs several queries sees one snapshot; inside a write, fn reads
// through the write's transaction.
func (d *db) read(ctx context.Context, fn func(context.Context, *tx) error) error {
	if t := unitTx(ctx); t != nil {
		return fn(ctx, t)
	}
	done, err := d.takeTurn(ctx)
	if err != nil {
		return err
	}
	defer done()
	sqlTx, err := d.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: d.engine == Postgres})
	if err != nil {
		return fmt.Errorf("store: begin read: %w", err)
	}
	defer sqlTx.Rollback()
	t := &tx{d: d, tx: sqlTx, pool: d.r}
	return fn(t.bind(ctx), t)
}
