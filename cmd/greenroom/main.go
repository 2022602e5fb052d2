// Command greenroom is the console for Amazon IVS Real-Time. With no AWS
// account it starts its own IVS emulator with a demo world.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/greenroom-dev/greenroom/internal/config"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "greenroom:", err)
		os.Exit(2)
	}
}

// run starts the console and blocks until ctx ends; separated from main so
// tests can start the real thing.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 1 && args[0] == "-config-reference" {
		return config.WriteReference(stdout)
	}
	cfg, err := config.Load(args, getenv)
	if err != nil {
		return err
	}
	app, err := build(ctx, cfg, stdout)
	if err != nil {
		return err
	}
	defer app.close()
	err = app.serve(ctx)
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}
