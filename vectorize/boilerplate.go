package vectorize

import (
	"context"
	"hash/maphash"
	"strings"

	"github.com/storyclust/storyclust/vectorize/parallel"
)

// boilerplateMinDocs is how many articles of one outlet must share a line
// for it to count as boilerplate; boilerplateMaxLen the longest such line.
const (
	boilerplateMinDocs = 3
	boilerplateMaxLen  = 400
)

// findBoilerplate returns, per outlet, the hashes of the lines that at
// least boilerplateMinDocs of its articles share. Outlets are counted in
// parallel, one at a time per goroutine, so that no core waits for this
// step (the vectorise stage of make bench).
func findBoilerplate(ctx context.Context, docs []Doc, seed maphash.Seed, workers int) (map[string]map[uint64]bool, error) {
	byOutlet := map[string][]int32{}
	var outlets []string
	for i, d := range docs {
		if d.Outlet == "" || d.Text == "" {
			continue
		}
		if _, ok := byOutlet[d.Outlet]; !ok {
			outlets = append(outlets, d.Outlet)
		}
		byOutlet[d.Outlet] = append(byOutlet[d.Outlet], int32(i))
	}
	found := make([]map[uint64]bool, len(outlets))
	err := parallel.For(ctx, len(outlets), workers, 1, func(o int) {
		counts := map[uint64]int{}
		seen := map[uint64]bool{}
		for _, i := range byOutlet[outlets[o]] {
			clear(seen)
			for line := range strings.Lines(docs[i].Text) {
				line = strings.TrimSpace(line)
				if line == "" || len(line) > boilerplateMaxLen {
					continue
				}
				h := maphash.String(seed, line)
				if seen[h] {
					continue
				}
				seen[h] = true
				counts[h]++
			}
		}
		for h, n := range counts {
			if n >= boilerplateMinDocs {
				if found[o] == nil {
					found[o] = map[uint64]bool{}
				}
				found[o][h] = true
			}
		}
	})
	if err != nil {
		return nil, err
	}
	out := map[string]map[uint64]bool{}
	for o, f := range found {
		if f != nil {
			out[outlets[o]] = f
		}
	}
	return out, nil
}

// stripLines returns text without the lines whose hash is in drop. The
// lines kept are copied only when they are not one piece of text: most
// boilerplate opens or closes an article, and a copy of every text would
// be work for nothing (BenchmarkVectorizeArticles10k).
func stripLines(text string, drop map[uint64]bool, seed maphash.Seed) string {
	var b strings.Builder
	var first string   // the first run of kept lines, while it is the only one
	runs := 0          // runs of kept lines so far
	start, end := 0, 0 // the current run, text[start:end]
	endRun := func() {
		if end == start {
			return
		}
		switch runs {
		case 0:
			first = text[start:end]
		case 1:
			b.Grow(len(text))
			b.WriteString(first)
			fallthrough
		default:
			b.WriteString(text[start:end])
		}
		runs++
	}
	for line := range strings.Lines(text) {
		if drop[maphash.String(seed, strings.TrimSpace(line))] {
			endRun()
			start = end + len(line)
		}
		end += len(line)
	}
	endRun()
	if runs <= 1 {
		return first
	}
	return b.String()
}
