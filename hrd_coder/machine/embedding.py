"""The `embedding` backend: each unit becomes the vector of a local model2vec model (the mean
of its tokens' static embeddings), then the classifier backend's logistic regression per code
gives each unit a probability. Only the features differ from `classifier`.

The model is read from a folder the user names and nothing is downloaded: model2vec would
fetch a name it cannot find as a folder from the Hugging Face hub, so the folder is checked
here first and the hub is switched off while it loads. model2vec is an optional extra
(`pip install 'hrd-coder[embedding]'`), imported only when this backend is used.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrd_coder.problems import ProjectError
from hrd_coder.wording import agreeing

if TYPE_CHECKING:  # numpy loads only when a model is used
    import numpy as np

BACKEND = "embedding"
INSTALL = "pip install 'hrd-coder[embedding]'"
# The folder layouts model2vec reads (its persistence/datamodels.py): its own, and a
# sentence-transformers StaticEmbedding model saved whole or under 0_StaticEmbedding/.
LAYOUTS = (
    ("config.json", "model.safetensors", "tokenizer.json"),
    ("config_sentence_transformers.json", "model.safetensors", "tokenizer.json"),
    (
        "config_sentence_transformers.json",
        "0_StaticEmbedding/model.safetensors",
        "0_StaticEmbedding/tokenizer.json",
    ),
)
GET_ONE = (
    'on a machine with internet: pip install model2vec && python -c "from model2vec import '
    "StaticModel; StaticModel.from_pretrained('minishlab/potion-base-8M')"
    ".save_pretrained('models/potion')\", then copy the folder here (docs/machine-coding.md)"
)


@dataclass(frozen=True)
class EmbeddingSettings:
    """What shapes the embedding classifier, recorded with every run: the model folder and
    its files' checksum say which model made the features."""

    model_dir: str
    model_checksum: str  # model_checksum() of the folder when the run was made
    model_files: int
    # The classifier backend's regression, C = 4 included: on standardised features it found
    # the planted signal (tests/planted.py, a 64-dimension test model) at alpha 0.94 against
    # 0.92 at C = 1, and codes with no signal stayed at chance either way.
    c: float = 4.0
    class_weight: str | None = None  # unweighted, as for `classifier` (its comment says why)
    threshold: float = 0.5

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, for the run's event."""
        return asdict(self)


def backend_version() -> str:
    """The libraries that do the work, with their versions, for the run's record."""
    import model2vec
    import sklearn

    return f"model2vec {model2vec.__version__}, scikit-learn {sklearn.__version__}"


def model_checksum(folder: Path) -> tuple[str, int]:
    """SHA-256 over every file of the folder (and its subfolders), in the order of their
    paths relative to it: for each, the path (UTF-8, '/' between folders), a NUL byte, its
    size in bytes as decimal digits, a NUL byte, then its bytes. Returns it and the count
    of files. The same model files give the same checksum wherever the folder is."""
    digest = hashlib.sha256()
    files = sorted((p.relative_to(folder).as_posix(), p) for p in folder.rglob("*") if p.is_file())
    for name, path in files:
        digest.update(f"{name}\0{path.stat().st_size}\0".encode())
        with path.open("rb") as data:
            for block in iter(lambda: data.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest(), len(files)


def check_folder(model_dir: str | None) -> Path:
    """The model folder, checked before model2vec sees it: a ProjectError naming the folder
    and how to get a model when it is missing or holds no model."""
    if not model_dir:
        raise ProjectError(
            "the embedding backend needs a model folder: --model-dir FOLDER, a model2vec "
            f"model saved on this machine. To get one, {GET_ONE}"
        )
    folder = Path(model_dir).expanduser()
    if not folder.exists():
        where = "" if folder.is_absolute() else f" ({folder.absolute()})"
        raise ProjectError(
            f"there is no model folder '{folder}'{where}: give --model-dir the folder of a "
            f"model2vec model. Nothing is downloaded at run time; to get one, {GET_ONE}"
        )
    if not folder.is_dir():
        raise ProjectError(
            f"'{folder}' is a file: --model-dir takes the folder that holds the model's "
            "config.json, model.safetensors and tokenizer.json"
        )
    if not any(all((folder / name).is_file() for name in layout) for layout in LAYOUTS):
        missing = [name for name in LAYOUTS[0] if not (folder / name).is_file()]
        raise ProjectError(
            f"the folder '{folder}' holds no model2vec model: {', '.join(missing)} "
            f"{agreeing(len(missing), 'is', 'are')} missing (a model folder has config.json, "
            f"model.safetensors and tokenizer.json). To get one, {GET_ONE}"
        )
    return folder.resolve()


def settings_for(model_dir: str | None) -> EmbeddingSettings:
    """A new run's settings: the checked folder and its checksum."""
    folder = check_folder(model_dir)
    checksum, files = model_checksum(folder)
    return EmbeddingSettings(str(folder), checksum, files)


def recorded_settings(settings: dict[str, Any]) -> EmbeddingSettings:
    """A recorded run's settings, with its model folder checked to hold the same files:
    validating with another model would judge a model the run did not use."""
    found = EmbeddingSettings(**settings)
    folder = check_folder(found.model_dir)
    checksum, _ = model_checksum(folder)
    if checksum != found.model_checksum:
        raise ProjectError(
            f"the model folder '{folder}' changed since the run was made (checksum "
            f"{checksum[:12]}, the run's {found.model_checksum[:12]}): put the run's model "
            "back, or make a new run with 'hrd-coder suggest run --backend embedding'"
        )
    return found


@contextmanager
def _offline() -> Iterator[None]:
    """The Hugging Face hub switched off (model2vec's loader falls back to it)."""
    before = os.environ.get("HF_HUB_OFFLINE")
    os.environ["HF_HUB_OFFLINE"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("HF_HUB_OFFLINE", None)
        else:
            os.environ["HF_HUB_OFFLINE"] = before


def load_model(settings: EmbeddingSettings) -> Any:
    """The model2vec StaticModel in the settings' folder, read from that folder only."""
    folder = check_folder(settings.model_dir)
    with _offline():
        try:
            from model2vec import StaticModel
        except ImportError:
            raise ProjectError(
                f"the embedding backend needs the model2vec package, which is not installed: "
                f"{INSTALL}"
            ) from None
        try:
            return StaticModel.from_pretrained(folder)  # an existing folder: read, not fetched
        except Exception as error:  # safetensors and tokenizers raise their own kinds
            raise ProjectError(
                f"could not read the model in '{folder}' ({error}): is it a model2vec model "
                f"saved whole? To get one, {GET_ONE}"
            ) from None


class EmbeddingFeatures:
    """A unit's features: its text's mean token embedding, each dimension standardised on
    the training texts (the shape of a scikit-learn transformer, so the classifier backend's
    training takes it as its features).

    Standardised because model2vec's models give vectors of length 1 spread over 256
    dimensions: each value is small, and the regression's penalty, set for TF-IDF, then
    held the weights near zero: unscaled, the planted signal was found at alpha 0.58 with
    the 64-dimension test model, scaled at 0.94 (tests/planted.py)."""

    def __init__(self, model: Any) -> None:
        from sklearn.preprocessing import StandardScaler

        self.model = model
        self.scaler = StandardScaler()

    def fit_transform(self, texts: Sequence[str]) -> np.ndarray:
        """The model is fixed: only the scaling is fitted, on these texts."""
        return self.scaler.fit_transform(self.embed(texts))

    def transform(self, texts: Sequence[str]) -> np.ndarray:
        """The texts' features, scaled as the training texts were."""
        return self.scaler.transform(self.embed(texts))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One vector per text. Every token counts (no truncation at the model's 512 tokens:
        a long turn is read whole), and in this process (model2vec starts worker processes
        above 10,000 texts, which on a small shared machine only wait for each other)."""
        return self.model.encode(list(texts), max_length=None, use_multiprocessing=False)
