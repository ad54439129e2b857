package data

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/apache/arrow/go/v15/arrow/array"
	"github.com/apache/arrow/go/v15/arrow/memory"
	"github.com/apache/arrow/go/v15/parquet/file"
	"github.com/apache/arrow/go/v15/parquet/pqarrow"
)

// ReadGold reads the gold story label of every row of a labelled JSONL file
// (such as the development sets): the row's id, as FieldMap maps it, and the
// value of the field named label. Rows without an id or a label, and lines
// that are not JSON objects, are skipped.
func ReadGold(path, label string, fields FieldMap) (ids, labels []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), DefaultMaxArticleBytes)
	for sc.Scan() {
		var obj map[string]json.RawMessage
		if json.Unmarshal(sc.Bytes(), &obj) != nil {
			continue
		}
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		idx := fields.resolve(keys)
		if idx[FieldID] < 0 {
			continue
		}
		id, err1 := jsonScalar(obj[keys[idx[FieldID]]])
		lab, err2 := jsonScalar(obj[label])
		if err1 != nil || err2 != nil || id == "" || lab == "" {
			continue
		}
		ids = append(ids, id)
		labels = append(labels, lab)
	}
	if err := sc.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return ids, labels, nil
}

// ReadAssignments reads the article_id and story_id columns of the
// articles table in dir.
func ReadAssignments(dir string) (articleIDs, storyIDs []string, err error) {
	path := filepath.Join(dir, "articles.parquet")
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrInput, err)
	}
	defer f.Close()
	pf, err := file.NewParquetReader(f)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer pf.Close()
	fr, err := pqarrow.NewFileReader(pf, pqarrow.ArrowReadProperties{BatchSize: 64 << 10}, memory.DefaultAllocator)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	tbl, err := fr.ReadTable(context.Background())
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	defer tbl.Release()
	cols := map[string]int{}
	for i, fd := range tbl.Schema().Fields() {
		cols[fd.Name] = i
	}
	ai, ok1 := cols["article_id"]
	si, ok2 := cols["story_id"]
	if !ok1 || !ok2 {
		return nil, nil, fmt.Errorf("%s: no article_id and story_id columns", path)
	}
	tr := array.NewTableReader(tbl, 64<<10)
	defer tr.Release()
	for tr.Next() {
		rec := tr.Record()
		a, s := rec.Column(ai), rec.Column(si)
		for i := 0; i < int(rec.NumRows()); i++ {
			articleIDs = append(articleIDs, cellString(a, i))
			storyIDs = append(storyIDs, cellString(s, i))
		}
	}
	return articleIDs, storyIDs, nil
}
