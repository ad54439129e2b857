"""The storyclust command, as installed by pip: the bundled binary."""
import os
import sys

from ._core import binary


def main():
    path = binary()
    if os.name == "nt":
        import subprocess
        sys.exit(subprocess.call([path, *sys.argv[1:]]))
    os.execv(path, [path, *sys.argv[1:]])


if __name__ == "__main__":
    main()
