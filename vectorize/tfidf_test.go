package vectorize

import "testing"

func TestDocFreqAdd(t *testing.T) {
	d := &DocFreq{}
	d.Add(&DocFreq{Docs: 3, Terms: map[string]int{"a": 2, "b": 1}})
	d.Add(&DocFreq{Docs: 2, Terms: map[string]int{"a": 1, "c": 2}})
	if d.Docs != 5 || len(d.Terms) != 3 || d.Terms["a"] != 3 || d.Terms["b"] != 1 || d.Terms["c"] != 2 {
		t.Errorf("got %+v", d)
	}
}
