"""Work out what kind of export a folder holds and load its spec."""

from __future__ import annotations

from pathlib import Path
from typing import List, Union

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


def _model_subfolders(directory: Path) -> List[Path]:
    out = []
    for sub in sorted(p for p in directory.iterdir() if p.is_dir() and not p.name.startswith(".")):
        names = {p.name for p in sub.iterdir()}
        if names & set(CONFIGS) or "inference.pdmodel" in names:
            out.append(sub)
    return out


def load_model_spec(path: Union[str, Path]) -> ModelSpec:
    """Load an exported model folder (or its config file); raise ModelFormatError saying why not."""
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelFormatError(f"model path {path} does not exist")
    config = None
    if path.is_file():
        if path.name not in CONFIGS and path.name not in PADDLECLAS_FILES and path.suffix != ".pdmodel":
            raise ModelFormatError(
                f"{path} is not an exported model's folder or config file (deploy.yaml, infer_cfg.yml, "
                "model.yml, inference.yml); pass the model's folder")
        config, directory = (path if path.name in CONFIGS else None), path.parent
    else:
        directory = path
    directory = directory.resolve()
    names = {p.name for p in directory.iterdir()}
    if config is None:
        found = sorted(n for n in names if n in CONFIGS)
        kinds = {CONFIGS[n] for n in found}
        clas = sorted(names & PADDLECLAS_FILES)
        if clas:  # a PaddleClas export beside another suite's: never pick one in silence
            kinds.add("paddleclas")
            found += clas
        if len(kinds) > 1:
            raise ModelFormatError(
                f"{directory} holds more than one model ({', '.join(found)}); "
                "keep each exported model in its own folder"
            )
        config = directory / found[0] if found and kinds != {"paddleclas"} else None
    if config is not None:
        kind = CONFIGS[config.name]
        if kind == "paddleseg":
            return paddleseg.load(directory, config)
        if kind == "paddledet":
            return paddledet.load(directory, config)
        return paddlex.load(directory, config)
    if not any(n.endswith(".pdmodel") for n in names) and any(n.endswith(".json") for n in names) and any(n.endswith(".pdiparams") for n in names):
        raise ModelFormatError(
            f"{directory} was exported by PaddlePaddle 3.x (a .json program). This app runs Paddle 2.6, "
            "which reads model.pdmodel: export again with PaddlePaddle 2.6 (FLAGS_enable_pir_api=0)"
        )
    if "inference.pdmodel" in names or "inference.pdiparams" in names:
        model, params = paddleclas.model_files(directory)
        return paddleclas.load(directory, model, params)
    pdmodels = sorted(n for n in names if n.endswith(".pdmodel"))
    if len(pdmodels) > 1:
        raise ModelFormatError(
            f"{directory} holds several models ({', '.join(pdmodels)}) and no config saying which to use"
        )
    if pdmodels:
        raise ModelFormatError(
            f"{directory} has {pdmodels[0]} but no deploy.yaml / infer_cfg.yml / model.yml / "
            "inference.yml describing its preprocessing and classes; export it with its suite's tool"
        )
    if any(n.endswith((".pdparams", ".pdopt")) for n in names):
        raise ModelFormatError(_export_hint(directory))
    subs = _model_subfolders(directory)
    if len(subs) == 1:
        return load_model_spec(subs[0])
    if subs:
        raise ModelFormatError(
            f"{directory} holds {len(subs)} models ({', '.join(s.name for s in subs)}); choose one folder"
        )
    raise ModelFormatError(
        f"{directory} is not an exported Paddle model: expected deploy.yaml (PaddleSeg), "
        "infer_cfg.yml (PaddleDetection), model.yml (PaddleX) or inference.pdmodel (PaddleClas)"
    )
