package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/synth"
)

type synthCommand struct {
	stdout, stderr io.Writer
}

// Run writes a synthetic labelled corpus.
func (c *synthCommand) Run(ctx context.Context, args []string) error {
	var cfg synth.Config
	var out string
	var vocab stringList
	fs := flag.NewFlagSet("storyclust synth", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.IntVar(&cfg.Articles, "articles", 10_000, "number of `articles`")
	fs.Uint64Var(&cfg.Seed, "seed", 1, "random `seed`; the same seed gives the same corpus")
	fs.IntVar(&cfg.Days, "days", 28, "`days` the corpus spans")
	fs.IntVar(&cfg.Outlets, "outlets", 400, "number of `outlets`")
	fs.StringVar(&out, "out", "", "output `file`: .jsonl, or .parquet; - for JSONL on standard output")
	fs.Var(&vocab, "vocab", "JSONL or text `file` whose word frequencies shape the corpus (default: the embedded sample); repeatable")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: storyclust synth --articles N [--seed S] --out FILE.jsonl|FILE.parquet

Writes a synthetic news corpus with gold story labels (field "event"), for
benchmarks: events with their own key terms and names, covered by several of
hundreds of outlets with their own datelines and boilerplate; wire copies;
follow-up stories; timestamps over weeks; headlines alone to 2,000 words.

Flags:
`)
		fs.PrintDefaults()
	}
	if _, err := parseInterspersed(fs, args); err != nil {
		return err
	}
	if out == "" || cfg.Articles <= 0 {
		fs.Usage()
		return fmt.Errorf("%w: synth needs --out and a positive --articles", errUsage)
	}
	texts, err := vocabularyText(vocab)
	if err != nil {
		return err
	}
	cfg.Vocabulary = texts
	if strings.HasSuffix(out, ".parquet") {
		n, err := synth.WriteParquet(filepath.Dir(out), strings.TrimSuffix(filepath.Base(out), ".parquet"), synth.New(cfg))
		if err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "wrote %d articles to %s\n", n, out)
		return nil
	}
	w := io.Writer(c.stdout)
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		defer f.Close()
		w = f
	}
	n, err := synth.WriteJSONL(w, synth.New(cfg))
	if err != nil {
		return err
	}
	if out != "-" {
		fmt.Fprintf(c.stderr, "wrote %d articles to %s\n", n, out)
	}
	return nil
}

// vocabularyText reads the titles and texts of the given files, or of the
// embedded sample.
func vocabularyText(paths []string) ([]string, error) {
	var srcs []data.Source
	if len(paths) == 0 {
		srcs = data.Sample()
	} else {
		var err error
		if srcs, _, err = data.Sources(paths); err != nil {
			return nil, err
		}
	}
	var texts []string
	for _, src := range srcs {
		f, err := data.Open(src, data.Options{})
		if err != nil {
			return nil, err
		}
		for {
			a, err := f.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				var pe *data.ParseError
				if errors.As(err, &pe) {
					continue
				}
				f.Close()
				return nil, err
			}
			texts = append(texts, a.Title, a.Text)
		}
		f.Close()
	}
	return texts, nil
}
