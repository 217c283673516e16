package store

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/pricebook/pricebook/internal/catalog"
)

// Constraint-violation classes, the same for both engines.
const (
	violationNone = iota
	violationUnique
	violationForeignKey
	violationCheck
)

// violation classifies a database error and names the constraint (index or
// "table.column" on SQLite) when the engine reports it.
func violation(err error) (kind int, name string) {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return violationUnique, pg.ConstraintName
		case "23503":
			return violationForeignKey, pg.ConstraintName
		case "23514":
			return violationCheck, pg.ConstraintName
		}
		return violationNone, ""
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		msg := lite.Error()
		switch lite.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
			_, after, _ := strings.Cut(msg, "constraint failed: ")
			return violationUnique, after
		case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
			return violationForeignKey, ""
		case 275: // SQLITE_CONSTRAINT_CHECK
			return violationCheck, ""
		}
	}
	return violationNone, ""
}

// wrap names the use case op in an internal error, so a log line says
// where it came from. Domain errors, which the faces answer, and nil pass
// unchanged.
func wrap(op string, err error) error {
	var e *catalog.Error
	if err == nil || errors.As(err, &e) {
		return err
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
