package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"golang.org/x/sync/errgroup"

	"github.com/storyclust/storyclust/data"
	"github.com/storyclust/storyclust/data/table"
)

// fileResult is what reading one input produced.
type fileResult struct {
	// articles in chunks of articleChunk: a slice grown by copying would
	// move the articles again at each growth, under the collector's write
	// barriers (the read stage of make bench).
	articles [][]data.Article
	rejects  []table.RejectRow
	input    InputRecord
	read     int   // rows read: articles + rejects
	counted  int64 // bytes counted in the progress as they were read
}

// readAll reads every source on up to workers goroutines and returns the
// results in source order. A file that cannot be used at all, or that ends
// in an I/O error, is recorded as a reject; only cancellation stops the read.
func readAll(ctx context.Context, srcs []data.Source, opts data.Options, workers int, done *atomic.Int64) ([]fileResult, error) {
	results := make([]fileResult, len(srcs))
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	opts.EnsureDefaults()
	opts.Progress = done // bytes count as they are read: one big file does not sit at 0
	if len(srcs) < workers {
		// Fewer files than workers: the workers left parse the rows of
		// each file in parallel (JSONL).
		opts.Workers = workers / max(len(srcs), 1)
	}
	for i, src := range srcs {
		g.Go(func() error {
			res, err := readFile(ctx, src, opts)
			results[i] = res
			// The rest of a file left unread (one that could not be
			// opened, or stopped by an error) counts as done too.
			done.Add(max(src.Size-res.counted, 0))
			return err
		})
	}
	return results, g.Wait()
}

func readFile(ctx context.Context, src data.Source, opts data.Options) (fileResult, error) {
	res := fileResult{input: InputRecord{Path: src.Name, Format: string(src.Format)}}
	reject := func(line int, reason string, raw []byte) {
		res.rejects = append(res.rejects, table.RejectRow{SourceFile: src.Name, SourceLine: line, Reason: reason, Raw: raw})
		res.read++
	}
	f, err := data.OpenContext(ctx, src, opts)
	if err != nil {
		rejectError(err, reject)
		res.input.Error = err.Error()
		if src.Size >= 0 { // not stdin: the bytes can be read again
			res.input.SHA256, res.input.Bytes, _ = data.Digest(src)
		}
		return res, nil
	}
	defer f.Close()
	for {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if res.read >= opts.MaxRows {
			res.input.Error = fmt.Sprintf("more than %d rows (--max-rows); the rest is not read", opts.MaxRows)
			reject(0, res.input.Error, nil) // a reject of the file, as one that ends early
			break
		}
		a, err := f.Read()
		if err == io.EOF {
			break
		}
		if err != nil && ctx.Err() != nil {
			return res, ctx.Err()
		}
		if err != nil {
			if rejectError(err, reject) {
				continue
			}
			// The rest of the file cannot be read (a truncated gzip stream,
			// an I/O error): it was recorded where it stopped.
			res.input.Error = err.Error()
			break
		}
		if k := len(res.articles); k == 0 || len(res.articles[k-1]) == articleChunk {
			res.articles = append(res.articles, make([]data.Article, 0, articleChunk))
		}
		last := &res.articles[len(res.articles)-1]
		*last = append(*last, a)
		res.input.Dates.add(&a)
		res.read++
	}
	res.input.Fields, res.input.Encoding = f.Mapping(), f.Encoding()
	res.input.SHA256, res.input.Bytes = f.Digest()
	res.counted = res.input.Bytes
	return res, nil
}

// articleChunk is how many articles a chunk of fileResult.articles holds.
const articleChunk = 4096

// rejectError records err as a reject with its line and reason, and reports
// whether it concerned one row only (the file can be read on).
func rejectError(err error, reject func(line int, reason string, raw []byte)) (rowOnly bool) {
	var pe *data.ParseError
	var re *data.ReadError
	switch {
	case errors.As(err, &pe):
		reject(pe.Line, pe.Err.Error(), pe.Raw)
		return pe.Line > 0
	case errors.As(err, &re):
		reject(re.Line, "read: "+re.Err.Error(), nil)
	default:
		reject(0, err.Error(), nil)
	}
	return false
}
