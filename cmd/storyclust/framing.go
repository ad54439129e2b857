package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline"
)

type framingCommand struct {
	stdout, stderr io.Writer
}

// Run prints the framing table of an output directory.
func (c *framingCommand) Run(ctx context.Context, args []string) error {
	var top int
	flags := flag.NewFlagSet("storyclust framing", flag.ContinueOnError)
	flags.SetOutput(c.stderr)
	flags.IntVar(&top, "top", 15, "terms shown per group")
	flags.Usage = func() {
		fmt.Fprint(flags.Output(), `Usage: storyclust framing [flags] OUT_DIR

Prints the terms that set each group of outlets apart within the stories
the groups all covered: the framing table of a run with --outlets and
--group-by. Each term's z pools its log-odds ratio over those stories
(Fightin' Words within each story, weighted by precision), so a term
that only the stories one group covered more often use does not count.

Flags:
`)
		flags.PrintDefaults()
	}
	dirs, err := parseInterspersed(flags, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		flags.Usage()
		return fmt.Errorf("%w: framing needs one output directory", errUsage)
	}
	rows, err := table.ReadFraming(filepath.Join(dirs[0], "framing.parquet"))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w: %s has no framing table: run with --outlets FILE --group-by ATTRIBUTE", pipeline.ErrOutput, dirs[0])
	}
	if err != nil {
		return err
	}
	shown, group := 0, ""
	for _, r := range rows {
		if r.Group != group {
			group, shown = r.Group, 0
			fmt.Fprintf(c.stdout, "\n%s uses more than the others, in the same stories:\n", group)
			fmt.Fprintf(c.stdout, "  %-24s %7s %8s %8s %8s\n", "term", "z", "stories", "count", "others")
		}
		if shown < top {
			fmt.Fprintf(c.stdout, "  %-24s %7.2f %8d %8.0f %8.0f\n", clip(r.Term, 24), r.Z, r.NStories, r.CountGroup, r.Others)
		}
		shown++
	}
	if len(rows) == 0 {
		fmt.Fprintln(c.stdout, "no term sets a group apart at the run's --min-z")
	}
	return nil
}
