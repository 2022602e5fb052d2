package audit

import (
	"context"
	"errors"
	"io"
	"time"
)

// Log stores audit events. Implementations are safe for concurrent use.
type Log interface {
	// Record stores e durably: when it returns nil, the event survives a
	// crash. It fills in Time if zero. Call it before answering the request
	// whose action it records.
	Record(ctx context.Context, e Event) error
	// Query returns one page of matching events, newest first, and the
	// cursor of the next page ("" when this is the last).
	Query(ctx context.Context, f Filter) (events []Event, next string, err error)
	// Export writes every matching event as CSV, oldest first, with a header
	// row, streaming row by row in constant memory. Cells that a spreadsheet
	// would run as a formula are neutralised.
	Export(ctx context.Context, f Filter, w io.Writer) error
	// Prune deletes events older than before and reports how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
	Close() error
}

var (
	// ErrInvalidEvent is returned by Record for an event without actor,
	// action or outcome.
	ErrInvalidEvent = errors.New("audit: invalid event")
	// ErrBadCursor is returned by Query for a cursor it did not make.
	ErrBadCursor = errors.New("audit: bad cursor")
)
