"""`rasa` with the project's speed fixes applied first (components/speedups.py).

Use it exactly like the `rasa` command: `python -m components.rasa_server run --model ...`.
`bot.processes.start_servers` (so `signpost up`, scripts/run.sh and the end-to-end tests)
starts the Rasa server this way.
"""

from __future__ import annotations

import sys


def main() -> None:
    # The intent classifier's model file is read with skops, whose import looks up the
    # module of every numpy and scipy ufunc by scanning all loaded modules. Imported before
    # Rasa (and TensorFlow) fill sys.modules, that takes about 1 s instead of 4-5 s.
    import skops.io  # noqa: F401

    from components.speedups import install

    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
