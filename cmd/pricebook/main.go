// Command pricebook is a self-hosted product-catalog server that speaks
// the Dodo Payments and ChartMogul catalog APIs.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/pricebook/pricebook/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
