package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"

	"github.com/storyclust/storyclust/pipeline"
)

type evalCommand struct {
	stdout, stderr io.Writer
}

// Run clusters each labelled file and prints its scores against the gold labels.
func (c *evalCommand) Run(ctx context.Context, args []string) error {
	var cfg pipeline.Config
	var fields stringList
	var label, pred, level string
	var asJSON bool
	fs := flag.NewFlagSet("storyclust eval", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	jobFlags(fs, &cfg, &fields)
	fs.StringVar(&label, "label", "event", "the `field` that holds each article's gold story")
	fs.StringVar(&level, "level", "story", "the grain scored: `story` (labels of events) or storyline (labels of topics that run over weeks)")
	fs.StringVar(&pred, "pred", "", "score the run written to this output `directory` instead of clustering")
	fs.BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: storyclust eval [flags] FILE.jsonl ...

Clusters each labelled JSONL file with the given flags (the defaults of run
unless set) and scores the stories against the gold label of each article:
B-cubed and pairwise precision, recall and F1, and the number of gold and
predicted stories. Articles the job rejects count as singletons.

Flags:
`)
		fs.PrintDefaults()
	}
	files, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fs.Usage()
		return fmt.Errorf("%w: eval needs at least one labelled file", errUsage)
	}
	cfg.Fields = fields
	grain := pipeline.Grain(level)
	if grain != pipeline.GrainStory && grain != pipeline.GrainStoryline {
		return fmt.Errorf("%w: --level %q: want story or storyline", errUsage, level)
	}
	var results []*pipeline.EvalResult
	for _, f := range files {
		r, err := pipeline.Evaluate(ctx, cfg, f, label, grain, pred)
		if err != nil {
			return err
		}
		results = append(results, r)
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(results)
	}
	tw := tabwriter.NewWriter(c.stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "file\tarticles\tgold\tpred\tB3 P\tB3 R\tB3 F1\tpair P\tpair R\tpair F1\t")
	var mean [6]float64
	for _, r := range results {
		s := r.Scores
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", filepath.Base(r.File), s.Items, s.GoldGroups, s.PredGroups,
			s.BCubedPrecision, s.BCubedRecall, s.BCubedF1, s.PairPrecision, s.PairRecall, s.PairF1)
		for i, v := range []float64{s.BCubedPrecision, s.BCubedRecall, s.BCubedF1, s.PairPrecision, s.PairRecall, s.PairF1} {
			mean[i] += v / float64(len(results))
		}
	}
	fmt.Fprintf(tw, "mean\t\t\t\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", mean[0], mean[1], mean[2], mean[3], mean[4], mean[5])
	return tw.Flush()
}
