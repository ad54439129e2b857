package pipeline

import (
	"os"
	"path/filepath"

	"github.com/storyclust/storyclust/pipeline/snapshot"
)

// isScheduledOutput reports whether dir holds the output of scheduled runs
// (its tables are folders of partitions, with one of lineage).
func isScheduledOutput(dir string) bool {
	_, err := os.Lstat(filepath.Join(dir, "story_lineage"))
	return err == nil && snapshot.Dir(dir).Published()
}
