"""Work out what kind of export a folder holds and load its spec."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Set, Union

from ..errors import ModelFormatError
from . import paddleclas, paddledet, paddleseg, paddlex
from .spec import ModelSpec

CONFIGS = {"deploy.yaml": "paddleseg", "deploy.yml": "paddleseg",
           "infer_cfg.yml": "paddledet", "infer_cfg.yaml": "paddledet", "model.yml": "paddlex"}


#: Files only a PaddleClas export has (its program and weights are named ``inference.*``).
PADDLECLAS_FILES = frozenset({"inference.pdmodel", "inference.pdiparams", "inference.yml",
                              "inference_cls.yaml", "inference.yaml"})


def _export_hint(directory: Path) -> str:
    return (
        f"{directory} holds a training checkpoint (.pdparams), not an exported model. Export it "
        "with the tool that trained it:\n"
        "  PaddleSeg:        python tools/export.py --config CONFIG.yml --model_path model.pdparams --save_dir OUT\n"
        "  PaddleDetection:  python tools/export_model.py -c CONFIG.yml -o weights=model.pdparams --output_dir OUT\n"
        "  PaddleClas:       python tools/export_model.py -c CONFIG.yaml -o Global.pretrained_model=model "
        "-o Global.save_inference_dir=OUT\n"
        "  Defect Inspector: python main.py train ... ends with an export of its own"
    )


class NotAModelError(ModelFormatError):
    """The path is not (exactly one) exported model: :func:`load_model_spec` refuses it
    before reading any config. The message says why and what to do."""


@dataclass(frozen=True)
class Recognized:
    """An exported model's kind and where it is (see :func:`recognize`)."""

    kind: str  # "paddleseg" | "paddledet" | "paddlex" | "paddleclas"
    directory: Path  # the model's folder: the folder given, or its one model subfolder
    config: Optional[Path]  # the config the kind is read from (None: PaddleClas finds its own)


def _names(directory: Path) -> Set[str]:
    try:
        return {p.name for p in directory.iterdir()}
    except OSError as e:
        raise NotAModelError(f"{directory} cannot be read: {e.strerror or e}") from None


def _is_candidate(directory: Path) -> bool:
    """A subfolder that holds model files (a config or a PaddleClas program / weights)."""
    try:
        names = _names(directory)
    except NotAModelError:
        return False
    return bool(names & set(CONFIGS)) or "inference.pdmodel" in names or "inference.pdiparams" in names


def _model_subfolders(directory: Path) -> List[Path]:
    try:
        subs = sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return []
    return [sub for sub in subs if _is_candidate(sub)]


def _recognize(path: Union[str, Path], nested: bool = False) -> Recognized:
    """THE model-folder rule: what :func:`load_model_spec` loads, or NotAModelError saying why not."""
    path = Path(path).expanduser()
    if not path.exists():
        raise NotAModelError(f"model path {path} does not exist")
    config = None
    if path.is_file():
        if path.name not in CONFIGS and path.name not in PADDLECLAS_FILES and path.suffix != ".pdmodel":
            raise NotAModelError(
                f"{path} is not an exported model's folder or config file (deploy.yaml, infer_cfg.yml, "
                "model.yml, inference.yml); pass the model's folder")
        config, directory = (path if path.name in CONFIGS else None), path.parent
    else:
        directory = path
    directory = directory.resolve()
    names = _names(directory)
    if config is None:
        found = sorted(n for n in names if n in CONFIGS)
        kinds = {CONFIGS[n] for n in found}
        clas = sorted(names & PADDLECLAS_FILES)
        if clas:  # a PaddleClas export beside another suite's: never pick one in silence
            kinds.add("paddleclas")
            found += clas
        if len(kinds) > 1:
            raise NotAModelError(
                f"{directory} holds more than one model ({', '.join(found)}); "
                "keep each exported model in its own folder"
            )
        config = directory / found[0] if found and kinds != {"paddleclas"} else None
    if config is not None:
        return Recognized(CONFIGS[config.name], directory, config)
    if not any(n.endswith(".pdmodel") for n in names) and any(n.endswith(".json") for n in names) \
            and any(n.endswith(".pdiparams") for n in names):
        raise NotAModelError(
            f"{directory} was exported by PaddlePaddle 3.x (a .json program). This app runs Paddle 2.6, "
            "which reads model.pdmodel: export again with PaddlePaddle 2.6 (FLAGS_enable_pir_api=0)"
        )
    if "inference.pdmodel" in names or "inference.pdiparams" in names:
        return Recognized("paddleclas", directory, None)
    pdmodels = sorted(n for n in names if n.endswith(".pdmodel"))
    if len(pdmodels) > 1:
        raise NotAModelError(
            f"{directory} holds several models ({', '.join(pdmodels)}) and no config saying which to use"
        )
    if pdmodels:
        raise NotAModelError(
            f"{directory} has {pdmodels[0]} but no deploy.yaml / infer_cfg.yml / model.yml / "
            "inference.yml describing its preprocessing and classes; export it with its suite's tool"
        )
    if any(n.endswith((".pdparams", ".pdopt")) for n in names):
        raise NotAModelError(_export_hint(directory))
    subs = [] if nested else _model_subfolders(directory)
    if len(subs) == 1:
        return _recognize(subs[0], nested=True)
    if subs:
        raise NotAModelError(
            f"{directory} holds {len(subs)} models ({', '.join(s.name for s in subs)}); choose one folder"
        )
    old = " (a __model__ program needs the model.yml of its PaddleX 1.x export beside it)" \
        if "__model__" in names else ""
    raise NotAModelError(
        f"{directory} is not an exported Paddle model{old}: expected deploy.yaml (PaddleSeg), "
        "infer_cfg.yml (PaddleDetection), model.yml (PaddleX) or inference.pdmodel (PaddleClas)"
    )


def recognize(path: Union[str, Path]) -> Optional[Recognized]:
    """The exported model at ``path`` (a folder, its one model subfolder, or a config file),
    or None where :func:`load_model_spec` refuses the path as not a model.

    This is the only model-folder rule: ``load_model_spec`` loads what it recognizes, the
    app adds a dropped folder as a model exactly when it is recognized (else opens it as
    images). Recognition looks at file names only; a recognized folder can still fail to
    load because of what its files hold (a broken config, a missing weights file).
    """
    try:
        return _recognize(path)
    except NotAModelError:
        return None


def is_model_folder(path: Union[str, Path]) -> bool:
    """``recognize(path) is not None``: the app's "is this dropped folder a model?"."""
    return recognize(path) is not None


def load_model_spec(path: Union[str, Path]) -> ModelSpec:
    """Load an exported model folder (or its config file); raise ModelFormatError saying why not
    (:class:`NotAModelError` when :func:`recognize` refuses the path)."""
    found = _recognize(path)
    if found.kind == "paddleseg":
        return paddleseg.load(found.directory, found.config)
    if found.kind == "paddledet":
        return paddledet.load(found.directory, found.config)
    if found.kind == "paddlex":
        return paddlex.load(found.directory, found.config)
    model, params = paddleclas.model_files(found.directory)
    return paddleclas.load(found.directory, model, params)
