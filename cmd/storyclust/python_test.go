package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPythonPackage installs the Python package as its users would, in
// fresh virtual environments: `pip install .` from the clone (which builds
// the binary with Go), then the API on a file and on a DataFrame, the
// console command and the example notebook (cmd/python/tests/check_api.py
// and examples/notebook.py); and `pip wheel .`, whose wheel installs and
// runs where Go is not on the PATH.
func TestPythonPackage(t *testing.T) {
	python(t) // the project's environment: pandas for the checks
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	pip := func(venv string, args ...string) {
		t.Helper()
		cmd := exec.Command(filepath.Join(venv, "bin", "pip"), append([]string{"--disable-pip-version-check", "--quiet"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("pip %v: %v\n%s", args, err, out)
		}
	}
	newVenv := func(name string) string {
		t.Helper()
		venv := filepath.Join(dir, name)
		if out, err := exec.Command("python3", "-m", "venv", venv).CombinedOutput(); err != nil {
			t.Fatalf("python3 -m venv: %v\n%s", err, out)
		}
		return venv
	}
	run := func(venv, cwd string, env []string, args ...string) string {
		t.Helper()
		cmd := exec.Command(filepath.Join(venv, "bin", "python"), args...)
		cmd.Dir, cmd.Env = cwd, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("python %v: %v\n%s", args, err, out)
		}
		return string(out)
	}

	// A labelled corpus of 600 synthetic articles.
	labelled := filepath.Join(dir, "labelled.jsonl")
	if r := runBin(t, "", "synth", "--articles", "600", "--seed", "4", "--out", labelled); r.code != 0 {
		t.Fatal(r.stderr)
	}
	src := newVenv("src")
	pip(src, "install", root)
	scratch := t.TempDir()
	out := run(src, scratch, nil, filepath.Join(root, "cmd/python/tests/check_api.py"), labelled)
	if !strings.Contains(out, `"ok": true`) {
		t.Errorf("check_api.py:\n%s", out)
	}
	out = run(src, root, nil, filepath.Join(root, "examples/notebook.py"))
	if !strings.Contains(out, "2990 articles in") {
		t.Errorf("examples/notebook.py:\n%s", out)
	}

	// The wheel: for this platform and any Python 3, and Go not needed.
	pip(src, "wheel", "--no-deps", "--wheel-dir", filepath.Join(dir, "dist"), root)
	wheels, _ := filepath.Glob(filepath.Join(dir, "dist", "storyclust-*-py3-none-*.whl"))
	if len(wheels) != 1 {
		t.Fatalf("wheels built: %v", wheels)
	}
	if fi, err := os.Stat(wheels[0]); err == nil {
		t.Logf("wheel %s: %.1f MB", filepath.Base(wheels[0]), float64(fi.Size())/1e6)
	}
	bare := newVenv("wheel")
	pip(bare, "install", wheels[0])
	noGo := []string{"PATH=" + filepath.Join(bare, "bin") + ":/usr/bin:/bin", "HOME=" + dir}
	out = run(bare, scratch, noGo, "-c", `import shutil, storyclust
assert shutil.which("go") is None, shutil.which("go")
res = storyclust.run(quiet=True)
print(len(res.stories), "stories", storyclust.__version__)`)
	if !strings.Contains(out, "97 stories") {
		t.Errorf("the wheel without Go:\n%s", out)
	}
}
