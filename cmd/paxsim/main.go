package main

// The package documentation, the CLI reference, is in doc.go: it is
// generated from the help text. Everything but main is in the other files.

import (
	"context"
	"os"
	"os/signal"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		<-ctx.Done()
		stop() // the first Ctrl-C stops a campaign cleanly; a second one kills
	}()
	os.Exit(Run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}
