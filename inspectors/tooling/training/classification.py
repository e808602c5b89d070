"""Classification training (paddle dygraph) on a PaddleClas-list dataset, ending in a
PaddleClas export the engine loads.

Recipe knobs live in a YAML config (see ``resources/configs/cls/``). Each epoch writes
``latest.pdparams`` / ``latest.pdopt`` / ``state.json`` under the output folder (resume
with ``resume=True``); evaluation every ``eval_every`` epochs runs in eval mode with the
project's metrics and keeps ``best.pdparams``; the best weights are exported at the end.
"""

from __future__ import annotations

import dataclasses
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import numpy as np

from ...outdir import StagedFolder
from ...perturb import PERTURBATIONS
from ...robustness import Setting, parse_setting, perturb_hook
from .cls_data import Batches, ImageCache, load_samples, preprocessor
from .common import (
    RunLog,
    TrainingError,
    cosine_lr,
    is_model_export,
    load_matching_weights,
    load_state,
    portable_opt_state,
    read_config,
    resolve,
    save_atomic,
    save_state,
)


@dataclass(frozen=True)
class Selection:
    """Which epoch's weights are kept: the one whose worst margin over the targets is the
    largest (clean accuracy - ``clean``, and each perturbed accuracy - ``perturbed``), ties
    to the larger next-worst margin, and so on (300 images make ties common). Without it,
    the best clean accuracy is kept."""

    under: Tuple[Setting, ...]
    clean: float
    perturbed: float

    @classmethod
    def from_dict(cls, cfg: Dict[str, Any]) -> Selection:
        try:
            under = tuple(parse_setting(t) for t in cfg.get("under") or ())
            clean, perturbed = float(cfg.get("clean", 0.0)), float(cfg.get("perturbed", 0.0))
        except (TypeError, ValueError) as e:
            raise TrainingError(f"train.select: {e}") from None
        if not under:
            raise TrainingError("train.select: 'under' lists no perturbation (e.g. [blur:1.5, noise:8])")
        return cls(under, clean, perturbed)

    def score(self, clean: float, perturbed: Sequence[float]) -> Tuple[float, ...]:
        """Larger is better: the margins, worst first."""
        return tuple(sorted(round(m, 9) for m in (clean - self.clean, *(a - self.perturbed for a in perturbed))))


@dataclass
class ClsConfig:
    """A classification recipe; field names mirror the YAML keys (``data`` / ``train``)."""

    model_name: str
    arch: str
    root: Path
    train_list: Path
    val_list: Path
    image_size: int = 128
    resize_short: Optional[int] = None  # default: image_size
    class_names: Optional[Tuple[str, ...]] = None
    augment: Dict[str, Any] = field(default_factory=dict)
    epochs: int = 60
    batch_size: int = 32
    lr: float = 0.05
    momentum: float = 0.9
    weight_decay: float = 5e-4
    warmup_epochs: int = 2
    label_smoothing: float = 0.0
    eval_every: int = 1
    seed: int = 0
    output: Path = Path("output/cls")
    export_dir: Optional[Path] = None
    max_steps: Optional[int] = None  # stop early (tests)
    # keep the weights that best meet accuracy targets clean and under fixed perturbations
    # (``train: select: {under: [blur:1.5, ...], clean: 0.99, perturbed: 0.98}``)
    select: Optional[Selection] = None

    @classmethod
    def from_yaml(cls, path: Path | str, **overrides: Any) -> ClsConfig:
        path = Path(path)
        return cls.from_dict(read_config(path), path.parent, **overrides)

    @classmethod
    def from_dict(cls, cfg: Dict[str, Any], base: Path = Path("."), **overrides: Any) -> ClsConfig:
        data, train = dict(cfg.get("data") or {}), dict(cfg.get("train") or {})
        perturb = overrides.pop("perturb", None)  # the CLI's --augment list
        try:
            root = resolve(base, data["root"])
            names = data.get("class_names")
            kw: Dict[str, Any] = dict(
                model_name=str(cfg.get("model_name", "classifier")),
                arch=str(cfg["arch"]),
                root=root,
                train_list=root / data.get("train_list", "train_list.txt"),
                val_list=root / data.get("val_list", "val_list.txt"),
                image_size=int(data.get("image_size", 128)),
                resize_short=int(data["resize_short"]) if data.get("resize_short") else None,
                class_names=tuple(names) if names else None,
                augment=dict(data.get("augment") or {}),
                output=resolve(base, cfg.get("output", "output/cls")),
                export_dir=resolve(base, cfg["export_dir"]) if cfg.get("export_dir") else None,
            )
        except KeyError as e:
            raise TrainingError(f"classification config misses the key {e}") from None
        for key in ("epochs", "batch_size", "warmup_epochs", "eval_every", "seed", "max_steps"):
            if key in train:
                kw[key] = None if train[key] is None else int(train[key])
        for key in ("lr", "momentum", "weight_decay", "label_smoothing"):
            if key in train:
                kw[key] = float(train[key])
        if perturb:
            kw["augment"]["perturb"] = perturb
        if train.get("select"):
            kw["select"] = Selection.from_dict(train["select"])
        kw.update(overrides)
        return cls(**kw)


def _predict(model, batches: Batches) -> np.ndarray:
    """Softmax probabilities of every image, eval mode, no gradients."""
    import paddle
    import paddle.nn.functional as F

    model.eval()
    out: List[np.ndarray] = []
    with paddle.no_grad():
        for x, _ in batches.epoch(0):
            out.append(F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy())
    return np.concatenate(out)


def evaluate_probs(probs: np.ndarray, labels: Sequence[int], names: Sequence[str]) -> Dict[str, Any]:
    """Accuracy and per-class numbers from :mod:`inspectors.metrics` (the app's metrics)."""
    from ...metrics import ClassificationData
    from ...results import ClassificationResult

    names = tuple(names)
    pairs = [
        (ClassificationResult.one_hot(int(y), names), ClassificationResult(p, names))
        for p, y in zip(probs, labels)
    ]
    data = ClassificationData(pairs)
    summary = data.summary(ks=(1,))
    summary["accuracy"] = data.topk_accuracy(1)
    return summary


class ClassificationTrainer:
    """Build data and model from a :class:`ClsConfig`; ``fit`` trains, ``export`` exports."""

    def __init__(self, cfg: ClsConfig, pretrained: Optional[Path] = None, vdl: bool = False) -> None:
        import paddle

        from .cls_models import build_classifier

        self.cfg, self.pretrained = cfg, pretrained
        self.train_rows, names = load_samples(cfg.train_list, cfg.root, cfg.class_names)
        self.val_rows, _ = load_samples(cfg.val_list, cfg.root, names)
        self.names = names
        for path, label in self.train_rows + self.val_rows:
            if not 0 <= label < len(names):  # defensive: the reader already skips these
                raise TrainingError(f"{path}: label {label} outside 0..{len(names) - 1}")
        cache = ImageCache()
        pre = preprocessor(cfg.image_size, cfg.resize_short)
        self.train_batches = Batches(self.train_rows, cache, pre, cfg.batch_size, True,
                                     cfg.seed, cfg.augment)
        self.val_batches = Batches(self.val_rows, cache, pre, cfg.batch_size, False)
        self.perturbed_val = {  # label -> the validation images under that fixed perturbation
            PERTURBATIONS[st.name].label(st.strength): Batches(
                self.val_rows, cache, pre, cfg.batch_size, False, hook=perturb_hook(st))
            for st in (cfg.select.under if cfg.select else ())
        }
        if len(self.train_batches) == 0:
            raise TrainingError("the training list has no full batch")
        paddle.seed(cfg.seed)
        self.model = build_classifier(cfg.arch, len(names))
        if pretrained is not None and Path(pretrained).is_dir():  # an export (a bundled model)
            from .cls_models import weights_from_export

            self.model.set_state_dict(weights_from_export(pretrained, cfg.arch, len(names)))
            print(f"pretrained: the weights of the export {pretrained}", flush=True)
        elif pretrained is not None:
            load_matching_weights(self.model, Path(pretrained))
        self.opt = paddle.optimizer.Momentum(
            learning_rate=cfg.lr, momentum=cfg.momentum, parameters=self.model.parameters(),
            weight_decay=paddle.regularizer.L2Decay(cfg.weight_decay), use_nesterov=True,
        )
        self.out = cfg.output
        self.log = RunLog(self.out, vdl=vdl)

    def fit(self, resume: bool = False) -> Dict[str, Any]:
        """Train; returns the final state (history, best accuracy and epoch)."""
        import paddle
        import paddle.nn.functional as F

        cfg, steps_per_epoch = self.cfg, len(self.train_batches)
        state: Dict[str, Any] = {"epoch": 0, "step": 0, "best_acc": -1.0, "best_epoch": 0,
                                 "history": [], "train_seconds": 0.0}
        if resume:
            old = load_state(self.out)
            if old is None or not (self.out / "latest.pdparams").is_file():
                raise TrainingError(f"nothing to resume in {self.out}")
            self.model.set_state_dict(paddle.load(str(self.out / "latest.pdparams")))
            opt_state = paddle.load(str(self.out / "latest.pdopt"))
            self.opt.set_state_dict(portable_opt_state(self.model, opt_state, False))
            state = old
            self.log.say(f"resumed from epoch {state['epoch']} (best {state['best_acc']:.4f})")
        total = cfg.epochs * steps_per_epoch
        warm = cfg.warmup_epochs * steps_per_epoch
        self.log.say(f"{cfg.arch}: {len(self.train_rows)} train / {len(self.val_rows)} val images, "
                     f"{steps_per_epoch} steps per epoch, {cfg.epochs} epochs")
        for epoch in range(state["epoch"] + 1, cfg.epochs + 1):
            self.model.train()
            t0, losses = time.time(), []
            for i, (x, y) in enumerate(self.train_batches.epoch(epoch), 1):
                lr = cosine_lr(cfg.lr, state["step"], total, warm)
                self.opt.set_lr(lr)
                logits = self.model(paddle.to_tensor(x))
                loss = F.cross_entropy(logits, paddle.to_tensor(y),
                                       label_smoothing=cfg.label_smoothing)
                loss.backward()
                self.opt.step()
                self.opt.clear_grad()
                state["step"] += 1
                losses.append(float(loss))
                if state["step"] % 10 == 0:
                    self.log.scalar("train/loss", losses[-1], state["step"])
                    self.log.say(f"  epoch {epoch} step {i}/{steps_per_epoch} "
                                 f"loss {np.mean(losses[-10:]):.4f} lr {lr:.5f}")
                if cfg.max_steps and state["step"] >= cfg.max_steps:
                    break
            state["epoch"], seconds = epoch, time.time() - t0
            state["train_seconds"] += seconds
            row: Dict[str, Any] = {"epoch": epoch, "loss": float(np.mean(losses)),
                                   "first_loss": losses[0], "last_loss": losses[-1],
                                   "seconds": round(seconds, 1)}
            last = epoch == cfg.epochs or bool(cfg.max_steps and state["step"] >= cfg.max_steps)
            if epoch % cfg.eval_every == 0 or last or epoch == 1:
                probs = _predict(self.model, self.val_batches)
                metrics = evaluate_probs(probs, [r[1] for r in self.val_rows], self.names)
                row["val_acc"] = metrics["accuracy"]
                row["val_pred_classes"] = int(len(set(np.argmax(probs, 1).tolist())))
                self.log.scalar("val/accuracy", metrics["accuracy"], epoch)
                under = self._perturbed_accuracies()
                row.update({f"val_acc {label}": acc for label, acc in under.items()})
                score = (list(cfg.select.score(metrics["accuracy"], list(under.values())))
                         if cfg.select else [metrics["accuracy"]])
                if state.get("best_score") is None or score > state["best_score"]:
                    state["best_acc"], state["best_epoch"] = metrics["accuracy"], epoch
                    state["best_score"] = score
                    metrics["under"] = under
                    save_atomic(self.model.state_dict(), self.out / "best.pdparams")
                    (self.out / "best_metrics.json").write_text(
                        json.dumps(metrics, indent=1, default=float))
            state["history"].append(row)
            save_atomic(self.model.state_dict(), self.out / "latest.pdparams")
            save_atomic(portable_opt_state(self.model, self.opt.state_dict(), True),
                        self.out / "latest.pdopt")
            save_state(self.out, state)
            self.log.record(**row)
            self.log.scalar("train/epoch_loss", row["loss"], epoch)
            self.log.say(" ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                                  for k, v in row.items()))
            if last:
                break
        self.log.close()
        return state

    def _perturbed_accuracies(self) -> Dict[str, float]:
        labels = [r[1] for r in self.val_rows]
        return {label: float(np.mean(np.argmax(_predict(self.model, batches), 1) == labels))
                for label, batches in self.perturbed_val.items()}

    def load_best(self) -> None:
        import paddle

        path = self.out / "best.pdparams"
        if path.is_file():
            self.model.set_state_dict(paddle.load(str(path)))

    def export(self, out_dir: Optional[Path] = None):
        """Export the current weights in the PaddleClas layout (softmax appended)."""
        from ..exporters.paddleclas_export import export_paddleclas

        out_dir = Path(out_dir or self.cfg.export_dir or self.out / "export").absolute()
        size = self.cfg.image_size
        with StagedFolder(out_dir, "model", accept=is_model_export) as work:
            result = export_paddleclas(self.model, work, self.names, self.cfg.model_name,
                                       image_size=size, resize_short=self.cfg.resize_short or size)
        moved = lambda p: None if p is None else out_dir / Path(p).name  # noqa: E731
        return dataclasses.replace(result, dir=out_dir, model_file=moved(result.model_file),
                                   params_file=moved(result.params_file),
                                   config_file=moved(result.config_file))


def train_classification(
    config: Path | str, resume: bool = False, pretrained: Optional[Path] = None,
    vdl: bool = False, export: bool = True, **overrides: Any,
) -> Dict[str, Any]:
    """Train from a YAML config, then export the best weights; returns the final state."""
    from .finalize import finalize_classifier

    trainer = ClassificationTrainer(ClsConfig.from_yaml(config, **overrides), pretrained, vdl)
    state = trainer.fit(resume=resume)
    if export:
        trainer.load_best()
        result = trainer.export()
        state["export"] = str(result.dir)
        state["val_metrics"] = finalize_classifier(trainer, state, result.dir, Path(config))
    return state
