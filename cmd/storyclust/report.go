package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/storyclust/storyclust/data/report"
	"github.com/storyclust/storyclust/data/table"
	"github.com/storyclust/storyclust/pipeline"
)

type reportCommand struct {
	stdout, stderr io.Writer
}

// Run writes the HTML report of a run's output.
func (c *reportCommand) Run(ctx context.Context, args []string) error {
	var out string
	var opts report.Options
	fs := flag.NewFlagSet("storyclust report", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.StringVar(&out, "o", "report.html", "output `file`")
	fs.StringVar(&opts.Title, "title", "", "page `title` (default: Stories across outlets)")
	fs.IntVar(&opts.MaxStories, "max-stories", 200, "show at most this many `stories`, those with the most outlets first")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: storyclust report OUT_DIR [-o report.html]

Writes one self-contained HTML file (opens offline, no external assets) from
the tables of a run: the stories covered by more than one outlet, sortable
by outlets, articles and time, and for each story its outlets side by side
with headline, time and lag, distinctive terms, wire-copy marks and a
timeline of when each outlet published. Outlets keep one place in every
story (those that covered the most stories first); a run with --group-by
shows its groups side by side, and its framing table. Each outlet lists
its articles, linked, with their similarity to the story. A search box and
an outlet filter narrow the stories (#q=TEXT&outlet=NAME in the address
opens the page filtered).

Flags:
`)
		fs.PrintDefaults()
	}
	dirs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 1 {
		fs.Usage()
		return fmt.Errorf("%w: report needs one output directory", errUsage)
	}
	o, err := table.Read(dirs[0])
	if err != nil {
		return err
	}
	// A run grouped by an outlet attribute shows its groups side by side.
	if b, err := os.ReadFile(filepath.Join(dirs[0], "_manifest.json")); err == nil {
		var m pipeline.Manifest
		if json.Unmarshal(b, &m) == nil {
			opts.GroupBy = m.Parameters.GroupBy
		}
	}
	var buf bytes.Buffer
	if err := report.Write(&buf, o, opts); err != nil {
		return err
	}
	if err := table.WriteFileAtomic(out, buf.Bytes()); err != nil {
		return fmt.Errorf("%w: -o %s: %w", errUsage, out, err)
	}
	fmt.Fprintf(c.stdout, "wrote %s\n", out)
	return nil
}
