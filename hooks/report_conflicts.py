"""Copier migration, after every update: say which files hold conflicts to resolve.

Copier merges with `--conflict inline` and exits 0 without a word when both sides changed
the same lines; the files are left unmerged in git. This prints them in one line, or says
the update merged cleanly. Read-only, so it is idempotent.
"""

import subprocess
import sys


def main() -> int:
    unmerged = subprocess.run(
        ["git", "diff", "--name-only", "--diff-filter=U"],
        capture_output=True,
        text=True,
        check=False,
    )
    if unmerged.returncode != 0:
        print("update: not a git repository; cannot tell whether the update left conflicts")
        return 0
    files = unmerged.stdout.split()
    if files:
        print(
            f"update: conflicts in {', '.join(files)}: resolve the `<<<<<<< before updating` / "
            "`>>>>>>> after updating` blocks, then commit"
        )
    else:
        print("update: merged without conflicts; review `git diff`, then commit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
