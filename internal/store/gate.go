package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"sync"

	"modernc.org/sqlite"
)

// The write gate. A SQLite file lets one writer in at a time, and a
// connection that finds the write lock taken polls for it, sleeping up to
// 100 ms between tries (busy_timeout). River's connection (openRiver)
// and the group-commit writer both write, and under load the writer,
// which commits batch after batch, left River waiting so long that
// deliveries fell far behind and River, once in, held the writer up in
// turn. So both take turns in Go instead: the writer holds the gate for
// each transaction, River's connection for each of its transactions and
// each statement outside one, and a waiter gets it as soon as it is free,
// in the order they came (a channel's senders queue in order).
type gate chan struct{}

func newGate() gate { return make(gate, 1) }

// A nil gate is always open: the writer's own pool keeps statements as
// River's does (gatedConn) but needs no turns, the writer holding the
// real gate itself around each batch.
func (g gate) lock(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g gate) unlock() {
	if g != nil {
		<-g
	}
}

// gatedConnector opens SQLite connections (dsn, modernc's driver) that
// hold the gate while they write.
type gatedConnector struct {
	dsn  string
	gate gate
}

func (c gatedConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := (&sqlite.Driver{}).Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &gatedConn{conn: conn, gate: c.gate}, nil
}

func (gatedConnector) Driver() driver.Driver { return &sqlite.Driver{} }

// openGated opens a pool of gated connections.
func openGated(dsn string, g gate) *sql.DB { return sql.OpenDB(gatedConnector{dsn: dsn, gate: g}) }

// The interfaces of modernc's connections that database/sql uses.
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ExecerContext
	driver.QueryerContext
	driver.ConnPrepareContext
}

type gatedConn struct {
	conn driver.Conn
	gate gate
	inTx bool
	// stmts are the queries sent as text, River's above all, prepared
	// once per connection: River sends the same few dozen queries again
	// and again, and SQLite parsing them (its completer's update once per
	// job, its job insert in the writer's transaction) was a sixth of a
	// create's CPU with a webhook endpoint subscribed. The store's own
	// statements arrive prepared (db.prepared) and pass through.
	stmts map[string]*connStmt
}

// connStmt is a prepared statement of one connection; busy while rows
// of it are open (a transaction may run the same query again meanwhile,
// which then prepares a statement of its own).
type connStmt struct {
	st   sqliteStmt
	busy bool
}

// The interfaces of modernc's statements the cache uses.
type sqliteStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// maxConnStmts bounds a connection's statement cache; River's queries are
// far fewer.
const maxConnStmts = 200

// stmt returns a prepared statement for query and the function that hands
// it back once its result or rows are done with.
func (c *gatedConn) stmt(ctx context.Context, s sqliteConn, query string) (sqliteStmt, func(), error) {
	if cs, ok := c.stmts[query]; ok && !cs.busy {
		cs.busy = true
		return cs.st, func() { cs.busy = false }, nil
	}
	ds, err := s.PrepareContext(ctx, query)
	if err != nil {
		return nil, nil, err
	}
	st, ok := ds.(sqliteStmt)
	if !ok {
		ds.Close()
		return nil, nil, errors.New("store: the SQLite driver's statement lacks an interface the cache needs")
	}
	if _, ok := c.stmts[query]; ok || len(c.stmts) >= maxConnStmts {
		return st, func() { st.Close() }, nil // used once
	}
	if c.stmts == nil {
		c.stmts = map[string]*connStmt{}
	}
	cs := &connStmt{st: st, busy: true}
	c.stmts[query] = cs
	return st, func() { cs.busy = false }, nil
}

func (c *gatedConn) exec(ctx context.Context, s sqliteConn, query string, args []driver.NamedValue) (driver.Result, error) {
	st, done, err := c.stmt(ctx, s, query)
	if err != nil {
		return nil, err
	}
	defer done()
	return st.ExecContext(ctx, args)
}

// query runs query; the statement is handed back when the rows close.
func (c *gatedConn) query(ctx context.Context, s sqliteConn, query string, args []driver.NamedValue, unlock func()) (driver.Rows, error) {
	st, done, err := c.stmt(ctx, s, query)
	if err != nil {
		return nil, err
	}
	rows, err := st.QueryContext(ctx, args)
	if err != nil {
		done()
		return nil, err
	}
	return &gatedRows{Rows: rows, unlock: sync.OnceFunc(func() { done(); unlock() })}, nil
}

func (c *gatedConn) sqlite() (sqliteConn, error) {
	s, ok := c.conn.(sqliteConn)
	if !ok {
		return nil, errors.New("store: the SQLite driver's connection lacks an interface database/sql needs")
	}
	return s, nil
}

func (c *gatedConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }

func (c *gatedConn) Close() error {
	for _, cs := range c.stmts {
		cs.st.Close()
	}
	c.stmts = nil
	return c.conn.Close()
}
func (c *gatedConn) Begin() (driver.Tx, error) {
	return c.BeginTx(context.Background(), driver.TxOptions{})
}

func (c *gatedConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	s, err := c.sqlite()
	if err != nil {
		return nil, err
	}
	return s.PrepareContext(ctx, query)
}

func (c *gatedConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	s, err := c.sqlite()
	if err != nil {
		return nil, err
	}
	if err := c.gate.lock(ctx); err != nil {
		return nil, err
	}
	t, err := s.BeginTx(ctx, opts)
	if err != nil {
		c.gate.unlock()
		return nil, err
	}
	c.inTx = true
	return &gatedTx{Tx: t, conn: c}, nil
}

func (c *gatedConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, err := c.sqlite()
	if err != nil {
		return nil, err
	}
	if c.inTx {
		return c.exec(ctx, s, query, args)
	}
	if err := c.gate.lock(ctx); err != nil {
		return nil, err
	}
	defer c.gate.unlock()
	return c.exec(ctx, s, query, args)
}

func (c *gatedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.sqlite()
	if err != nil {
		return nil, err
	}
	if c.inTx {
		return c.query(ctx, s, query, args, func() {})
	}
	if err := c.gate.lock(ctx); err != nil {
		return nil, err
	}
	rows, err := c.query(ctx, s, query, args, c.gate.unlock)
	if err != nil {
		c.gate.unlock()
	}
	return rows, err
}

// ResetSession and IsValid let database/sql keep or drop the connection
// as it would modernc's own.
func (c *gatedConn) ResetSession(ctx context.Context) error {
	if r, ok := c.conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *gatedConn) IsValid() bool {
	if v, ok := c.conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

type gatedTx struct {
	driver.Tx
	conn *gatedConn
}

func (t *gatedTx) Commit() error   { return t.end(t.Tx.Commit) }
func (t *gatedTx) Rollback() error { return t.end(t.Tx.Rollback) }

func (t *gatedTx) end(fn func() error) error {
	err := fn()
	t.conn.inTx = false
	t.conn.gate.unlock()
	return err
}

// gatedRows holds the gate until the rows of a statement outside a
// transaction are closed (the statement runs until then), and the
// statement until then in any case.
type gatedRows struct {
	driver.Rows
	unlock func()
}

func (r *gatedRows) Close() error {
	err := r.Rows.Close()
	r.unlock()
	return err
}
