package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/storyclust/storyclust/pipeline"
)

type compareCommand struct {
	stdout, stderr io.Writer
}

// Run scores the stories of one output directory against another's.
func (c *compareCommand) Run(ctx context.Context, args []string) error {
	var asJSON bool
	var level string
	fs := flag.NewFlagSet("storyclust compare", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.BoolVar(&asJSON, "json", false, "print JSON instead of text")
	fs.StringVar(&level, "level", "story", "the grain compared: `story` or storyline")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: storyclust compare [flags] REF_DIR OUT_DIR

Scores the stories (or, with --level storyline, the storylines) of the run
in OUT_DIR against those of the run in REF_DIR as if they were gold labels,
over the articles both hold: B-cubed and pairwise precision, recall and F1
(1 when both group the articles alike, whatever the ids). For example, one
run over a month against the scheduled runs of each of its days.

Flags:
`)
		fs.PrintDefaults()
	}
	dirs, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(dirs) != 2 {
		fs.Usage()
		return fmt.Errorf("%w: compare needs two output directories", errUsage)
	}
	grain := pipeline.Grain(level)
	if grain != pipeline.GrainStory && grain != pipeline.GrainStoryline {
		return fmt.Errorf("%w: --level %q: want story or storyline", errUsage, level)
	}
	a, err := pipeline.Compare(dirs[0], dirs[1], grain)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(a)
	}
	s := a.Scores
	fmt.Fprintf(c.stdout, "articles in both:   %d (%d only in %s, %d only in %s)\n", s.Items, a.OnlyReference, a.Reference, a.OnlyOther, a.Other)
	groups := "stories:"
	if grain == pipeline.GrainStoryline {
		groups = "storylines:"
	}
	fmt.Fprintf(c.stdout, "%-19s %d in %s, %d in %s\n", groups, s.GoldGroups, a.Reference, s.PredGroups, a.Other)
	fmt.Fprintf(c.stdout, "B-cubed P / R / F1: %.3f / %.3f / %.3f\n", s.BCubedPrecision, s.BCubedRecall, s.BCubedF1)
	fmt.Fprintf(c.stdout, "pairwise P / R / F1: %.3f / %.3f / %.3f\n", s.PairPrecision, s.PairRecall, s.PairF1)
	return nil
}
