"""The pose model's file: the `.task` bundle made from the mediapipe wheel's own tflite files, kept on disk
so later processes read it back, and mediapipe imported without what it does not need.

Why apart from pose_model (which runs the model): this is the model's provenance (which wheel, which
files, which way of building, where it is cached), read by the browser's live page too (web.live_assets
serves the same bundle), and it changes for other reasons than how frames are run.
"""

from __future__ import annotations

import hashlib
import importlib.machinery
import importlib.metadata
import importlib.util
import io
import json
import os
import sys
import types
from functools import cache
from pathlib import Path

from hipcoach.errors import UserError


class _DeferredModule(types.ModuleType):
    """Stands in sys.modules for a module not loaded yet; the first attribute it lacks loads the real
    one (while it is registered under its own name) and takes over its namespace."""

    def __getattr__(self, attr: str):
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = importlib.import_module(name)
        self.__dict__.update(real.__dict__)
        sys.modules[name] = real
        return getattr(real, attr)


def import_mediapipe():
    """`import mediapipe`, without the matplotlib.pyplot import its legacy drawing helpers make.

    The package's __init__ imports the legacy solutions, whose drawing_utils imports matplotlib.pyplot
    at the top (about 1 of the 1.9 s `import mediapipe` takes here) to use it only in a plotting
    function. A stand-in takes pyplot's place just while mediapipe is imported: drawing_utils keeps the
    stand-in, which loads the real pyplot the first time anything is read from it; everyone else
    imports the real one as usual.
    """
    os.environ.setdefault("GLOG_minloglevel", "2")  # the C++ side logs a page of INFO lines otherwise
    if "mediapipe" in sys.modules:
        return sys.modules["mediapipe"]
    stand_in = None
    if "matplotlib.pyplot" not in sys.modules:
        stand_in = _DeferredModule("matplotlib.pyplot")
        stand_in.__spec__ = None  # the import system reads it; nothing else is defined until first use
        sys.modules["matplotlib.pyplot"] = stand_in
    try:
        import mediapipe as mp
    except ImportError as exc:  # pragma: no cover - depends on the installation
        raise UserError(
            "Pose estimation needs mediapipe 0.10.21, which is not installed.",
            "Install it with `pip install --no-deps mediapipe==0.10.21` (see requirements/no-deps.txt).",
        ) from exc
    finally:
        if stand_in is not None and sys.modules.get("matplotlib.pyplot") is stand_in:
            del sys.modules["matplotlib.pyplot"]
    return mp


BUNDLE_FORMAT = 1  # how `_build_bundle` makes the bundle: a change here must not reuse old cached files
CACHE_ENV = "HIPCOACH_CACHE_DIR"


def cache_dir() -> Path:
    """Where built model bundles are kept: $HIPCOACH_CACHE_DIR, else $XDG_CACHE_HOME/hipcoach, else
    ~/.cache/hipcoach."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "hipcoach"


def _wheel_files() -> tuple[Path, Path, str]:
    """The wheel's detector and full landmark tflite files and mediapipe's version, found without
    importing mediapipe (so a cached bundle costs no import)."""
    spec = importlib.util.find_spec("mediapipe")
    if spec is None or not spec.submodule_search_locations:  # pragma: no cover - depends on installation
        import_mediapipe()  # raises the install hint
    root = Path(next(iter(spec.submodule_search_locations))) / "modules"
    version = importlib.metadata.version("mediapipe")
    return (
        root / "pose_detection" / "pose_detection.tflite",
        root / "pose_landmark" / "pose_landmark_full.tflite",
        version,
    )


def bundle_key(files: tuple[Path, ...], version: str) -> dict:
    """What a cached bundle was made from: our format, mediapipe's version, each file's size and mtime.
    Any change (a reinstalled or upgraded wheel, a new way of building) gives another key, so a stale
    bundle is never used; comparing it costs two stat() calls, not a hash of 9 MB."""
    files_key = []
    for f in files:
        st = f.stat()
        files_key.append([str(f), st.st_size, st.st_mtime_ns])
    return {"format": BUNDLE_FORMAT, "mediapipe": version, "files": files_key}


def _build_bundle(detector_path: Path, landmark_path: Path, version: str) -> tuple[bytes, str]:
    import_mediapipe()
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    detector, landmarks = detector_path.read_bytes(), landmark_path.read_bytes()
    # The landmark model takes RGB in 0..1: Tasks reads that from metadata the wheel's copy lacks.
    writer = metadata_writer.MetadataWriter.create(bytearray(landmarks))
    writer.add_general_info("pose_landmark_full", "BlazePose GHUM 3D, full")
    writer.add_image_input(norm_mean=[0.0], norm_std=[255.0])
    landmarks_md, _ = writer.populate()
    buf = io.BytesIO()
    with AlignZipFile(buf, mode="w", alignment=4) as zf:
        zf.writestr("pose_detector.tflite", detector)
        zf.writestr("pose_landmarks_detector.tflite", bytes(landmarks_md))
    digest = hashlib.sha256(detector + landmarks).hexdigest()[:12]
    return buf.getvalue(), f"blazepose-full/mediapipe-{version}/{digest}"


def _read_cached(task: Path, key: dict) -> tuple[bytes, str] | None:
    try:
        meta = json.loads(task.with_suffix(".json").read_text())
        if meta["key"] != key:
            return None
        data = task.read_bytes()
        return (data, meta["id"]) if len(data) == meta["size"] else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write_cached(task: Path, key: dict, data: bytes, model_id: str) -> None:
    """Bundle then sidecar, each written to a temporary name and renamed, so a reader never sees half a
    file; an unwritable cache is no error (the bundle is simply built again next time)."""
    try:
        task.parent.mkdir(parents=True, exist_ok=True)
        for path, payload in (
            (task, data),
            (task.with_suffix(".json"), json.dumps({"key": key, "id": model_id, "size": len(data)}).encode()),
        ):
            tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            tmp.write_bytes(payload)
            os.replace(tmp, path)
    except OSError:
        pass


def _bundle_file() -> tuple[Path, dict, tuple[Path, Path, str]]:
    """Where the wheel's bundle is cached, its key, and what it is made from."""
    files = _wheel_files()
    key = bundle_key(files[:2], files[2])
    name = hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]
    return cache_dir() / f"blazepose-full-{name}.task", key, files


@cache
def wheel_bundle() -> tuple[bytes, str]:
    """The full-model `.task` bundle made from the tflite files shipped in the mediapipe wheel, and its id.

    Built once (about 0.5 s: the metadata writer and a hash of the two files) and kept in `cache_dir()`
    under a name from `bundle_key`; later processes read it back (a few ms).
    """
    task, key, (detector, landmarks, version) = _bundle_file()
    if (hit := _read_cached(task, key)) is not None:
        return hit
    data, model_id = _build_bundle(detector, landmarks, version)
    _write_cached(task, key, data, model_id)
    return data, model_id


def load_model(model: str | Path | None) -> tuple[bytes, str, Path | None]:
    """The bundle's bytes, its id, and a file holding exactly those bytes (None if there is none).

    MediaPipe is given the file where there is one: loaded from a buffer, each model made copies of the
    9 MB bundle on the way in (measured here: RSS 50-90 MB above what the model keeps, for a moment,
    at each of the two or three models a run makes); from a file it has none of that.
    """
    if model is None:
        data, model_id = wheel_bundle()
        task = _bundle_file()[0]
        try:
            same = task.stat().st_size == len(data)
        except OSError:  # the cache could not be written: the buffer it is
            same = False
        return data, model_id, task if same else None
    path = Path(model)
    if not path.is_file():
        raise UserError(f"No pose model at {path}.", "Leave out --model to use the built-in full model.")
    data = path.read_bytes()
    return data, f"task:{path.stem}/{hashlib.sha256(data).hexdigest()[:12]}", path.resolve()
