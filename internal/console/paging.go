package console

import (
	"context"

	"github.com/greenroom-dev/greenroom/internal/ivs"
)

// eachPage calls fetch for the first page of q and then for every next
// page, handing each to fn, up to maxPages pages. truncated reports that
// more pages remained.
func eachPage[T any](ctx context.Context, q ivs.ListQuery, maxPages int,
	fetch func(context.Context, ivs.ListQuery) (ivs.Page[T], error),
	fn func(ivs.Page[T]) error) (truncated bool, err error) {
	for range maxPages {
		page, err := fetch(ctx, q)
		if err != nil {
			return false, err
		}
		if err := fn(page); err != nil {
			return false, err
		}
		if page.NextToken == "" {
			return false, nil
		}
		q.NextToken = page.NextToken
	}
	return true, nil
}

// collect gathers the items of up to maxPages pages.
func collect[T any](ctx context.Context, q ivs.ListQuery, maxPages int,
	fetch func(context.Context, ivs.ListQuery) (ivs.Page[T], error)) ([]T, bool, error) {
	var out []T
	truncated, err := eachPage(ctx, q, maxPages, fetch, func(p ivs.Page[T]) error {
		out = append(out, p.Items...)
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	return out, truncated, nil
}
