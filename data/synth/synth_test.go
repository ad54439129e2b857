package synth

import (
	"bytes"
	"strings"
	"testing"
)

func TestDeterministic(t *testing.T) {
	var a, b, c bytes.Buffer
	if _, err := WriteJSONL(&a, New(Config{Articles: 500, Seed: 7})); err != nil {
		t.Fatal(err)
	}
	WriteJSONL(&b, New(Config{Articles: 500, Seed: 7}))
	WriteJSONL(&c, New(Config{Articles: 500, Seed: 8}))
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("same seed, different corpus")
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Error("different seeds, same corpus")
	}
	if n := strings.Count(a.String(), "\n"); n != 500 {
		t.Errorf("%d lines, want 500", n)
	}
}

func TestShape(t *testing.T) {
	g := New(Config{Articles: 5000, Seed: 1})
	events := map[string]map[string]bool{}
	headlines, long, wire := 0, 0, 0
	texts := map[string]int{}
	for {
		a, ok := g.Next()
		if !ok {
			break
		}
		if events[a.Event] == nil {
			events[a.Event] = map[string]bool{}
		}
		events[a.Event][a.Outlet] = true
		words := len(strings.Fields(a.Text))
		switch {
		case words == 0:
			headlines++
		case words > 500:
			long++
		}
		if a.Text != "" {
			body, _, _ := strings.Cut(a.Text, "\nFollow")
			texts[body]++
		}
	}
	for _, n := range texts {
		if n > 1 {
			wire += n
		}
	}
	multi := 0
	for _, outlets := range events {
		if len(outlets) > 1 {
			multi++
		}
	}
	if len(events) < 100 || multi < len(events)/3 {
		t.Errorf("%d events, %d covered by several outlets", len(events), multi)
	}
	if headlines < 500 || long < 200 || wire == 0 {
		t.Errorf("headline-only %d, long %d, wire copies %d: want all kinds", headlines, long, wire)
	}
}
