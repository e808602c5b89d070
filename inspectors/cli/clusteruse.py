"""``--cluster ray``: ``predict`` and ``evaluate`` infer on a Ray cluster (:mod:`inspectors.cluster`).

The rest of the command does not change: the same run (:func:`.runuse.open_run`), the same
plan of what to infer, the same writer in this process, the same exports. Only the
inspector differs: :class:`inspectors.cluster.driver.RayInspector` sends the images to a
pool of actors instead of a predictor here.
"""

from __future__ import annotations

import argparse
import atexit
import sys
from pathlib import Path
from typing import Sequence

from ..argtypes import positive_int
from ..errors import InspectorError
from .common import CliError, install_sigterm, load_inspector, runtime_settings

#: Options that mean nothing without --cluster.
_CLUSTER_ONLY = ("address", "actors", "cpus_per_actor", "gpus_per_actor", "images_per_task")


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def add_cluster_args(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("cluster (the images must be on a filesystem every node sees at the same path)")
    g.add_argument("--cluster", choices=("ray",), default=None,
                   help="infer on a Ray cluster (needs the cluster extra: pip install -e \".[cluster]\")")
    g.add_argument("--address", default=None, metavar="HOST:PORT",
                   help="the Ray cluster's head (its GCS port, e.g. 10.0.0.5:6379; run the command on a "
                        "node of that cluster); default: start Ray on this machine")
    g.add_argument("--actors", type=positive_int, default=None, metavar="N",
                   help="actors (one model each; default: as many as the cluster's CPUs hold)")
    g.add_argument("--cpus-per-actor", type=_number, default=None, metavar="C",
                   help="CPUs each actor reserves (default: --threads)")
    g.add_argument("--gpus-per-actor", type=_number, default=None, metavar="G",
                   help="GPUs each actor reserves (default 0; above 0 the actors run on their GPU)")
    g.add_argument("--images-per-task", type=positive_int, default=None, metavar="N",
                   help="images an actor is given at a time (default: up to 32, fewer when that "
                        "would leave actors idle); an actor that dies redoes at most this many")


def wanted(args: argparse.Namespace) -> bool:
    """Whether the command runs on a cluster; CliError for cluster options without it."""
    if getattr(args, "cluster", None) is not None:
        return True
    given = [f"--{name.replace('_', '-')}" for name in _CLUSTER_ONLY if getattr(args, name, None) is not None]
    if given:
        raise CliError(f"{', '.join(given)} need{'s' if len(given) == 1 else ''} --cluster ray")
    return False


def load(args: argparse.Namespace, samples: Sequence[Path] = ()):
    """A :class:`inspectors.cluster.driver.RayInspector` connected to the cluster (and
    disconnected at exit): the command's inspector with ``--cluster ray``. Bad cluster
    arguments, Ray missing, an unreachable address: CliError (exit 2). ``--engine auto``
    is resolved here, on this machine (measured on ``samples`` or remembered), and the
    actors run the chosen backend."""
    from ..cluster.driver import ClusterError, ClusterOptions, RayInspector
    from ..formats import load_model_spec

    settings = runtime_settings(args)
    if settings.engine == "auto":
        chosen = load_inspector(args, samples).settings.engine
        args = argparse.Namespace(**{**vars(args), "engine": chosen})
        settings = runtime_settings(args)
    gpus = args.gpus_per_actor if args.gpus_per_actor is not None else 0.0
    if gpus > 0 and settings.device == "cpu":
        settings = runtime_settings(argparse.Namespace(**{**vars(args), "device": "gpu"}))
    try:
        options = ClusterOptions(address=args.address, actors=args.actors,
                                 cpus_per_actor=float(settings.threads) if args.cpus_per_actor is None
                                 else args.cpus_per_actor,
                                 gpus_per_actor=gpus, batch_images=args.images_per_task)
        spec = load_model_spec(args.model)
        inspector = RayInspector(args.model, settings, options, spec=spec)
    except ClusterError as e:
        raise CliError(str(e)) from None
    except InspectorError as e:
        raise CliError(f"cannot load model: {e}") from None
    atexit.register(inspector.close)
    install_sigterm()  # Ray's driver installs its own; ours unwinds the run (staging removed)
    print(f"cluster: Ray at {args.address or 'this machine'}, {inspector.actors} actors x "
          f"{options.cpus_per_actor:g} CPUs" + (f" + {gpus:g} GPUs" if gpus else "")
          + f", model shipped to the workers ({inspector.payload.nbytes / 1e6:.1f} MB)", file=sys.stderr)
    return inspector
