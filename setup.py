"""Builds the storyclust Go binary into the Python package.

`pip install .` and `pip wheel .` run `go build` (Go is needed at build
time only) and put the binary in storyclust/bin; the wheel is tagged for
this platform, any Python 3, as the binary is the only compiled part.
"""
import os
import subprocess
from pathlib import Path

from setuptools import setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


def version():
    """0.1.0, with the commit as a local label: the binary says the same."""
    try:
        described = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=ROOT,
                                   capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "0.1.0"
    return "0.1.0+g" + described.replace("-", ".")


VERSION = version()


class BuildWithBinary(build_py):
    def run(self):
        super().run()
        pkg = Path(self.build_lib) / "storyclust"
        exe = "storyclust.exe" if os.name == "nt" else "storyclust"
        (pkg / "bin").mkdir(parents=True, exist_ok=True)
        env = dict(os.environ, CGO_ENABLED="0")
        subprocess.run(["go", "build", "-trimpath", "-ldflags", f"-s -w -X main.versionStamp={VERSION}",
                        "-o", str(pkg / "bin" / exe), "./cmd/storyclust"], cwd=ROOT, env=env, check=True)
        (pkg / "_version.py").write_text(f'__version__ = "{VERSION}"\n')


class PlatformWheel(bdist_wheel):
    def finalize_options(self):
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


setup(version=VERSION, cmdclass={"build_py": BuildWithBinary, "bdist_wheel": PlatformWheel})
