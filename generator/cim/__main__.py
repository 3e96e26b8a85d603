from __future__ import annotations

from cim.cli import run

if __name__ == "__main__":  # a worker process started by `spawn` imports this too
    run()
