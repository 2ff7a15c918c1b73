"""A generated table before it is written: numpy columns, NaN or code -1 for NULL, levels for categories."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from kernel.kaggle_schema import KaggleFile


@dataclass
class Frame:
    n: int
    data: dict[str, np.ndarray] = field(default_factory=dict)
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def set(self, name: str, values: np.ndarray) -> None:
        self.data[name] = values

    def set_category(self, name: str, codes: np.ndarray, levels: tuple[str, ...]) -> None:
        self.data[name] = codes
        self.levels[name] = tuple(levels)

    def is_level(self, name: str, *wanted: str) -> np.ndarray:
        ids = [self.levels[name].index(w) for w in wanted if w in self.levels[name]]
        return np.isin(self.data[name], ids)

    def to_arrow(self, spec: KaggleFile) -> pa.RecordBatch:
        """Columns in the Kaggle order with the Kaggle types (BIGINT, DOUBLE, VARCHAR as dictionary)."""
        arrays = []
        for col in spec.columns:
            values = self.data[col.name]
            if col.sql_type == "VARCHAR":
                codes = np.asarray(values, dtype=np.int16)
                mask = codes < 0
                arrays.append(
                    pa.DictionaryArray.from_arrays(
                        pa.array(np.where(mask, 0, codes), type=pa.int16(), mask=mask if mask.any() else None),
                        pa.array(list(self.levels[col.name]), type=pa.string()),
                    )
                )
            elif col.sql_type == "BIGINT":
                arrays.append(pa.array(np.asarray(values, dtype=np.int64)))
            else:
                v = np.asarray(values, dtype=np.float64)
                mask = np.isnan(v)
                arrays.append(pa.array(v, type=pa.float64(), mask=mask if mask.any() else None))
        return pa.RecordBatch.from_arrays(arrays, names=spec.column_names)
