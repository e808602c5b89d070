"""Decision rules (Qt-free): OK / REVIEW / NG per image, the one engine every view calls.

- :mod:`.types`: the rules as frozen values (:class:`Rules`, :class:`ClassRule`, :class:`Band`,
  :class:`Calibration`, :class:`Regions`), :class:`ImageVerdict`, :class:`Ignored`, :class:`RulesError`;
- :mod:`.rulefile`: the versioned YAML file (:func:`parse_rules`, :func:`load_rules`,
  :func:`rules_to_yaml`, :func:`simple_rules` for the command line's flags);
- :mod:`.components`: connected components (the project's one home for them);
- :mod:`.defects`: the compact per-image defect table (:func:`defect_table`, stored by runs);
- :mod:`.regions`: regions of interest as one allowed mask per image size;
- :mod:`.decide`: :func:`bind` (rules to a model's classes), :func:`decide_many` (vectorised
  over many images) and :func:`decide` (one image, with the per-defect table and reasons).
"""

from .components import class_components, regions_of
from .decide import (
    NG_AREA,
    NG_COUNT,
    NG_SCORE,
    BoundRules,
    Decision,
    Defect,
    Verdicts,
    bind,
    decide,
    decide_many,
    decide_result,
    explain,
)
from .defects import DEFECT_DTYPE, DefectTable, DefectTables, defect_table, pack_table, unpack_table
from .regions import allowed_mask, check_regions, fill_polygon
from .rulefile import load_rules, parse_rules, rules_to_dict, rules_to_yaml, simple_rules
from .types import (
    NO_RESULT,
    RULES_VERSION,
    Band,
    Calibration,
    ClassRule,
    Ignored,
    ImageVerdict,
    MaskFile,
    Regions,
    Rules,
    RulesError,
)

__all__ = [
    "DEFECT_DTYPE",
    "NG_AREA",
    "NG_COUNT",
    "NG_SCORE",
    "NO_RESULT",
    "RULES_VERSION",
    "Band",
    "BoundRules",
    "Calibration",
    "ClassRule",
    "Decision",
    "Defect",
    "DefectTable",
    "DefectTables",
    "Ignored",
    "ImageVerdict",
    "MaskFile",
    "Regions",
    "Rules",
    "RulesError",
    "Verdicts",
    "allowed_mask",
    "bind",
    "check_regions",
    "class_components",
    "decide",
    "decide_many",
    "decide_result",
    "defect_table",
    "explain",
    "fill_polygon",
    "load_rules",
    "pack_table",
    "parse_rules",
    "regions_of",
    "rules_to_dict",
    "rules_to_yaml",
    "simple_rules",
    "unpack_table",
]
