package sharedbudget

import (
	"os"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/logging"
)

// TestMain quiets go-redis's own log (a line per failed dial while the
// tests stop Redis); the Budget's log is what the tests read.
func TestMain(m *testing.M) {
	redis.SetLogger(&logging.VoidLogger{})
	os.Exit(m.Run())
}
