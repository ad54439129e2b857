package pipeline

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// progress reports one stage: a bar when w is a terminal, otherwise a plain
// line every few seconds and one at the end.
type progress struct {
	stop chan struct{}
	done chan struct{}
}

// startProgress reports how far counter has come towards total (in units
// named by unit) until finish is called. A nil w reports nothing.
func startProgress(w io.Writer, stage string, total int64, unit string, counter *atomic.Int64) *progress {
	p := &progress{stop: make(chan struct{}), done: make(chan struct{})}
	if w == nil {
		close(p.done)
		return p
	}
	f, isFile := w.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	go func() {
		defer close(p.done)
		var bar *progressbar.ProgressBar
		if tty {
			opts := []progressbar.Option{
				progressbar.OptionSetWriter(w), progressbar.OptionSetDescription(stage),
				progressbar.OptionShowCount(), progressbar.OptionClearOnFinish(),
				progressbar.OptionThrottle(100 * time.Millisecond),
			}
			if unit == "bytes" {
				opts = append(opts, progressbar.OptionShowBytes(true))
			}
			bar = progressbar.NewOptions64(total, opts...)
			// The bar's clock starts now, not at its first drawing a tick
			// later: a rate taken over that tick alone would be absurd.
			bar.StartWithoutRender()
		}
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		last := time.Now()
		for {
			select {
			case <-p.stop:
				if bar != nil {
					bar.Set64(counter.Load())
					bar.Finish()
				}
				fmt.Fprintf(w, "%s: done, %d %s\n", stage, counter.Load(), unit)
				return
			case <-tick.C:
				if bar != nil {
					bar.Set64(counter.Load())
				} else if time.Since(last) >= 5*time.Second {
					last = time.Now()
					fmt.Fprintf(w, "%s: %d/%d %s\n", stage, counter.Load(), total, unit)
				}
			}
		}
	}()
	return p
}

func (p *progress) finish() {
	select {
	case <-p.done:
		return
	default:
	}
	close(p.stop)
	<-p.done
}
