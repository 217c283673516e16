//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ownerLock is an exclusive flock(2) on the SQLite file itself. flock and
// SQLite's POSIX record locks do not interact on Linux; the descriptor
// stays open until the store has closed SQLite's own (closing any
// descriptor of a file drops the process's POSIX locks on it).
type ownerLock struct{ f *os.File }

func lockOwner(path string) (*ownerLock, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("store: %s is in use by another pricebook server or bulk load; stop it first (keys commands may run beside a server)", path)
		}
		return nil, fmt.Errorf("store: lock %s: %w", path, err)
	}
	return &ownerLock{f: f}, nil
}

func (l *ownerLock) release() {
	if l != nil && l.f != nil {
		l.f.Close() // drops the flock
	}
}
