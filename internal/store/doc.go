// Package store persists the catalog in SQLite or PostgreSQL. Every
// exported method of Store is one use case run in one transaction.
//
// The write path: a use case calls db.write with a function of (ctx, *tx).
// On SQLite the single writer goroutine runs it in a savepoint of a batch
// transaction that commits once for every waiting write (group commit,
// synchronous=FULL); on PostgreSQL it runs in its own transaction. The
// ctx it gets carries the transaction, so any store call made with it
// joins the transaction instead of taking a pool connection (unit.go); a
// request that must commit together with its outcome (an idempotent
// response) runs as one such unit. After the commit, and before anyone is
// answered, db moves the data version that the read caches trust.
//
// The read path: db.read (a snapshot transaction) or db.query/queryRow (one
// statement), each taking a first-come turn on the read pool. Products read
// are decoded through a cache of documents and handed out as copies.
//
// Only db.go, writer.go and unit.go touch the pools (TestPoolsStayInDB).
// Adding a resource: see README.md in this directory.
package store
