package data

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
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
