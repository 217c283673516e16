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

func (g gate) lock(ctx context.Context) error {
	select {
	case g <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g gate) unlock() { <-g }

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
}

func (c *gatedConn) sqlite() (sqliteConn, error) {
	s, ok := c.conn.(sqliteConn)
	if !ok {
		return nil, errors.New("store: the SQLite driver's connection lacks an interface database/sql needs")
	}
	return s, nil
}

func (c *gatedConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }
func (c *gatedConn) Close() error                              { return c.conn.Close() }
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
		return s.ExecContext(ctx, query, args)
	}
	if err := c.gate.lock(ctx); err != nil {
		return nil, err
	}
	defer c.gate.unlock()
	return s.ExecContext(ctx, query, args)
}

func (c *gatedConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, err := c.sqlite()
	if err != nil {
		return nil, err
	}
	if c.inTx {
		return s.QueryContext(ctx, query, args)
	}
	if err := c.gate.lock(ctx); err != nil {
		return nil, err
	}
	rows, err := s.QueryContext(ctx, query, args)
	if err != nil {
		c.gate.unlock()
		return nil, err
	}
	return &gatedRows{Rows: rows, unlock: sync.OnceFunc(c.gate.unlock)}, nil
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
// transaction are closed: the statement runs until then.
type gatedRows struct {
	driver.Rows
	unlock func()
}

func (r *gatedRows) Close() error {
	err := r.Rows.Close()
	r.unlock()
	return err
}
