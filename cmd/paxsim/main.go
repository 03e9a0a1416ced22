package main

// The package documentation, the CLI reference, is in doc.go: it is
// generated from the help text. Everything but main is in the other files.

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

// stopSignals stop a campaign cleanly: Ctrl-C, and SIGTERM, which is what
// Kubernetes (and timeout, and kill) send. It still prints its summary
// and keeps its findings; a second signal kills it.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), stopSignals...)
	go func() {
		<-ctx.Done()
		stop() // the first signal stops a campaign cleanly; a second one kills
	}()
	os.Exit(Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
