// Command ivs-emulator serves the Amazon IVS Real-Time API emulator on its
// own, for SDKs, the AWS CLI and tests:
//
//	go run ./cmd/ivs-emulator -addr 127.0.0.1:4566
//	aws ivs-realtime --endpoint-url http://127.0.0.1:4566 list-stages
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/greenroom-dev/greenroom/internal/emulator"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "ivs-emulator:", err)
		os.Exit(2)
	}
}

type config struct {
	addr     string
	opts     emulator.Options
	simulate bool
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("ivs-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.addr, "addr", "127.0.0.1:4566", "listen address")
	fs.StringVar(&c.opts.Seed, "seed", emulator.SeedDemo, `initial world: "demo" or "empty"`)
	fs.StringVar(&c.opts.AccountID, "account-id", emulator.DefaultAccountID, "12-digit AWS account id the emulator answers for")
	fs.Int64Var(&c.opts.RandSeed, "rand-seed", 0, "seed of the demo world's shapes and the simulator (0 = random)")
	fs.DurationVar(&c.opts.Faults.Latency, "latency", 0, "latency added to every API call, e.g. 150ms")
	fs.DurationVar(&c.opts.Faults.Jitter, "jitter", 0, "random extra latency in [0, jitter)")
	fs.Float64Var(&c.opts.Faults.TPS, "tps", 0, fmt.Sprintf("per-operation TPS limit per region, answered with ThrottlingException (0 = off; AWS allows %d)", emulator.DefaultTPS))
	fs.Float64Var(&c.opts.Faults.ErrorRate, "error-rate", 0, "fraction of calls answered 500 InternalServerException (0..1)")
	fs.Float64Var(&c.opts.Faults.ThrottleRate, "throttle-rate", 0, "fraction of calls answered 429 ThrottlingException whatever the rate (0..1)")
	fs.Float64Var(&c.opts.Faults.SpikeRate, "spike-rate", 0, "fraction of calls delayed by -spike (0..1)")
	fs.DurationVar(&c.opts.Faults.Spike, "spike", 2*time.Second, "extra latency of a spike")
	fs.BoolVar(&c.opts.Faults.AccessDenied, "access-denied", false, "answer every call 403 AccessDeniedException")
	fs.Float64Var(&c.opts.EventFaults.Drop, "event-drop", 0, "fraction of EventBridge events lost (0..1)")
	fs.Float64Var(&c.opts.EventFaults.Delay, "event-delay", 0, "fraction of EventBridge events delivered late, by -event-delay-by (0..1)")
	fs.DurationVar(&c.opts.EventFaults.DelayBy, "event-delay-by", 30*time.Second, "how late a delayed event is (at most 15m)")
	fs.Float64Var(&c.opts.EventFaults.Duplicate, "event-duplicate", 0, "fraction of EventBridge events delivered twice (0..1)")
	fs.Float64Var(&c.opts.EventFaults.Reorder, "event-reorder", 0, "fraction of EventBridge events delivered after the next one (0..1)")
	fs.Int64Var(&c.opts.EventFaults.Seed, "event-fault-seed", 1, "seed of the event faults' choices")
	fs.BoolVar(&c.simulate, "simulate", true, "run the live simulator (participants join and leave, encoders drop and recover)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	c.opts.Simulate = c.simulate
	return c, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	c.opts.Logger = log
	emu, err := emulator.New(c.opts)
	if err != nil {
		return err
	}
	defer emu.Close()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	srv := &http.Server{Handler: emu, ReadHeaderTimeout: 10 * time.Second}

	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	emu.Start(ctx)

	fmt.Fprintf(stdout, `IVS Real-Time emulator listening on %[1]s (account %[2]s, seed %[3]s, simulate %[4]t)

  AWS CLI:  aws ivs-realtime --endpoint-url %[1]s --region us-east-1 list-stages
  Go SDK:   ivsrealtime.NewFromConfig(cfg, func(o *ivsrealtime.Options) { o.BaseEndpoint = aws.String(%[1]q) })
  STS:      sts GetCallerIdentity answers on the same URL (account %[2]s)
  Events:   IVS's EventBridge events in SQS: aws sqs --endpoint-url %[1]s receive-message --queue-url %[1]s/%[2]s/%[5]s
            (faults: curl %[1]s/_emulator/events/faults; PUT to drop, delay, duplicate or reorder events)
  Admin:    curl %[1]s/_emulator/faults    (PUT to change; POST /_emulator/reset, /_emulator/step, /_emulator/publish)
  Cues:     curl %[1]s/_emulator/ingest    (encoders, no stream keys; POST /_emulator/encoder/drop, /_emulator/encoder/recover,
            /_emulator/session/end, /_emulator/participants/add, /_emulator/participants/remove: internal/emulator/README.md)

Any credentials work (signatures are not checked); the region comes from the signature.
`, base, emu.AccountID(), c.opts.Seed, c.simulate, emulator.DefaultEventQueue)

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
