"""Ground truth for evaluating inspection results, read from the layouts the
Paddle suites use (PaddleSeg lists and label maps, VOC XML, COCO json, PaddleClas
lists, class folders) and from Severstal run-length csv files."""

from .classification import load_cls_folders, load_cls_list
from .coco import load_coco
from .discover import KINDS, discover, load_ground_truth
from .lists import read_label_names
from .segmentation import load_seg_folders, load_seg_list, read_label_map
from .severstal import load_severstal, rle_decode, rle_encode
from .types import GroundTruthProblem, GroundTruthSet, LazyEntry, path_key
from .voc import load_voc_folder, load_voc_list, parse_voc_xml

__all__ = [
    "KINDS",
    "GroundTruthProblem",
    "GroundTruthSet",
    "LazyEntry",
    "discover",
    "load_cls_folders",
    "load_cls_list",
    "load_coco",
    "load_ground_truth",
    "load_seg_folders",
    "load_seg_list",
    "load_severstal",
    "load_voc_folder",
    "load_voc_list",
    "parse_voc_xml",
    "path_key",
    "read_label_map",
    "read_label_names",
    "rle_decode",
    "rle_encode",
]
