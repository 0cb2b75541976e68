"""The policy engine: packs checked, compiled and evaluated, with no web framework and no database.

Modules (placement, subsidy, titles, ...) and the API call these functions; nothing here knows about
tenants or requests, so the same rules run in the CLI, the API, the editor and the tests.
"""

from .checker import check_pack
from .compiler import CompiledPack, compile_pack
from .describe import describe_criterion, describe_program
from .diff import diff_packs
from .engine import BatchResult, evaluate, evaluate_batch
from .errors import EvaluationInputError, PackError, PackInvalidError
from .loader import LoadedPack, load_pack
from .program import Payment

__all__ = [
    "BatchResult",
    "CompiledPack",
    "EvaluationInputError",
    "LoadedPack",
    "PackError",
    "PackInvalidError",
    "Payment",
    "check_pack",
    "compile_pack",
    "describe_criterion",
    "describe_program",
    "diff_packs",
    "evaluate",
    "evaluate_batch",
    "load_pack",
]
