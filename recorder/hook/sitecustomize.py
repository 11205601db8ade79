"""Loaded by the recorder through PYTHONPATH so the traced program needs no edit.

Chains to any sitecustomize this one shadows, then installs the _strata_ust profile hook (built for this
interpreter in the folder named by STRATA_UST_EXT_DIR) and, at exit, lists the shared objects the process
mapped (STRATA_UST_MAPS) so the recorder can bundle the instrumented ones.
"""
import os
import sys


def _chain_shadowed_sitecustomize() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    mod = sys.modules.pop("sitecustomize", None)
    saved = sys.path[:]
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    try:
        import sitecustomize  # noqa: F401  (the interpreter's own, if any)
    except ImportError:
        pass
    finally:
        sys.path[:] = saved
        if mod is not None:
            sys.modules["sitecustomize"] = mod


def _record_maps(path: str) -> None:
    try:
        with open("/proc/self/maps") as f:
            objs = {line.split(None, 5)[5].strip() for line in f if len(line.split(None, 5)) == 6}
        with open(path, "a") as out:
            for o in sorted(objs):
                if o.startswith("/"):
                    out.write(o + "\n")
    except OSError:
        pass


def _start() -> None:
    ext_dir = os.environ.get("STRATA_UST_EXT_DIR")
    if not ext_dir:
        return
    sys.path.insert(0, ext_dir)
    try:
        import _strata_ust
    except ImportError as err:
        # Another interpreter started by the program (a different ABI): it runs, untraced, and says so.
        sys.stderr.write(f"strata-record: {sys.executable} not traced ({err})\n")
        return
    finally:
        sys.path.remove(ext_dir)
    import atexit

    maps = os.environ.get("STRATA_UST_MAPS")
    if maps:
        atexit.register(_record_maps, maps)
    # atexit runs last-registered first: the hook goes before the listing, which is the recorder's work.
    # Called from atexit's C loop, stop() itself emits no event.
    atexit.register(_strata_ust.stop)
    _strata_ust.start()


_chain_shadowed_sitecustomize()
_start()
