package ivs

import "context"

type freshKey struct{}

// MustBeFresh asks the layers under a Service for reads made upstream now:
// no cached and no stale value, whatever it costs in waiting for the call
// budget. Commands use it for the checks they make before they act (is the
// stage live? which tags does it have?), never pages.
func MustBeFresh(ctx context.Context) context.Context {
	return context.WithValue(ctx, freshKey{}, true)
}

// WantsFresh reports whether ctx asks for fresh reads (MustBeFresh).
func WantsFresh(ctx context.Context) bool {
	b, _ := ctx.Value(freshKey{}).(bool)
	return b
}
