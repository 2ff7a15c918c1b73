"""`scoring run`: every step that exists, end to end, on real files or on the embedded default."""

from __future__ import annotations

from pathlib import Path

from kernel.progress import log
from kernel.settings import Settings
from kernel.warehouse import writer_lock


def default_data_dir(settings: Settings, scale: str | float, seed: int) -> Path:
    return settings.warehouse / "data" / f"generated_{scale}_seed{seed}"


def run(
    settings: Settings,
    data: Path | None,
    scale: str | float = "small",
    seed: int = 42,
    serve: bool = True,
    host: str = "127.0.0.1",
    port: int = 7860,
) -> None:
    from pipeline.build import build
    from pipeline.generate import generate, is_complete
    from pipeline.ingest import ingest

    done: list[str] = []
    # One lock over the three steps: no other writer slips in between them.
    with writer_lock(settings):
        if data is None:
            data = default_data_dir(settings, scale, seed)
            if is_complete(data):
                log(f"run: using the embedded default data already generated in {data}")
            else:
                generate(data, scale=scale, seed=seed, fmt="csv")
                done.append(f"generated {data}")
        ingest(data, settings)
        done.append(f"ingested into {settings.raw_db}")
        build(settings)
        done.append(f"built {settings.features_db}")

        from models_ml.train import train
        from service.reasons import batch_reasons

        result = train(settings, describe=batch_reasons(settings))
        done.append(f"trained model {result.run_id} (OOF AUC {result.oof_auc:.3f})")
    log("run: " + "; ".join(done))
    if serve:
        from app import serve as serve_app

        serve_app(settings, host=host, port=port)
