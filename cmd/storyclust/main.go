// Command storyclust groups news articles from many outlets into stories.
//
// Usage:
//
//	storyclust run [flags] [INPUT ...]
//	storyclust version
//
// See storyclust --help and storyclust run --help.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/storyclust/storyclust/pipeline"
)

func main() {
	if os.Getenv("GOGC") == "" {
		// The job holds large, long-lived vectors and graphs: collecting at
		// 50% heap growth instead of 100% trades some time for a lower
		// peak of memory (make bench; docs/PERFORMANCE.md).
		debug.SetGCPercent(50)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first signal stops the job at its next check; the default
		// handling comes back, so that a second one kills it.
		<-ctx.Done()
		stop()
	}()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errUsage marks a command line that cannot be run; the message says why.
var errUsage = errors.New("usage")

const usage = `storyclust groups news articles from many outlets into stories.

Usage:
  storyclust run [flags] [INPUT ...]   cluster articles and write Parquet tables
  storyclust eval [flags] FILE.jsonl   score stories against a labelled file
  storyclust compare REF_DIR OUT_DIR   how far two runs' stories agree (B-cubed)
  storyclust framing OUT_DIR           the terms that set groups of outlets apart (--group-by)
  storyclust report OUT_DIR -o F.html  write an HTML report comparing the outlets of each story
  storyclust synth --articles N --out F write a synthetic labelled corpus for benchmarks
  storyclust version                   print the version

With no INPUT, run uses the sample corpus embedded in the binary.
Run 'storyclust run --help' for the flags.
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "run":
		return (&runCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "eval":
		return (&evalCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "compare":
		return (&compareCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "framing":
		return (&framingCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "report":
		return (&reportCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "synth":
		return (&synthCommand{stdout: stdout, stderr: stderr}).Run(ctx, args[1:])
	case "version":
		fmt.Fprintln(stdout, "storyclust", version())
		return nil
	case "-h", "-help", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprintf(stderr, "storyclust: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
}

// exitCode maps an error to the process exit code: 0 for success, 2 for a
// command line, input path or output directory that cannot be used (found
// before any work), 1 for anything else (a disk that fills while the
// output is written among them).
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		// The bare errUsage follows a usage text already printed; a usage
		// error with a reason says it, and where to find help.
		if msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": "); msg != errUsage.Error() {
			fmt.Fprintf(stderr, "storyclust: %s\nRun 'storyclust --help' or 'storyclust COMMAND --help' for usage.\n", msg)
		}
		return 2
	case errors.Is(err, pipeline.ErrWrite):
		fmt.Fprintln(stderr, "storyclust:", err)
		return 1
	case errors.Is(err, pipeline.ErrInput), errors.Is(err, pipeline.ErrOutput), errors.Is(err, pipeline.ErrConfig):
		fmt.Fprintln(stderr, "storyclust:", err)
		return 2
	default:
		fmt.Fprintln(stderr, "storyclust:", err)
		return 1
	}
}

// versionStamp is the version set at link time (make build sets it to
// git describe's output: -ldflags "-X main.versionStamp=…").
var versionStamp string

// version is the version stamped at link time, else the module version the
// binary was built from; a build from a checkout is "devel+" and its commit
// (with "-dirty" when it had changes), and "devel" when the build recorded
// none (GOFLAGS=-buildvcs=false).
func version() string {
	if versionStamp != "" {
		return versionStamp
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch {
		case s.Key == "vcs.revision":
			rev = s.Value[:min(len(s.Value), 12)]
		case s.Key == "vcs.modified" && s.Value == "true":
			dirty = "-dirty"
		}
	}
	if rev == "" {
		return "devel"
	}
	return "devel+" + rev + dirty
}
